// libos/crypto/keys/pem.ts — PEM (RFC 7468, and OpenSSL's "traditional" headers): the blocks of a text, and a block
// as OpenSSL writes it (64-column base64 lines, a final newline). Pure TypeScript (tested hosted).
// Layer: libos (private to libos/crypto).
import { Buffer } from "../../buffer/index.ts";

export interface PemBlock {
  /** The label: "PUBLIC KEY", "RSA PRIVATE KEY", ... */
  label: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of traditional encrypted keys. */
  headers: Record<string, string>;
  body: Uint8Array;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** Every well-formed block of `text`, in order (a block without its END line is left out). */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) {
    const label = m[1];
    const endMarker = `-----END ${label}-----`;
    const start = m.index + m[0].length;
    const end = text.indexOf(endMarker, start);
    if (end < 0) break;
    let inner = text.slice(start, end);
    const headers: Record<string, string> = {};
    const blank = /\r?\n\s*\r?\n/.exec(inner);
    if (blank && inner.slice(0, blank.index).includes(":")) {
      for (const line of inner.slice(0, blank.index).split(/\r?\n/)) {
        const at = line.indexOf(":");
        if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      inner = inner.slice(blank.index + blank[0].length);
    }
    const b64 = inner.replace(/\s+/g, "");
    if (/[^A-Za-z0-9+/=]/.test(b64)) continue;
    const body = Buffer.from(b64, "base64");
    blocks.push({ label, headers, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
    BEGIN.lastIndex = end + endMarker.length;
  }
  return blocks;
}

/** A PEM block as OpenSSL writes it. */
export function pemEncode(label: string, body: Uint8Array, headers?: Record<string, string>): string {
  const b64 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64");
  let out = `-----BEGIN ${label}-----\n`;
  if (headers) {
    for (const [k, v] of Object.entries(headers)) out += `${k}: ${v}\n`;
    out += "\n";
  }
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + "\n";
  return out + `-----END ${label}-----\n`;
}
