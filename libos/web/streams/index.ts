// libos/web/streams/index.ts — the WHATWG streams' public face: ReadableStream (default and byte), its readers,
// controllers and BYOB request, WritableStream and its writer/controller, TransformStream and its controller, and
// the queuing strategies. The text and compression streams are in their own files (text_streams.ts,
// compression_streams.ts) so that an image using only ReadableStream carries neither a codec nor zlib.
// Layer: libos (web platform). No side effects at import.
export {
  ReadableStream, ReadableStreamDefaultController, ReadableStreamDefaultReader, isReadableStream, isReadableStreamLocked,
  isReadableStreamDisturbed,
} from "./readable_stream.ts";
export { ReadableByteStreamController, ReadableStreamBYOBReader, ReadableStreamBYOBRequest } from "./byte_stream.ts";
export { WritableStream, WritableStreamDefaultController, WritableStreamDefaultWriter, isWritableStream } from "./writable_stream.ts";
export { TransformStream, TransformStreamDefaultController, isTransformStream } from "./transform_stream.ts";
export { ByteLengthQueuingStrategy, CountQueuingStrategy } from "./queuing_strategy.ts";
