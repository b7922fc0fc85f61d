// libos/fs/tmpfs — the RAM file system (what the runtime mounts at /tmp, and what tests mount anywhere): a
// FileSystem (../types.ts) with a size and an inode limit, sparse files, hard links and symlinks.
// Layer: libos/fs. Depends on ../types.ts.
export { MAX_FILE_SIZE, TMPFS_MAGIC, Tmpfs, type TmpfsOptions } from "./tmpfs.ts";
export { PAGE_SIZE } from "./pages.ts";
