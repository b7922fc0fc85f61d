// libos/globals/web_streams.ts — the WHATWG streams as Node 20's globals (ReadableStream and its readers,
// controllers and BYOB request, WritableStream, TransformStream, the queuing strategies, TextEncoderStream and
// TextDecoderStream), the same classes node:stream/web exports. CompressionStream/DecompressionStream are installed
// by libos/globals/compression_streams.ts, so that only images that mention them link zlib.
// Layer: libos (globals).
import {
  ByteLengthQueuingStrategy, CountQueuingStrategy, ReadableByteStreamController, ReadableStream, ReadableStreamBYOBReader,
  ReadableStreamBYOBRequest, ReadableStreamDefaultController, ReadableStreamDefaultReader, TransformStream,
  TransformStreamDefaultController, WritableStream, WritableStreamDefaultController, WritableStreamDefaultWriter,
} from "../web/streams/index.ts";
import { TextDecoderStream, TextEncoderStream } from "../web/streams/text_streams.ts";
import { defineGlobals } from "../web/_util.ts";

export function install(): void {
  defineGlobals({
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
    ReadableByteStreamController, ReadableStreamDefaultController, TransformStream, TransformStreamDefaultController,
    WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController, ByteLengthQueuingStrategy,
    CountQueuingStrategy, TextEncoderStream, TextDecoderStream,
  });
}
