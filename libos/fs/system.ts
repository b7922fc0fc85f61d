// libos/fs/system.ts — the file systems of an image, set up on the first use of node:fs (an image that never
// imports fs has none of this): "/" holds the mount points, /app the files packed with --assets (read-only; an
// empty folder without them), /tmp a RAM file system limited to --tmp (default a quarter of RAM), and ext4 volumes
// on the virtio-blk disks: --mount PATH=vdX[,ro], by default the first disk at /data when it holds ext4. The
// working directory starts at /app. Every few seconds the volumes commit their journals (as Linux's 5 s commit
// interval); when the machine stops they are unmounted cleanly (journal empty, volume clean).
// Layer: libos/fs (the assembly: it wires kernel, drivers and the file systems for node:fs).

import type { BlockDevice } from "../../kernel/devices.ts";
import { platformOrNull } from "../../kernel/platform.ts";
import { onShutdown } from "../../kernel/shutdown.ts";
import { openVirtioBlk } from "../../drivers/virtio/blk/index.ts";
import { setCwdHooks, type ImageConfig } from "../process/index.ts";
import { setInterval } from "../timers/index.ts";
import { utf8Decode } from "../util/utf8.ts";
import { AssetFs } from "./assets/index.ts";
import { processChdir, processCwd } from "./node/process_cwd.ts";
import { mountExt4 } from "./ext4/index.ts";
import { Tmpfs } from "./tmpfs/index.ts";
import type { FileSystem, Timespec } from "./types.ts";
import { Vfs } from "./vfs/vfs.ts";

/** Where the app's files are inside the image (boot/image/bundle.ts APP_DIR). */
export const APP_DIR = "/app";
/** How often dirty metadata is committed to the journal and data written back (Linux's default commit=5). */
export const COMMIT_INTERVAL_MS = 5000;
const EXT4_MAGIC_OFFSET = 1024 + 56;

function wallClock(): Timespec {
  const p = platformOrNull();
  const ms = p ? p.wallClock() : Date.now();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.floor((ms - sec * 1000) * 1e6) };
}

/** Console output of fd 1 and 2 (fs.writeSync(1, ...)). */
function consoleSink(data: Uint8Array): void {
  platformOrNull()?.write(utf8Decode(data).text);
}

/** A device's first 2 KiB say whether it holds ext4 (the superblock's magic 0xef53). */
function holdsExt4(dev: BlockDevice): boolean {
  const sectors = Math.ceil((EXT4_MAGIC_OFFSET + 2) / dev.info.sectorSize);
  if (dev.info.sectors < sectors) return false;
  const head = dev.readSync(0, sectors);
  return head[EXT4_MAGIC_OFFSET] === 0x53 && head[EXT4_MAGIC_OFFSET + 1] === 0xef;
}

function warn(message: string): void {
  platformOrNull()?.write(`[unijs] ${message}\n`);
}

/**
 * Builds the image's VFS from its configuration. Mount failures of disks do not stop the app: each is reported
 * on the console with its reason, and the path stays an empty read-only folder (ENOENT below it).
 */
export function createSystemVfs(config: ImageConfig): Vfs {
  const hal = platformOrNull();
  const vfs = new Vfs({ clock: wallClock, stdout: consoleSink, stderr: consoleSink });
  const total = hal?.memoryUsage().totalMemory ?? 128 * 1024 * 1024;
  vfs.mount("/tmp", new Tmpfs({ maxBytes: config.tmpBytes ?? Math.floor(total / 4), clock: wallClock }));
  const assets = hal?.assetIndex && hal.assetRead
    ? new AssetFs({ index: () => hal.assetIndex!(), read: (off, into) => hal.assetRead!(off, into) })
    : new AssetFs({ index: () => "", read: () => 0 });
  vfs.mount(APP_DIR, assets, { readOnly: true });
  const volumes: FileSystem[] = [];
  const explicit = config.mounts !== undefined;
  const wanted = config.mounts ?? [{ path: "/data", device: "vda", readOnly: false }];
  const devices: BlockDevice[] = [];
  for (const m of wanted) {
    const index = m.device.charCodeAt(2) - 97;                   // vda → 0
    try {
      while (devices.length <= index) devices.push(openVirtioBlk());
    } catch (e) {
      if (explicit) warn(`${m.path}: there is no disk ${m.device} to mount (${(e as Error).message.split("\n")[0]})`);
      break;
    }
    const dev = devices[index];
    try {
      if (!explicit && !holdsExt4(dev)) continue;                 // the default mount is only for ext4 disks
      const fs = mountExt4(dev, { readOnly: m.readOnly || !dev.info.readWrite, clock: wallClock });
      vfs.mount(m.path, fs, { readOnly: fs.readOnly });
      volumes.push(fs);
    } catch (e) {
      warn(`${m.path}: ${m.device} could not be mounted: ${(e as Error).message}`);
    }
  }
  // The working directory process.cwd() reported so far (a chdir before the first file-system use included).
  const before = (globalThis as { process?: { cwd?: () => string } }).process?.cwd?.() ?? APP_DIR;
  try {
    vfs.chdir(before);
  } catch {
    vfs.chdir(APP_DIR);
  }
  // The file-creation mask process.umask() had so far (Linux's 0o022 by default: new files 0644, as under Node).
  const proc = (globalThis as { process?: { umask?: () => number } }).process;
  vfs.umask(proc?.umask ? proc.umask() : 0o022);
  setCwdHooks({ cwd: processCwd, chdir: processChdir, umask: (m) => vfs.umask(m) });
  if (volumes.length) {
    const commit = (): void => {
      for (const v of volumes) {
        try {
          (v as FileSystem & { commit?: () => void }).commit?.();
        } catch (e) {
          warn(`a periodic commit failed: ${(e as Error).message}`);
        }
      }
    };
    setInterval(commit, COMMIT_INTERVAL_MS).unref();
  }
  onShutdown("unmounting the file systems", () => {
    for (const e of vfs.unmountAll()) warn(`unmount: ${e.message}`);
  });
  return vfs;
}
