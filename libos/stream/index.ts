// libos/stream/index.ts — `node:stream`: readable-stream v4 (Node's streams, tracked from Node 18) re-exported with
// Node's names. Its classes are callable as ES5 constructors (frameworks call `Readable.call(this)`).
// Layer: libos. The path into the package avoids the bare name "stream", which resolves to this file.
import * as rs from "readable-stream/lib/ours/index.js";
import * as rsUtilNs from "readable-stream/lib/ours/util.js";
import * as rsPrimordialsNs from "readable-stream/lib/ours/primordials.js";
import { SymbolDispose } from "../events/helpers.ts";
import { registerNodeStream } from "../web/streams/node_stream_hook.ts";

type S = typeof import("node:stream");
const m = ((rs as { default?: unknown }).default ?? rs) as S & { default?: S };

export const Stream = m.Stream;
export const Readable = m.Readable;
export const Writable = m.Writable;
export const Duplex = m.Duplex;
export const Transform = m.Transform;
export const PassThrough = m.PassThrough;
export const pipeline = m.pipeline;
export const finished = m.finished;
export const addAbortSignal = m.addAbortSignal;
export const promises = m.promises;
export const isReadable = (m as unknown as { isReadable?: S["isReadable"] }).isReadable;
export const isErrored = (m as unknown as { isErrored?: S["isErrored"] }).isErrored;
// finished()/pipeline() with { signal } dispose of node:events' addAbortListener result by readable-stream's own
// Symbol.dispose stand-in (a private Symbol where the engine has no Symbol.dispose, as QuickJS): give the
// disposable that key too, or the abort listener's removal throws "not a function".
type Disposable = Record<symbol, () => void>;
const rsUtil = ((rsUtilNs as { default?: unknown }).default ?? rsUtilNs) as { addAbortListener: (s: unknown, l: unknown) => Disposable };
const rsDispose = (((rsPrimordialsNs as { default?: unknown }).default ?? rsPrimordialsNs) as { SymbolDispose: symbol }).SymbolDispose;
if (rsDispose !== SymbolDispose) {
  const addAbortListener = rsUtil.addAbortListener;
  rsUtil.addAbortListener = (signal, listener) => {
    const d = addAbortListener(signal, listener);
    if (typeof d[rsDispose] !== "function" && typeof d[SymbolDispose] === "function") d[rsDispose] = () => d[SymbolDispose]();
    return d;
  };
}
// Readable/Writable/Duplex.fromWeb/toWeb: attached by libos/web/streams/adapters.ts in images that mention them.
registerNodeStream({ Readable: m.Readable, Writable: m.Writable, Duplex: m.Duplex, finished: m.finished });
export default m.Stream;
