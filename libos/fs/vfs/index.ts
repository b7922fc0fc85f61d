// libos/fs/vfs — the virtual file system: mounts, path resolution, file descriptors (see vfs.ts). The process has
// one VFS: vfs() creates it on first use — inside an image the system's (../system.ts: /app, /tmp, the disks;
// only images that use node:fs get any of this), elsewhere a root of empty directories that hold mount points,
// fd 1 and 2 writing to the console — unless one was installed with setVfs(). Nothing happens at import.
// Layer: libos/fs. Depends on kernel/platform.ts (the console, for the default stdio sinks) and this folder.
//
// The runtime's wiring is libos/fs/system.ts (mounts, stdio sinks, process.cwd/chdir through processCwd and
// processChdir of ../node/process_cwd.ts, unmountAll at shutdown). A test or another runtime builds its own:
//   const v = new Vfs({ stdout: (bytes) => ..., stderr: (bytes) => ... });
//   v.mount("/tmp", new Tmpfs({ maxBytes: 64 << 20 }));
//   v.mount("/app", new AssetFs(source), { readOnly: true });
//   v.chdir("/app");
//   setVfs(v);

import { platformOrNull } from "../../../kernel/platform.ts";
import type { ImageConfig } from "../../process/index.ts";
import { utf8Decode } from "../../util/utf8.ts";
import { createSystemVfs } from "../system.ts";
import { Vfs } from "./vfs.ts";

export { Vfs, type MountInfo, type VfsOptions } from "./vfs.ts";
export type { VfsStat } from "./descriptors.ts";
export { DEFAULT_MAX_FDS, type StdioSink } from "./fd_table.ts";
export * from "./flags.ts";
export { MAX_SYMLINKS, NAME_MAX, PATH_MAX } from "./path_walk.ts";

let current: Vfs | undefined;

/** Writes bytes to the console as text (what process.stdout does inside an image). */
function consoleSink(data: Uint8Array): void {
  platformOrNull()?.write(utf8Decode(data).text);
}

/** The process's VFS, created on first use: the image's mounts inside an image (an image config exists), else
 *  nothing mounted and stdio on the console. */
export function vfs(): Vfs {
  if (current) return current;
  const config = platformOrNull()?.config();
  current = config ? createSystemVfs(JSON.parse(config) as ImageConfig) : new Vfs({ stdout: consoleSink, stderr: consoleSink });
  return current;
}

/** Installs the process's VFS (the runtime at boot; tests: a fresh one, or undefined to start over). */
export function setVfs(v: Vfs | undefined): void {
  current = v;
}
