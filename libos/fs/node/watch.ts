// libos/fs/node/watch.ts — fs.watch, fs.watchFile, fs.unwatchFile and fs/promises' watch: unavailable in unijs. A
// unikernel runs one app and nothing else writes its files (no shell, no editor, no other process, no network file
// system), so the only changes to watch for are the app's own — it knows where it makes them. Each throws
// ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (a TypeError, as Node's), saying so.
// Layer: libos. Depends on errors.ts.

import { codedError } from "./errors.ts";

function unavailable(feature: string): never {
  throw codedError(TypeError, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
    `The feature ${feature} is unavailable on the current platform, which is being used to run Node.js: ` +
    "unijs is a unikernel running one app, so no other writer can change its files and there is nothing to watch " +
    "for (act where the app itself writes)");
}

/** Throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM. */
export function watch(..._args: unknown[]): never {
  return unavailable("fs.watch");
}

/** Throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM. */
export function watchFile(..._args: unknown[]): never {
  return unavailable("fs.watchFile");
}

/** Throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM. */
export function unwatchFile(..._args: unknown[]): never {
  return unavailable("fs.unwatchFile");
}

/** fs/promises' watch: throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM. */
export function watchPromises(..._args: unknown[]): never {
  return unavailable("fs.promises.watch");
}
