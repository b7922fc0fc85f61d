// drivers/index.ts — the drivers' public face: open a device by class. Only what an app's import graph reaches is
// in its image (a hello image contains none of this). Layer: drivers. Depends on kernel only.
export { openVirtioBlk as openBlockDevice, BlockError } from "./virtio/blk/index.ts";
export { openVirtioNet as openNetDevice } from "./virtio/net/index.ts";
export { openVirtioRng as openEntropyDevice, seedEntropyPoolFromDevice } from "./virtio/rng/index.ts";
export { virtioDevices } from "./virtio/discover.ts";
