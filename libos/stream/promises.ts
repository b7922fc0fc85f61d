// libos/stream/promises.ts — `node:stream/promises`: pipeline (Node streams, web streams, async iterables and
// generators, with { signal, end }) and finished (with its options: readable, writable, error, signal, cleanup),
// from readable-stream v4, the same functions node:stream's `promises` holds.
// Layer: libos.
import { promises } from "./index.ts";

type P = typeof import("node:stream/promises");
const m = promises as unknown as P;

export const pipeline: P["pipeline"] = m.pipeline;
export const finished: P["finished"] = m.finished;
export default { pipeline, finished };
