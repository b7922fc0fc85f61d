// kernel/devices.ts — the device-class interfaces between drivers (which implement them) and libos (which
// consumes them), after MirageOS's NETIF/BLOCK: the network stack and the filesystem are built on these, so the
// same code runs over virtio in the guest and over in-memory devices in Node tests.
// Layer: kernel. No dependencies.

/** A link-layer (Ethernet) device. Frames are whole Ethernet frames without the FCS. */
export interface NetDevice {
  /** 6-byte MAC address. */
  readonly mac: Uint8Array;
  /** Largest frame payload (IP MTU, normally 1500); frames are at most mtu + 14 bytes. */
  readonly mtu: number;
  /** Link state as the device reports it. */
  readonly linkUp: boolean;
  /** What the device does for the stack (fixed once the device is open); absent: none (NO_OFFLOADS). */
  readonly offloads?: NetOffloads;
  /**
   * Sends one frame of `size` bytes: `fill` writes it into a buffer the device owns, valid only during the call.
   * `tx` (read during the call only) asks for a checksum or segmentation the device offers (see `offloads`).
   * Returns false (and sends nothing) when the transmit ring is full; call onWritable to learn when to retry.
   * Throws RangeError for a size beyond mtu + 14 (beyond offloads.tsoMaxBytes for a segmented frame).
   */
  write(size: number, fill: (frame: Uint8Array) => void, tx?: TxOffload | null): boolean;
  /**
   * Receives frames: `handler` gets a view of each frame that is valid only during the call (copy what you keep)
   * and the frame's RX_* flags (absent: 0). Replaces any earlier handler. With offloads.rxLarge a TCP/IPv4 frame may exceed
   * mtu + 14 (the device's peer coalesced segments, up to 14 + 65535 bytes).
   */
  listen(handler: (frame: Uint8Array, flags?: number) => void): void;
  /** Called once when a full transmit ring has room again. */
  onWritable(callback: () => void): void;
  /** While listening, the device keeps the event loop alive (like an open socket) unless unref'd. */
  ref(): void;
  unref(): void;
  /** Device counters. */
  stats(): NetStats;
  /** Stops the device and releases its loop handle (the loop may then exit). */
  close(): void;
}

/** Offloads a NetDevice offers (virtio-net: the features both sides agreed on). */
export interface NetOffloads {
  /** write() takes TxOffload.csumStart/csumOffset: the device completes a TCP or UDP checksum. */
  readonly txChecksum: boolean;
  /** Largest TCP/IPv4 frame (Ethernet header included) write() segments into MSS-sized ones (TSO); 0: none. */
  readonly tsoMaxBytes: number;
  /** Received TCP/IPv4 frames may be larger than mtu + 14 (coalesced segments). */
  readonly rxLarge: boolean;
}

export const NO_OFFLOADS: NetOffloads = Object.freeze({ txChecksum: false, tsoMaxBytes: 0, rxLarge: false });

/** Receive flag: the device (or its peer) verified the frame's TCP/UDP checksum, or the sender left it partial. */
export const RX_CHECKSUM_VALID = 1;

/**
 * Per-frame transmit metadata, read by write() during the call (a caller may reuse one object).
 * Offsets are in bytes from the start of the frame.
 */
export interface TxOffload {
  /** Where the checksummed range starts (the TCP/UDP header); 0: no checksum asked of the device. The checksum
   *  field must hold the folded pseudo-header sum; the device adds the rest and writes the complement there. */
  csumStart: number;
  /** Where the checksum field sits, from csumStart (16 for TCP, 6 for UDP). */
  csumOffset: number;
  /** TCP/IPv4 segmentation: payload bytes per segment (the MSS); 0: the frame goes as it is. Needs csumStart. */
  gsoSize: number;
  /** Bytes of Ethernet, IPv4 and TCP headers (options included) before the payload, with gsoSize. */
  hdrLen: number;
}

export interface NetStats {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  rxDropped: number;
  txDropped: number;
}

/** A block device of fixed-size sectors. */
export interface BlockDevice {
  readonly info: BlockInfo;
  /** Reads `count` sectors starting at `sector` into a new buffer. Rejects (Error with .code) on device errors. */
  read(sector: number, count: number): Promise<Uint8Array>;
  /** Writes whole sectors from `data` (its length must be a multiple of sectorSize) starting at `sector`. */
  write(sector: number, data: Uint8Array): Promise<void>;
  /** Makes earlier completed writes durable. */
  flush(): Promise<void>;
  /**
   * The same three, waiting for the device synchronously (file systems: node:fs's sync and async APIs share one
   * synchronous core). The CPU halts until the device's completion interrupt; other devices' interrupts wait for the
   * event loop, so no other JS runs during the call. Throw the errors the async forms reject with.
   */
  readSync(sector: number, count: number): Uint8Array;
  writeSync(sector: number, data: Uint8Array): void;
  /** Several writes in flight at once (e.g. a cache's dirty runs), returning when all completed; the first error is
   *  thrown after all have finished. No ordering between them is implied: call flushSync between ordered groups. */
  writeManySync(writes: readonly { sector: number; data: Uint8Array }[]): void;
  flushSync(): void;
  close(): void;
}

export interface BlockInfo {
  /** Bytes per sector (512 for virtio-blk's addressing unit). */
  sectorSize: number;
  /** Capacity in sectors. */
  sectors: number;
  readWrite: boolean;
}

/** A source of random bytes from a device (virtio-rng). */
export interface EntropyDevice {
  /** Resolves with `n` bytes from the device. */
  read(n: number): Promise<Uint8Array>;
  close(): void;
}

/** Output channels to the host, one per port, found by name (virtio-console: the app's stdout and stderr). */
export interface ConsoleDevice {
  /** The port the device named `name`, if it has one. */
  portNamed(name: string): number | undefined;
  /** True when bytes written to `port` reach the host. */
  usable(port: number): boolean;
  /** Queues `bytes` on `port` (the caller keeps its buffer unless `owned`); returns the bytes not yet taken by the
   *  device. Throws for a port that is not usable. */
  write(port: number, bytes: Uint8Array, owned?: boolean): number;
  pendingBytes(port: number): number;
  /** Blocks until `port` (all ports: undefined) has at most `limit` bytes waiting; throws ETIMEDOUT. */
  waitFor(limit: number, port?: number, timeoutMs?: number): void;
  /** Blocks until the device has taken everything written; throws ETIMEDOUT. */
  flush(timeoutMs?: number): void;
  /** Called (never inside write) when a port that had bytes waiting has none left. */
  onDrain: (port: number) => void;
  close(): void;
}
