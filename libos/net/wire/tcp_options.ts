// libos/net/wire/tcp_options.ts — TCP options (RFC 9293, RFC 7323, RFC 2018): parsing the options area into plain
// values and emitting them in Linux's SYN layout (MSS, SACK-permitted + timestamps, NOP + window scale), always a
// multiple of 4 bytes. Layer: libos/net/wire. Depends on ./_util.ts.

import { get16, get32, malformed, set16, set32 } from "./_util.ts";

/** TCP option kinds. */
export const TcpOptionKind = {
  /** End of option list. */
  EndOfList: 0,
  /** No-operation (padding). */
  NoOperation: 1,
  /** Maximum segment size (SYN only). */
  MaxSegmentSize: 2,
  /** Window scale shift (SYN only). */
  WindowScale: 3,
  /** SACK permitted (SYN only). */
  SackPermitted: 4,
  /** SACK blocks. */
  Sack: 5,
  /** Timestamps. */
  Timestamps: 8,
} as const;

/** Most bytes of options a TCP header can carry. */
export const TCP_MAX_OPTIONS_LENGTH = 40;
/** Largest window scale shift (RFC 7323 §2.3); larger received values are taken as 14. */
export const TCP_MAX_WINDOW_SCALE = 14;

/** The timestamps option. */
export interface TcpTimestamp {
  /** The sender's timestamp value. */
  tsVal: number;
  /** The echoed timestamp (0 when not echoing). */
  tsEcr: number;
}

/** A SACK block: the sequence numbers `left` (first) to `right` (one past the last) received. */
export type TcpSackRange = [left: number, right: number];

/** The options a TCP segment carries; `null`/`false` where absent. Unknown options are skipped on parse. */
export interface TcpOptions {
  /** Maximum segment size. */
  maxSegSize: number | null;
  /** Window scale shift 0..14. */
  windowScale: number | null;
  /** SACK permitted. */
  sackPermitted: boolean;
  /** SACK blocks (1 to 4). */
  sackRanges: TcpSackRange[] | null;
  /** Timestamps. */
  timestamp: TcpTimestamp | null;
}

/**
 * Parses `bytes[start..end)` as TCP options into `into` (whose fields are reset first). A timestamps option is
 * written into `ts` when given (a reader reusing one object per segment, see TcpSegmentReader), else into a new
 * object. Throws WireError ("malformed") for an option whose length is under 2 or runs past `end`, or a known
 * option of the wrong length.
 */
export function parseTcpOptions(bytes: Uint8Array, start: number, end: number, into: TcpOptions,
  ts?: TcpTimestamp): void {
  into.maxSegSize = null;
  into.windowScale = null;
  into.sackPermitted = false;
  into.sackRanges = null;
  into.timestamp = null;
  if (start === end) return;
  // The layout of nearly every segment of a connection with timestamps (Linux, BSD, ours): NOP NOP TS.
  if (end - start === 12 && bytes[start] === 1 && bytes[start + 1] === 1 && bytes[start + 2] === 8 &&
    bytes[start + 3] === 10) {
    const t = ts !== undefined ? ts : { tsVal: 0, tsEcr: 0 };
    t.tsVal = get32(bytes, start + 4);
    t.tsEcr = get32(bytes, start + 8);
    into.timestamp = t;
    return;
  }
  let i = start;
  while (i < end) {
    const kind = bytes[i];
    if (kind === TcpOptionKind.EndOfList) break;
    if (kind === TcpOptionKind.NoOperation) {
      i++;
      continue;
    }
    if (i + 1 >= end) throw malformed(`expected a length byte for TCP option ${kind}, found the end of the options`);
    const len = bytes[i + 1];
    if (len < 2 || i + len > end) {
      throw malformed(`expected TCP option ${kind} of length 2 to ${end - i}, found length ${len}`);
    }
    switch (kind) {
      case TcpOptionKind.MaxSegmentSize:
        expectLength(kind, len, 4);
        into.maxSegSize = get16(bytes, i + 2);
        break;
      case TcpOptionKind.WindowScale:
        expectLength(kind, len, 3);
        into.windowScale = Math.min(bytes[i + 2], TCP_MAX_WINDOW_SCALE);
        break;
      case TcpOptionKind.SackPermitted:
        expectLength(kind, len, 2);
        into.sackPermitted = true;
        break;
      case TcpOptionKind.Sack: {
        if (len < 10 || (len - 2) % 8 !== 0) {
          throw malformed(`expected a TCP SACK option of length 10, 18, 26 or 34, found length ${len}`);
        }
        const ranges: TcpSackRange[] = [];
        for (let p = i + 2; p < i + len; p += 8) ranges.push([get32(bytes, p), get32(bytes, p + 4)]);
        into.sackRanges = ranges;
        break;
      }
      case TcpOptionKind.Timestamps:
        expectLength(kind, len, 10);
        into.timestamp = ts !== undefined ? ts : { tsVal: 0, tsEcr: 0 };
        into.timestamp.tsVal = get32(bytes, i + 2);
        into.timestamp.tsEcr = get32(bytes, i + 6);
        break;
      default:
        break;
    }
    i += len;
  }
}

function expectLength(kind: number, found: number, expected: number): void {
  if (found !== expected) throw malformed(`expected TCP option ${kind} of length ${expected}, found length ${found}`);
}

/**
 * Bytes `emitTcpOptions` writes for `opts` (a multiple of 4). Throws WireError ("malformed") when they exceed
 * 40 bytes (too many SACK blocks next to the other options).
 */
export function tcpOptionsLength(opts: TcpOptions): number {
  let n = 0;
  if (opts.maxSegSize !== null) n += 4;
  if (opts.timestamp !== null) n += 12; // SACK-permitted + TS, or NOP NOP TS
  else if (opts.sackPermitted) n += 4; // NOP NOP SACK-permitted
  if (opts.windowScale !== null) n += 4; // NOP WS
  if (opts.sackRanges !== null && opts.sackRanges.length > 0) n += 4 + 8 * opts.sackRanges.length; // NOP NOP SACK
  if (n > TCP_MAX_OPTIONS_LENGTH) {
    throw malformed(`expected TCP options to fit in ${TCP_MAX_OPTIONS_LENGTH} bytes, found ${n}`);
  }
  return n;
}

/**
 * Writes `opts` at `bytes[at..]` in Linux's layout; returns the bytes written (as `tcpOptionsLength`, which
 * throws first when they would not fit in 40 bytes).
 */
export function emitTcpOptions(opts: TcpOptions, bytes: Uint8Array, at: number): number {
  tcpOptionsLength(opts);
  return writeTcpOptions(opts, bytes, at);
}

/** `emitTcpOptions` without the size check, for a caller that has just called `tcpOptionsLength` itself. */
export function writeTcpOptions(opts: TcpOptions, bytes: Uint8Array, at: number): number {
  const start = at;
  if (opts.maxSegSize !== null) {
    bytes[at] = TcpOptionKind.MaxSegmentSize;
    bytes[at + 1] = 4;
    set16(bytes, at + 2, opts.maxSegSize);
    at += 4;
  }
  if (opts.timestamp !== null) {
    if (opts.sackPermitted) {
      bytes[at] = TcpOptionKind.SackPermitted;
      bytes[at + 1] = 2;
    } else {
      bytes[at] = TcpOptionKind.NoOperation;
      bytes[at + 1] = TcpOptionKind.NoOperation;
    }
    bytes[at + 2] = TcpOptionKind.Timestamps;
    bytes[at + 3] = 10;
    set32(bytes, at + 4, opts.timestamp.tsVal);
    set32(bytes, at + 8, opts.timestamp.tsEcr);
    at += 12;
  } else if (opts.sackPermitted) {
    bytes[at] = TcpOptionKind.NoOperation;
    bytes[at + 1] = TcpOptionKind.NoOperation;
    bytes[at + 2] = TcpOptionKind.SackPermitted;
    bytes[at + 3] = 2;
    at += 4;
  }
  if (opts.windowScale !== null) {
    bytes[at] = TcpOptionKind.NoOperation;
    bytes[at + 1] = TcpOptionKind.WindowScale;
    bytes[at + 2] = 3;
    bytes[at + 3] = opts.windowScale;
    at += 4;
  }
  const sack = opts.sackRanges;
  if (sack !== null && sack.length > 0) {
    bytes[at] = TcpOptionKind.NoOperation;
    bytes[at + 1] = TcpOptionKind.NoOperation;
    bytes[at + 2] = TcpOptionKind.Sack;
    bytes[at + 3] = 2 + 8 * sack.length;
    at += 4;
    for (let k = 0; k < sack.length; k++) {
      set32(bytes, at, sack[k][0]);
      set32(bytes, at + 4, sack[k][1]);
      at += 8;
    }
  }
  return at - start;
}
