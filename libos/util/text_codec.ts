// libos/util/text_codec.ts — TextEncoder and TextDecoder (the WHATWG Encoding API; QuickJS has neither):
// UTF-8 both ways, and decoding of UTF-16LE and "latin1" (labelled windows-1252 as the standard says, but decoded
// byte for byte as ISO-8859-1, as Node 20 does).
// Streaming decode, fatal and ignoreBOM as specified. Layer: libos. Depends on utf8.ts.

import { utf8Decode, utf8Encode, utf8EncodeInto } from "./utf8.ts";

/** Encodes strings to UTF-8. */
export class TextEncoder {
  get encoding(): string { return "utf-8"; }

  /** The UTF-8 bytes of `input` (lone surrogates become U+FFFD). */
  encode(input = ""): Uint8Array {
    return utf8Encode(String(input));
  }

  /** Encodes into `dest` as much as fits; returns UTF-16 units read and bytes written. */
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number } {
    return utf8EncodeInto(String(src), dest);
  }
}

const LABELS: Record<string, string> = {
  "utf-8": "utf-8", utf8: "utf-8", "unicode-1-1-utf-8": "utf-8",
  "utf-16le": "utf-16le", "utf-16": "utf-16le", ucs2: "utf-16le", "ucs-2": "utf-16le",
  latin1: "windows-1252", "iso-8859-1": "windows-1252", ascii: "windows-1252", "us-ascii": "windows-1252",
  "windows-1252": "windows-1252", "cp1252": "windows-1252", l1: "windows-1252", "iso8859-1": "windows-1252",
};

function bytesOf(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === "[object SharedArrayBuffer]") {
    return new Uint8Array(input as ArrayBuffer);
  }
  throw Object.assign(new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView.'), { code: "ERR_INVALID_ARG_TYPE" });
}

/** Decodes bytes to a string: utf-8 (default), utf-16le, latin1 (reported as windows-1252). */
export class TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  private pending: Uint8Array = new Uint8Array(0);
  private bomSeen = false;

  constructor(label = "utf-8", options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const enc = LABELS[String(label).trim().toLowerCase()];
    if (!enc) throw Object.assign(new RangeError(`The "${label}" encoding is not supported`), { code: "ERR_ENCODING_NOT_SUPPORTED" });
    this.encoding = enc;
    this.fatal = !!options.fatal;
    this.ignoreBOM = !!options.ignoreBOM;
  }

  /** Decodes `input`; with `{ stream: true }` an incomplete trailing sequence waits for the next call. */
  decode(input?: ArrayBuffer | ArrayBufferView, options: { stream?: boolean } = {}): string {
    let bytes = bytesOf(input);
    if (this.pending.length) {
      const joined = new Uint8Array(this.pending.length + bytes.length);
      joined.set(this.pending);
      joined.set(bytes, this.pending.length);
      bytes = joined;
    }
    const stream = !!options.stream;
    let text: string;
    let rest = 0;
    if (this.encoding === "utf-8") {
      const r = utf8Decode(bytes, 0, bytes.length, this.fatal, stream);
      text = r.text;
      rest = r.pending;
    } else if (this.encoding === "utf-16le") {
      const n = bytes.length & ~1;
      rest = stream ? bytes.length - n : 0;
      if (!stream && bytes.length & 1) {
        if (this.fatal) throw Object.assign(new TypeError("The encoded data was not valid for encoding utf-16le"), { code: "ERR_ENCODING_INVALID_ENCODED_DATA" });
      }
      const units: number[] = [];
      for (let i = 0; i < n; i += 2) units.push(bytes[i] | (bytes[i + 1] << 8));
      text = String.fromCharCode.apply(null, units) + (!stream && bytes.length & 1 ? "\ufffd" : "");
    } else {
      let s = "";
      for (const b of bytes) s += String.fromCharCode(b);
      text = s;
    }
    this.pending = rest ? bytes.slice(bytes.length - rest) : new Uint8Array(0);
    if (!this.bomSeen && text.length) {
      this.bomSeen = true;
      if (!this.ignoreBOM && this.encoding !== "windows-1252" && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!stream) { this.bomSeen = false; this.pending = new Uint8Array(0); }
    return text;
  }
}
