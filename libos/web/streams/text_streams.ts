// libos/web/streams/text_streams.ts — TextEncoderStream and TextDecoderStream (WHATWG Encoding §5.4, §6.2): a
// TransformStream around libos/util/text_codec's encoder/decoder. The encoder keeps a high surrogate that ends a
// chunk for the next one (a lone one becomes U+FFFD at the end); the decoder decodes with { stream: true } and
// flushes at close (fatal: the decoder's TypeError errors both sides).
// Layer: libos (web platform).
import { TextDecoder, TextEncoder } from "../../util/text_codec.ts";
import { inspectAs, invalidThis, kInspect, type BufferSource } from "./_util.ts";
import { webidlClass } from "../_util.ts";
import { createTransformStream, type TransformStream } from "./transform_stream.ts";
import type { ReadableStream } from "./readable_stream.ts";
import type { WritableStream } from "./writable_stream.ts";
import { nodeError } from "../../util/errors.ts";

const REPLACEMENT = new Uint8Array([0xef, 0xbf, 0xbd]);

export class TextEncoderStream {
  _transform: TransformStream<string, Uint8Array>;

  constructor() {
    const encoder = new TextEncoder();
    let pendingHigh = "";
    this._transform = createTransformStream<string, Uint8Array>((chunk, c) => {
      let s = pendingHigh + String(chunk);
      pendingHigh = "";
      const last = s.charCodeAt(s.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        pendingHigh = s[s.length - 1];
        s = s.slice(0, -1);
      }
      if (s.length > 0) c.enqueue(encoder.encode(s));
    }, (c) => {
      if (pendingHigh !== "") c.enqueue(REPLACEMENT.slice());
    });
  }

  get encoding(): string {
    if (!(this instanceof TextEncoderStream)) throw invalidThis("TextEncoderStream");
    return "utf-8";
  }

  get readable(): ReadableStream<Uint8Array> {
    if (!(this instanceof TextEncoderStream)) throw invalidThis("TextEncoderStream");
    return this._transform._readable;
  }

  get writable(): WritableStream<string> {
    if (!(this instanceof TextEncoderStream)) throw invalidThis("TextEncoderStream");
    return this._transform._writable;
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("TextEncoderStream", depth, options, inspect, {
      encoding: "utf-8", readable: this._transform._readable, writable: this._transform._writable,
    });
  }
}
webidlClass(TextEncoderStream, "TextEncoderStream");
delete (TextEncoderStream.prototype as { [Symbol.toStringTag]?: string })[Symbol.toStringTag]; // Node 20 has none

function checkInput(chunk: unknown): void {
  if (ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer ||
      Object.prototype.toString.call(chunk) === "[object SharedArrayBuffer]") return;
  throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE",
    'The "input" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.');
}

export class TextDecoderStream {
  _transform: TransformStream<BufferSource, string>;
  _decoder: TextDecoder;

  constructor(label = "utf-8", options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const decoder = this._decoder = new TextDecoder(label, options ?? {});
    this._transform = createTransformStream<BufferSource, string>((chunk, c) => {
      checkInput(chunk);
      const s = decoder.decode(chunk, { stream: true });
      if (s.length > 0) c.enqueue(s);
    }, (c) => {
      const s = decoder.decode();
      if (s.length > 0) c.enqueue(s);
    });
  }

  get encoding(): string {
    if (!(this instanceof TextDecoderStream)) throw invalidThis("TextDecoderStream");
    return this._decoder.encoding;
  }

  get fatal(): boolean {
    if (!(this instanceof TextDecoderStream)) throw invalidThis("TextDecoderStream");
    return this._decoder.fatal;
  }

  get ignoreBOM(): boolean {
    if (!(this instanceof TextDecoderStream)) throw invalidThis("TextDecoderStream");
    return this._decoder.ignoreBOM;
  }

  get readable(): ReadableStream<string> {
    if (!(this instanceof TextDecoderStream)) throw invalidThis("TextDecoderStream");
    return this._transform._readable;
  }

  get writable(): WritableStream<BufferSource> {
    if (!(this instanceof TextDecoderStream)) throw invalidThis("TextDecoderStream");
    return this._transform._writable;
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("TextDecoderStream", depth, options, inspect, {
      encoding: this._decoder.encoding, fatal: this._decoder.fatal, ignoreBOM: this._decoder.ignoreBOM,
      readable: this._transform._readable, writable: this._transform._writable,
    });
  }
}
webidlClass(TextDecoderStream, "TextDecoderStream");
delete (TextDecoderStream.prototype as { [Symbol.toStringTag]?: string })[Symbol.toStringTag]; // Node 20 has none
