// libos/path/index.ts — `node:path` (and node:path/posix through posix.ts): path-browserify, Node's POSIX path
// module ported, plus toNamespacedPath (the identity on POSIX). path.win32 is null here and set by
// ./install_win32.ts in images whose code names win32 (so others do not carry ./win32.ts); no matchesGlob (Node 22).
// resolve() uses process.cwd(). Layer: libos.
// The path with "/index.js" reaches the npm package itself (the bare name "path" resolves to this file).
import pkg from "path-browserify/index.js";

type PosixPath = typeof import("node:path").posix;
const p = pkg as unknown as PosixPath;

export const sep = p.sep;
export const delimiter = p.delimiter;
export const basename = p.basename;
export const dirname = p.dirname;
export const extname = p.extname;
export const format = p.format;
export const isAbsolute = p.isAbsolute;
export const join = p.join;
export const normalize = p.normalize;
export const parse = p.parse;
export const relative = p.relative;
export const resolve = p.resolve;
/** On POSIX, the path unchanged. */
export const toNamespacedPath = (path: string): string => path;

/** node:path — the POSIX implementation (posix points to itself; win32 is null). */
const path = { sep, delimiter, basename, dirname, extname, format, isAbsolute, join, normalize, parse, relative, resolve,
  toNamespacedPath, _makeLong: toNamespacedPath, posix: null as unknown, win32: null };
path.posix = path;
export const posix = path;
export const win32 = null;
export default path;
