// libos/net/tcp/rst.ts — the reset a host sends for a segment that belongs to no connection (RFC 9293 §3.10.7.1
// "If the state is CLOSED": never answer a RST; `<SEQ=SEG.ACK><CTL=RST>` for a segment with ACK, else
// `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`). Layer: libos/net/tcp. Depends on ../wire.

import { isUnicast } from "../wire/ipv4_address.ts";
import { TcpFlags, TcpRepr } from "../wire/tcp.ts";

/**
 * The RST answering `seg` (sent from `src` to `dst`), to be sent back from `dst` to `src`; null when none may be
 * sent: `seg` is itself a RST, or either address is not unicast (RFC 1122 §4.2.3.10). A new object each call.
 *
 * @example const r = rstFor(src, dst, seg); if (r) ip.sendTcp(dst, src, r);
 */
export function rstFor(src: number, dst: number, seg: TcpRepr): TcpRepr | null {
  if (seg.flags & TcpFlags.RST || !isUnicast(src >>> 0) || !isUnicast(dst >>> 0)) return null;
  const withAck = (seg.flags & TcpFlags.ACK) !== 0;
  return {
    srcPort: seg.dstPort,
    dstPort: seg.srcPort,
    seqNumber: withAck ? seg.ackNumber : 0,
    ackNumber: withAck ? 0 : (seg.seqNumber + TcpRepr.segmentLength(seg)) >>> 0,
    flags: withAck ? TcpFlags.RST : TcpFlags.RST | TcpFlags.ACK,
    windowLen: 0,
    urgentPointer: 0,
    maxSegSize: null,
    windowScale: null,
    sackPermitted: false,
    sackRanges: null,
    timestamp: null,
    payload: new Uint8Array(0),
  };
}
