// libos/web/streams/node_stream_hook.ts — the meeting point of node:stream and its web-stream adapters:
// libos/stream/index.ts registers its classes here when it loads, and libos/globals/stream_web_adapters.ts (in
// images that mention fromWeb/toWeb) asks to be called with them. Either may come first: web-global installers run
// before the runtime is up, when readable-stream must not load yet. No dependencies.
// Layer: libos.

/** What the adapters need from node:stream. */
export interface NodeStreamClasses {
  Readable: unknown;
  Writable: unknown;
  Duplex: unknown;
  finished: unknown;
}

let classes: NodeStreamClasses | undefined;
let attach: ((c: NodeStreamClasses) => void) | undefined;

/** Called by libos/stream/index.ts when it loads. */
export function registerNodeStream(c: NodeStreamClasses): void {
  classes = c;
  attach?.(c);
}

/** Calls `f` with node:stream's classes now if they are loaded, else when they load. */
export function onNodeStream(f: (c: NodeStreamClasses) => void): void {
  attach = f;
  if (classes) f(classes);
}
