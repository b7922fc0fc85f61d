// libos/stream/index.ts — `node:stream`: readable-stream v4 (Node's streams, tracked from Node 18) re-exported with
// Node's names. Its classes are callable as ES5 constructors (frameworks call `Readable.call(this)`).
// Layer: libos. The path into the package avoids the bare name "stream", which resolves to this file.
import * as rs from "readable-stream/lib/ours/index.js";
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
// Readable/Writable/Duplex.fromWeb/toWeb: attached by libos/web/streams/adapters.ts in images that mention them.
registerNodeStream({ Readable: m.Readable, Writable: m.Writable, Duplex: m.Duplex, finished: m.finished });
export default m.Stream;
