// libos/fs/ext4/index.ts — the public face of ext4: mount a volume on a block device and get a FileSystem (with
// commit() and stats besides).
// Layer: libos/fs/ext4. Depends on mount.ts, ext4.ts.

export { mountExt4, type MountOptions } from "./mount.ts";
export { Ext4, type Ext4Stats } from "./ext4.ts";
