// drivers/virtio/net/header.ts — struct virtio_net_hdr_v1 (virtio 1.x section 5.1.6): the feature bits of
// virtio-net, the header's fields and values, and the checks a received header must pass before its frame is
// handed to the stack. The device is not trusted further than the features it agreed to: a flag, GSO type or
// checksum range it could not have meant makes the frame invalid (Linux's virtio_net_hdr_to_skb checks the same).
// Layer: drivers (device). No dependencies.

export const F_CSUM = 0, F_GUEST_CSUM = 1, F_MTU = 3, F_MAC = 5, F_GUEST_TSO4 = 7, F_HOST_TSO4 = 11,
  F_MRG_RXBUF = 15, F_STATUS = 16;

/** struct virtio_net_hdr_v1 with num_buffers (always present with VERSION_1). */
export const NET_HDR = 12;
export const ETH_HDR = 14;
/** The largest frame segmentation offload handles either way: an Ethernet header and a 65,535-byte IPv4 datagram. */
export const MAX_TSO_FRAME = ETH_HDR + 65535;

/** flags: the checksum from csum_start on is partial (the receiver or the device completes it). */
export const HDR_F_NEEDS_CSUM = 1;
/** flags: the device verified the frame's checksum. */
export const HDR_F_DATA_VALID = 2;
export const GSO_NONE = 0;
export const GSO_TCPV4 = 1;

/** The features that decide what a received header may say. */
export interface RxFeatures {
  guestCsum: boolean;
  guestTso4: boolean;
  mergeable: boolean;
  mtu: number;
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);

/**
 * Checks the header at `b[off]` of a received frame of `len` bytes (the frame follows the header). Returns the
 * header's flags (HDR_F_*), or -1 when the header is inconsistent with the frame or with what was negotiated:
 * unknown flags; checksum flags without GUEST_CSUM; a partial checksum range outside the frame; a GSO type other
 * than TCPV4, or TCPV4 without GUEST_TSO4, with a gso_size of 0, on a frame that is not IPv4/TCP, or with neither
 * checksum flag; a frame longer than mtu + 14 that is not GSO, or longer than MAX_TSO_FRAME.
 */
export function checkRxHeader(b: Uint8Array, off: number, len: number, f: RxFeatures): number {
  const flags = b[off];
  if (flags & ~(HDR_F_NEEDS_CSUM | HDR_F_DATA_VALID)) return -1;
  if (flags !== 0 && !f.guestCsum) return -1;
  if (flags & HDR_F_NEEDS_CSUM) {
    const start = u16(b, off + 6), at = u16(b, off + 8);
    if (start < ETH_HDR || start + at + 2 > len) return -1;
  }
  const gso = b[off + 1];
  if (gso === GSO_NONE) return len <= ETH_HDR + f.mtu ? flags : -1;
  if (gso !== GSO_TCPV4 || !f.guestTso4 || flags === 0) return -1;
  const gsoSize = u16(b, off + 4);
  if (gsoSize === 0 || gsoSize > len || len > MAX_TSO_FRAME) return -1;
  const p = off + NET_HDR;
  if (len < ETH_HDR + 40 || b[p + 12] !== 0x08 || b[p + 13] !== 0x00 || b[p + ETH_HDR + 9] !== 6) return -1;
  return flags;
}
