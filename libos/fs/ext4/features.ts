// libos/fs/ext4/features.ts — ext4 feature flags (compat, incompat, ro_compat) with their mke2fs names, and the mount
// decision: an incompat feature this implementation lacks refuses the mount (naming it); an ro_compat feature it
// lacks mounts read-only; compat features are ignored (those that matter are handled where they matter).
// Layer: libos/fs/ext4. Depends on errors.ts.

import { fsErr } from "./errors.ts";

export const COMPAT = {
  dir_prealloc: 0x1, imagic_inodes: 0x2, has_journal: 0x4, ext_attr: 0x8, resize_inode: 0x10, dir_index: 0x20,
  lazy_bg: 0x40, exclude_inode: 0x80, exclude_bitmap: 0x100, sparse_super2: 0x200, fast_commit: 0x400,
  stable_inodes: 0x800, orphan_file: 0x1000,
} as const;

export const INCOMPAT = {
  compression: 0x1, filetype: 0x2, needs_recovery: 0x4, journal_dev: 0x8, meta_bg: 0x10, extent: 0x40, "64bit": 0x80,
  mmp: 0x100, flex_bg: 0x200, ea_inode: 0x400, dirdata: 0x1000, metadata_csum_seed: 0x2000, large_dir: 0x4000,
  inline_data: 0x8000, encrypt: 0x10000, casefold: 0x20000,
} as const;

export const RO_COMPAT = {
  sparse_super: 0x1, large_file: 0x2, btree_dir: 0x4, huge_file: 0x8, uninit_bg: 0x10, dir_nlink: 0x20,
  extra_isize: 0x40, snapshot: 0x80, quota: 0x100, bigalloc: 0x200, metadata_csum: 0x400, replica: 0x800,
  read_only: 0x1000, project: 0x2000, shared_blocks: 0x4000, verity: 0x8000, orphan_present: 0x10000,
} as const;

/** Incompat features implemented here (read and write). */
const INCOMPAT_OK = INCOMPAT.filetype | INCOMPAT.needs_recovery | INCOMPAT.extent | INCOMPAT["64bit"] |
  INCOMPAT.flex_bg | INCOMPAT.metadata_csum_seed | INCOMPAT.large_dir;

/** Ro_compat features implemented here for writing. */
const RO_COMPAT_OK = RO_COMPAT.sparse_super | RO_COMPAT.large_file | RO_COMPAT.huge_file | RO_COMPAT.uninit_bg |
  RO_COMPAT.dir_nlink | RO_COMPAT.extra_isize | RO_COMPAT.metadata_csum;

/** The mke2fs names of the bits set in `mask` (unknown bits as hex). */
export function featureNames(table: Record<string, number>, mask: number): string[] {
  const names: string[] = [];
  for (let bit = 1; bit !== 0 && bit <= 0x80000000; bit = bit * 2) {
    if ((mask & bit) === 0) continue;
    const name = Object.keys(table).find((k) => table[k] === bit);
    names.push(name ?? `0x${bit.toString(16)}`);
    if (bit === 0x80000000) break;
  }
  return names;
}

/**
 * Decides whether a volume with these features can be mounted: throws FsError EOPNOTSUPP naming the incompat
 * features that are not implemented (or that a required one is missing); returns the ro_compat features that force
 * a read-only mount (empty when it may be mounted read-write).
 */
export function checkFeatures(incompat: number, roCompat: number): string[] {
  const bad = (incompat & ~INCOMPAT_OK) >>> 0;
  if (bad !== 0) {
    throw fsErr("EOPNOTSUPP", `the volume uses incompat feature(s) ${featureNames(INCOMPAT, bad).join(", ")}, which this ext4 does not implement`);
  }
  if ((incompat & INCOMPAT.extent) === 0) {
    throw fsErr("EOPNOTSUPP", "the volume lacks the incompat feature extent (an ext2/ext3 layout with block maps), which this ext4 does not implement");
  }
  if ((incompat & INCOMPAT.filetype) === 0) {
    throw fsErr("EOPNOTSUPP", "the volume lacks the incompat feature filetype, which this ext4 requires");
  }
  const ro = (roCompat & ~RO_COMPAT_OK) >>> 0;
  return ro === 0 ? [] : featureNames(RO_COMPAT, ro);
}
