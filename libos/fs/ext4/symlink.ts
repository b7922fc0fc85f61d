// libos/fs/ext4/symlink.ts — symbolic link targets: fast links keep targets shorter than 60 bytes in i_block
// (no extent tree, no blocks), slow links keep the target in one block mapped by an extent tree. The target may be
// at most one block less a byte long.
// Layer: libos/fs/ext4. Depends on inode.ts, errors.ts.

import { corrupt } from "./errors.ts";
import { FL, type Inode } from "./inode.ts";

export const FAST_MAX = 59;

/** Whether a symlink inode stores its target inline (Linux's rule: no data blocks besides an xattr block). */
export function isFastSymlink(i: Inode, blockSize: number): boolean {
  if (i.flags & FL.EA_INODE) return i.size > 0 && i.size < 60;
  const ea = i.fileAcl ? blockSize / 512 : 0;
  return i.sectors(blockSize) - ea === 0;
}

/** The target bytes of a fast symlink. Throws EUCLEAN when its size does not fit. */
export function fastTarget(i: Inode): Uint8Array {
  if (i.size > FAST_MAX) throw corrupt(`symlink inode ${i.ino}: size ${i.size} is too long for an inline target`);
  return i.block.slice(0, i.size);
}

/** Checks a slow symlink's size against the block size. Throws EUCLEAN. */
export function checkSlowSize(i: Inode, blockSize: number): void {
  if (i.size === 0 || i.size >= blockSize) throw corrupt(`symlink inode ${i.ino}: size ${i.size} does not fit its one block`);
}
