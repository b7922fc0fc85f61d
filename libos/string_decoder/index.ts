// libos/string_decoder/index.ts — `node:string_decoder` from the string_decoder npm package (Node's own code).
// Layer: libos.
import * as sd from "string_decoder/lib/string_decoder.js";

export const StringDecoder = (sd as unknown as { StringDecoder: typeof import("node:string_decoder").StringDecoder }).StringDecoder;
export default { StringDecoder };
