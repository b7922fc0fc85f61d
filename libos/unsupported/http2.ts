// libos/unsupported/http2.ts — `node:http2`, not yet: unijs serves HTTP/1.1 (HTTP/2 needs TLS+ALPN or h2c framing,
// planned after TLS). The module has Node's names, constants and settings helpers (frameworks check
// `instanceof Http2ServerRequest`); connect/createServer/createSecureServer throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM.
// Layer: libos. Depends on _unsupported.ts, http2_constants.ts and buffer.
import { Buffer } from "../buffer/index.ts";
import { unsupportedError, unsupportedFunction } from "./_unsupported.ts";
import { constants } from "./http2_constants.ts";

const WHY = "unijs serves HTTP/1.1 only so far (node:http); HTTP/2 is not implemented yet";

export { constants };
export const connect = unsupportedFunction("http2.connect", WHY, 3);
export const createServer = unsupportedFunction("http2.createServer", WHY, 2);
export const createSecureServer = unsupportedFunction("http2.createSecureServer", WHY, 2);
export const performServerHandshake = unsupportedFunction("http2.performServerHandshake", WHY, 2);
export const sensitiveHeaders = Symbol("nodejs.http2.sensitiveHeaders");

export class Http2ServerRequest {
  constructor() {
    throw unsupportedError("new http2.Http2ServerRequest()", WHY);
  }
}
export class Http2ServerResponse {
  constructor() {
    throw unsupportedError("new http2.Http2ServerResponse()", WHY);
  }
}

export interface Settings {
  headerTableSize?: number; enablePush?: boolean; initialWindowSize?: number; maxFrameSize?: number;
  maxConcurrentStreams?: number; maxHeaderListSize?: number; maxHeaderSize?: number; enableConnectProtocol?: boolean;
}

/** Node's (nghttp2's) defaults. */
export function getDefaultSettings(): Settings {
  return {
    headerTableSize: 4096, enablePush: true, initialWindowSize: 65535, maxFrameSize: 16384,
    maxConcurrentStreams: 4294967295, maxHeaderSize: 65535, maxHeaderListSize: 65535, enableConnectProtocol: false,
  };
}

// SETTINGS identifiers (RFC 9113 §6.5.2, RFC 8441).
const IDS: [keyof Settings, number][] = [
  ["headerTableSize", 1], ["enablePush", 2], ["maxConcurrentStreams", 3], ["initialWindowSize", 4],
  ["maxFrameSize", 5], ["maxHeaderListSize", 6], ["enableConnectProtocol", 8],
];

/** The settings as a SETTINGS frame payload (6 bytes each), as Node packs them. */
export function getPackedSettings(settings: Settings = {}): Buffer {
  const s = { ...settings, maxHeaderListSize: settings.maxHeaderListSize ?? settings.maxHeaderSize };
  const present = IDS.filter(([k]) => s[k] !== undefined);
  const out = Buffer.alloc(present.length * 6);
  present.forEach(([k, id], i) => {
    out.writeUInt16BE(id, i * 6);
    const v = s[k];
    out.writeUInt32BE(typeof v === "boolean" ? Number(v) : (v as number) >>> 0, i * 6 + 2);
  });
  return out;
}

/** Decodes a SETTINGS payload (RangeError-free: unknown identifiers are skipped, as Node does). */
export function getUnpackedSettings(buf: Uint8Array): Settings {
  if (buf.length % 6 !== 0) {
    throw Object.assign(new RangeError("Packed settings length must be a multiple of six"), { code: "ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH" });
  }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const out: Record<string, number | boolean> = {};
  for (let o = 0; o < b.length; o += 6) {
    const id = b.readUInt16BE(o), v = b.readUInt32BE(o + 2);
    const name = IDS.find(([, i]) => i === id)?.[0];
    if (!name) continue;
    out[name] = name === "enablePush" || name === "enableConnectProtocol" ? v !== 0 : v;
    if (name === "maxHeaderListSize") out.maxHeaderSize = v;
  }
  return out as Settings;
}

export default {
  connect, constants, createServer, createSecureServer, getDefaultSettings, getPackedSettings, getUnpackedSettings,
  performServerHandshake, sensitiveHeaders, Http2ServerRequest, Http2ServerResponse,
};
