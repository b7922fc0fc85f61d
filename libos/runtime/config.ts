// libos/runtime/config.ts — the image's configuration, the one place it is read: the JSON the image builder writes
// (boot/image/build.ts) and the kernel hands out as hal.config(), decoded at first use, frozen (nested objects
// too) and typed. process (argv, env), the runtime's start (bundle, esm, profile, exposeGc), the network (static
// addressing) and the file systems (mounts, tmp size) read it from here.
// Layer: libos. Depends on kernel/platform.ts.

import { platform } from "../../kernel/platform.ts";

/** The image configuration the builder writes (boot/image/build.ts). */
export interface ImageConfig {
  /** argv[0] and argv[1] as Node shows them ("/unijs", the entry's path in the image, e.g. "/app/index.js"), then
   *  the --arg values. */
  argv: string[];
  env: Record<string, string>;
  /** The app's name (its folder or entry file name). */
  name: string;
  /** The file name the bytecode records for the bundle (unmapped stack frames show it). */
  bundle: string;
  /** The app's entry is an ES module (affects only the order of top-level nextTicks vs. microtasks). */
  esm?: boolean;
  /** Static IPv4 settings (addresses as numbers); absent: DHCP. */
  net?: { address: number; prefixLength: number; gateway: number; dns: number[] };
  /** Built with --profile: print a profile of the JS every intervalMs (and at exit). */
  profile?: { intervalMs: number };
  /** Built with --expose-gc: a global gc() runs a full collection, as Node's flag of that name gives. */
  exposeGc?: boolean;
  /** File systems on block devices (`--mount /data=vda[,ro]`; "vda" is the first disk, "vdb" the second...).
   *  Absent: the first disk is mounted at /data when it holds ext4. Empty: none (`--mount none`). */
  mounts?: { path: string; device: string; readOnly: boolean }[];
  /** The size limit of the RAM file system at /tmp, bytes (`--tmp 64M`; default a quarter of RAM). */
  tmpBytes?: number;
}

let decoded: ImageConfig | undefined;

/** The image's configuration, decoded from hal.config() the first time and frozen. Throws a SyntaxError if the
 *  platform's text is not JSON (an image the builder did not write). */
export function imageConfig(): ImageConfig {
  return (decoded ??= deepFreeze(JSON.parse(platform().config()) as ImageConfig));
}

/** Forgets the decoded configuration, so the next imageConfig() reads the platform again (tests that change it). */
export function resetImageConfig(): void {
  decoded = undefined;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    for (const k in v) deepFreeze(v[k]);
    Object.freeze(v);
  }
  return v;
}
