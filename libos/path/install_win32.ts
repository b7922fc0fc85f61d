// libos/path/install_win32.ts — path.win32 (and path.posix.win32) as Node gives them, for images whose code names
// `win32` (boot/image/globals.ts): node:path alone leaves it null so that images that never use Windows paths do
// not carry ./win32.ts. tar (strip-absolute-path.js) destructures require('path').win32 at load. The named export
// `import { win32 } from "node:path"` stays null; `import win32 from "node:path/win32"` is the module itself.
// Layer: libos. Depends on ./index, ./win32.
import path from "./index.ts";
import win32 from "./win32.ts";

export function install(): void {
  (path as { win32: unknown }).win32 = win32;
}
