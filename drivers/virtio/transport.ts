// drivers/virtio/transport.ts — what a virtio device driver needs from its transport (virtio 1.x, section 4):
// status and feature negotiation, queue configuration, notification, interrupt acknowledgement, device config.
// Implemented by pci_transport.ts (modern virtio-pci) and mmio_transport.ts (virtio-mmio version 2).
// Layer: drivers/virtio (transport). Depends on nothing but types.

export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

/** Feature bit 32: the device speaks virtio 1.x (required: we drive no legacy devices). */
export const F_VERSION_1 = 32;

/** Device IDs (virtio 1.x section 5). */
export const DEVICE_NET = 1;
export const DEVICE_BLOCK = 2;
export const DEVICE_ENTROPY = 4;

export interface QueueAddresses {
  desc: number;
  driver: number;
  device: number;
}

export interface VirtioTransport {
  /** "pci 00:03.0" or "mmio 0xfeb00200"; used in error messages. */
  readonly name: string;
  readonly deviceId: number;
  getStatus(): number;
  setStatus(status: number): void;
  /** Writes 0 and waits until the device reads back 0. */
  reset(): void;
  /** The device's feature bits as a BigInt bit set (bits 0..63). */
  deviceFeatures(): bigint;
  setDriverFeatures(features: bigint): void;
  /** The largest size the device allows for queue `index` (0: no such queue). */
  queueMaxSize(index: number): number;
  /** Configures queue `index` with `size` entries at the given bus addresses and enables it. */
  setupQueue(index: number, size: number, addrs: QueueAddresses): void;
  /** Tells the device queue `index` has new buffers. */
  notify(index: number): void;
  /** Reads and acknowledges the interrupt cause: bit 0 queue, bit 1 configuration change. */
  ackInterrupt(): number;
  /** Arranges for `handler` to run in the event loop for each interrupt from this device. */
  /** Routes the device's interrupt to `handler` (run by the event loop); returns the vector it arrives on. */
  subscribeInterrupt(handler: () => void): number;
  /** Device-specific configuration space. */
  readonly config: DataView;
}
