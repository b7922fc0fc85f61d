// libos/path/win32.ts — node:path/win32 (and what path.win32 is in Node): Windows path semantics on any host, as
// Node 20 gives them: "\" and "/" both separate, drive letters ("C:", "C:\") and UNC roots ("\\server\share") are
// roots, resolve() works per drive (process.env["=C:"] as Windows keeps it, else the cwd), relative() compares
// case-insensitively, toNamespacedPath gives "\\?\" paths. Written from Node's documented behaviour and checked
// against host Node's path.win32. Layer: libos. Depends on libos/util/errors, ./index (posix).

import { validateObject, validateString } from "../util/errors.ts";
import posixPath from "./index.ts";

const BACKSLASH = 92;
const SLASH = 47;
const COLON = 58;
const DOT = 46;

const isSep = (c: number): boolean => c === SLASH || c === BACKSLASH;
const isDriveLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const hasDrive = (p: string): boolean => p.length >= 2 && isDriveLetter(p.charCodeAt(0)) && p.charCodeAt(1) === COLON;

/** A UNC root at the start of `p` ("\\server\share"): its parts and where the share name ends; null when the
 *  path starts with two separators but lacks a server or a share. */
function uncRoot(p: string): { server: string; share: string; end: number; shareStart: number } | null {
  const len = p.length;
  let j = 2;
  while (j < len && !isSep(p.charCodeAt(j))) j++;
  if (j >= len || j === 2) return null;
  const server = p.slice(2, j);
  while (j < len && isSep(p.charCodeAt(j))) j++;
  if (j >= len) return null;
  const shareStart = j;
  while (j < len && !isSep(p.charCodeAt(j))) j++;
  return { server, share: p.slice(shareStart, j), end: j, shareStart };
}

/** Resolves "." and ".." in a root-less path whose segments `isSep` separates; joined with "\". Above the start,
 *  ".." is kept when allowAboveRoot, else dropped. */
function normalizeSegments(path: string, allowAboveRoot: boolean): string {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && !isSep(path.charCodeAt(i))) continue;
    const seg = path.slice(start, i);
    start = i + 1;
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (allowAboveRoot) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return out.join("\\");
}

/** Root analysis shared by resolve and normalize: the device ("C:" or "\\server\share"), where the root ends,
 *  and whether the path is absolute. `uncWhole` reports a path that is only a UNC root (no separator after it). */
function splitRoot(p: string): { device: string | undefined; rootEnd: number; absolute: boolean; uncWhole?: boolean } {
  const len = p.length;
  const c = p.charCodeAt(0);
  if (len === 1) return { device: undefined, rootEnd: isSep(c) ? 1 : 0, absolute: isSep(c) };
  if (isSep(c)) {
    if (!isSep(p.charCodeAt(1))) return { device: undefined, rootEnd: 1, absolute: true };
    const unc = uncRoot(p);
    if (!unc) return { device: undefined, rootEnd: 0, absolute: true };
    // Win32 device namespaces ("\\?\", "\\.\"): the root is the prefix alone; what follows is a path.
    if (unc.server === "?" || unc.server === ".") return { device: `\\\\${unc.server}`, rootEnd: unc.shareStart, absolute: true };
    return { device: `\\\\${unc.server}\\${unc.share}`, rootEnd: unc.end, absolute: true, uncWhole: unc.end === len };
  }
  if (hasDrive(p)) {
    const absolute = len > 2 && isSep(p.charCodeAt(2));
    return { device: p.slice(0, 2), rootEnd: absolute ? 3 : 2, absolute };
  }
  return { device: undefined, rootEnd: 0, absolute: false };
}

/** Windows' reserved device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9, also with ¹²³) followed by a colon. */
const RESERVED_DEVICE = /^(?:con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3]):/i;

/** A reserved name and one more character (Node 20 prefixes such relative paths with ".\\" too). */
const RESERVED_NAME_PLUS_ONE = /^(?:con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])[\s\S]$/i;

type Env = Record<string, string | undefined>;
const proc = (): { cwd(): string; env: Env } =>
  (globalThis as unknown as { process: { cwd(): string; env: Env } }).process;

export const sep = "\\";
export const delimiter = ";";

export function resolve(...args: string[]): string {
  let resolvedDevice = "";
  let resolvedTail = "";
  let resolvedAbsolute = false;
  for (let i = args.length - 1; i >= -1; i--) {
    let path: string;
    if (i >= 0) {
      path = args[i];
      validateString(path, `paths[${i}]`);
      if (path.length === 0) continue;
    } else if (resolvedDevice.length === 0) {
      path = proc().cwd();
    } else {
      // Windows keeps a working directory per drive in the hidden variable "=C:".
      const perDrive = proc().env[`=${resolvedDevice}`] || proc().cwd();
      path = perDrive.slice(0, 2).toLowerCase() !== resolvedDevice.toLowerCase() && perDrive.charCodeAt(2) === BACKSLASH
        ? `${resolvedDevice}\\` : perDrive;
    }
    const { device, rootEnd, absolute } = splitRoot(path);
    if (device !== undefined && device.length > 0) {
      if (resolvedDevice.length > 0) {
        if (device.toLowerCase() !== resolvedDevice.toLowerCase()) continue;    // another drive: not ours
      } else {
        resolvedDevice = device;
      }
    }
    if (resolvedAbsolute) {
      if (resolvedDevice.length > 0) break;
    } else {
      resolvedTail = `${path.slice(rootEnd)}\\${resolvedTail}`;
      resolvedAbsolute = absolute;
      if (absolute && resolvedDevice.length > 0) break;
    }
  }
  resolvedTail = normalizeSegments(resolvedTail, !resolvedAbsolute);
  return resolvedAbsolute ? `${resolvedDevice}\\${resolvedTail}` : `${resolvedDevice}${resolvedTail}` || ".";
}

export function normalize(path: string): string {
  validateString(path, "path");
  const len = path.length;
  if (len === 0) return ".";
  if (len === 1) return path.charCodeAt(0) === SLASH ? "\\" : path;
  // A reserved device name with a colon ("con:", "nul:x") is kept as a relative prefix, what follows normalized.
  const reserved = RESERVED_DEVICE.exec(path);
  if (reserved) {
    const rest = path.slice(reserved[0].length);
    let tail = normalizeSegments(rest, true) || ".";
    if (rest.length > 0 && isSep(rest.charCodeAt(rest.length - 1))) tail += "\\";
    return `.\\${reserved[0]}${tail}`;
  }
  const root = splitRoot(path);
  if (root.uncWhole && root.device) return `${root.device}\\`;
  const { device, rootEnd, absolute } = root;
  let tail = rootEnd < len ? normalizeSegments(path.slice(rootEnd), !absolute) : "";
  if (tail.length === 0 && !absolute) tail = ".";
  if (tail.length > 0 && isSep(path.charCodeAt(len - 1))) tail += "\\";
  if (device === undefined) {
    if (absolute) return `\\${tail}`;
    // A relative result must not read as a drive or stream path ("c:x", "name:"): Windows would take it as
    // absolute, so Node prefixes ".\\" then.
    if (tail.length >= 2 && hasDrive(tail)) return `.\\${tail}`;
    if (RESERVED_NAME_PLUS_ONE.test(path)) return `.\\${tail}`;     // as Node 20 does for "CON/", "NULx"
    for (let at = path.indexOf(":"); at !== -1; at = path.indexOf(":", at + 1)) {
      if (at === len - 1 || isSep(path.charCodeAt(at + 1))) return `.\\${tail}`;
    }
    return tail;
  }
  return absolute ? `${device}\\${tail}` : `${device}${tail}`;
}

export function isAbsolute(path: string): boolean {
  validateString(path, "path");
  const len = path.length;
  if (len === 0) return false;
  const c = path.charCodeAt(0);
  return isSep(c) || (len > 2 && hasDrive(path) && isSep(path.charCodeAt(2)));
}

export function join(...args: string[]): string {
  if (args.length === 0) return ".";
  let joined: string | undefined;
  let firstPart = "";
  for (const arg of args) {
    validateString(arg, "path");
    if (arg.length === 0) continue;
    if (joined === undefined) joined = firstPart = arg;
    else joined += `\\${arg}`;
  }
  if (joined === undefined) return ".";
  // Leading separators that did not come from a UNC root in the first part must not create one.
  let needsReplace = true;
  let slashes = 0;
  if (isSep(firstPart.charCodeAt(0))) {
    slashes++;
    if (firstPart.length > 1 && isSep(firstPart.charCodeAt(1))) {
      slashes++;
      if (firstPart.length > 2) {
        if (isSep(firstPart.charCodeAt(2))) slashes++;
        else needsReplace = false;
      }
    }
  }
  if (needsReplace) {
    while (slashes < joined.length && isSep(joined.charCodeAt(slashes))) slashes++;
    if (slashes >= 2) joined = `\\${joined.slice(slashes)}`;
  }
  return normalize(joined);
}

/** Trims leading and trailing backslashes (keeping one character): [start, end). */
function trimmed(p: string): [number, number] {
  let start = 0;
  while (start < p.length && p.charCodeAt(start) === BACKSLASH) start++;
  let end = p.length;
  while (end - 1 > start && p.charCodeAt(end - 1) === BACKSLASH) end--;
  return [start, end];
}

export function relative(from: string, to: string): string {
  validateString(from, "from");
  validateString(to, "to");
  if (from === to) return "";
  const fromOrig = resolve(from);
  const toOrig = resolve(to);
  if (fromOrig === toOrig) return "";
  const f = fromOrig.toLowerCase();
  const t = toOrig.toLowerCase();
  if (f === t) return "";
  const [fromStart, fromEnd] = trimmed(f);
  let [toStart, toEnd] = trimmed(t);
  const fromLen = fromEnd - fromStart;
  const toLen = toEnd - toStart;
  const length = Math.min(fromLen, toLen);
  let lastCommonSep = -1;
  let i = 0;
  for (; i < length; i++) {
    const code = f.charCodeAt(fromStart + i);
    if (code !== t.charCodeAt(toStart + i)) break;
    if (code === BACKSLASH) lastCommonSep = i;
  }
  if (i !== length) {
    if (lastCommonSep === -1) return toOrig;         // different roots
  } else {
    if (toLen > length) {
      if (t.charCodeAt(toStart + i) === BACKSLASH) return toOrig.slice(toStart + i + 1);   // `from` is a parent
      if (i === 2) return toOrig.slice(toStart + i);                                       // `from` is a drive root
    }
    if (fromLen > length) {
      if (f.charCodeAt(fromStart + i) === BACKSLASH) lastCommonSep = i;                   // `to` is a parent
      else if (i === 2) lastCommonSep = 3;                                                 // `to` is a drive root
    }
    if (lastCommonSep === -1) lastCommonSep = 0;
  }
  let out = "";
  for (i = fromStart + lastCommonSep + 1; i <= fromEnd; ++i) {
    if (i === fromEnd || f.charCodeAt(i) === BACKSLASH) out += out.length === 0 ? ".." : "\\..";
  }
  toStart += lastCommonSep;
  if (out.length > 0) return `${out}${toOrig.slice(toStart, toEnd)}`;
  if (toOrig.charCodeAt(toStart) === BACKSLASH) ++toStart;
  return toOrig.slice(toStart, toEnd);
}

export function toNamespacedPath(path: string): string {
  if (typeof path !== "string" || path.length === 0) return path;
  const resolved = resolve(path);
  if (resolved.length <= 2) return path;
  if (resolved.charCodeAt(0) === BACKSLASH) {
    if (resolved.charCodeAt(1) === BACKSLASH) {
      const c = resolved.charCodeAt(2);
      if (c !== 63 /* ? */ && c !== DOT) return `\\\\?\\UNC\\${resolved.slice(2)}`;
    }
  } else if (hasDrive(resolved) && resolved.charCodeAt(2) === BACKSLASH) {
    return `\\\\?\\${resolved}`;
  }
  return resolved;
}

export function dirname(path: string): string {
  validateString(path, "path");
  const len = path.length;
  if (len === 0) return ".";
  let rootEnd = -1;
  let offset = 0;
  const c = path.charCodeAt(0);
  if (len === 1) return isSep(c) ? path : ".";
  if (isSep(c)) {
    rootEnd = offset = 1;
    if (isSep(path.charCodeAt(1))) {
      const unc = uncRoot(path);
      if (unc) {
        if (unc.end === len) return path;                  // only a UNC root
        rootEnd = offset = unc.end + 1;
      }
    }
  } else if (hasDrive(path)) {
    rootEnd = offset = len > 2 && isSep(path.charCodeAt(2)) ? 3 : 2;
  }
  let end = -1;
  let matchedSlash = true;
  for (let i = len - 1; i >= offset; --i) {
    if (isSep(path.charCodeAt(i))) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end === -1) {
    if (rootEnd === -1) return ".";
    end = rootEnd;
  }
  return path.slice(0, end);
}

export function basename(path: string, suffix?: string): string {
  if (suffix !== undefined) validateString(suffix, "suffix");
  validateString(path, "path");
  let start = hasDrive(path) ? 2 : 0;
  let end = -1;
  let matchedSlash = true;
  if (suffix !== undefined && suffix.length > 0 && suffix.length <= path.length) {
    if (suffix === path) return "";
    let extIdx = suffix.length - 1;
    let firstNonSlashEnd = -1;
    for (let i = path.length - 1; i >= start; --i) {
      const code = path.charCodeAt(i);
      if (isSep(code)) {
        if (!matchedSlash) {
          start = i + 1;
          break;
        }
        continue;
      }
      if (firstNonSlashEnd === -1) {
        matchedSlash = false;
        firstNonSlashEnd = i + 1;
      }
      if (extIdx >= 0) {
        if (code === suffix.charCodeAt(extIdx)) {
          if (--extIdx === -1) end = i;                    // the whole suffix matched
        } else {
          extIdx = -1;                                     // no match: the name ends at its last character
          end = firstNonSlashEnd;
        }
      }
    }
    if (start === end) end = firstNonSlashEnd;
    else if (end === -1) end = path.length;
    return path.slice(start, end);
  }
  for (let i = path.length - 1; i >= start; --i) {
    if (isSep(path.charCodeAt(i))) {
      if (!matchedSlash) {
        start = i + 1;
        break;
      }
    } else if (end === -1) {
      matchedSlash = false;
      end = i + 1;
    }
  }
  return end === -1 ? "" : path.slice(start, end);
}

/** The last part's extension range: [startDot, end, startPart], or null when it has none. */
function extRange(path: string, from: number): { startDot: number; end: number; startPart: number; hasExt: boolean } {
  let startDot = -1;
  let startPart = from;
  let end = -1;
  let matchedSlash = true;
  let preDotState = 0;              // 0: nothing before the dot yet, 1: only dots, -1: a name character
  for (let i = path.length - 1; i >= from; --i) {
    const code = path.charCodeAt(i);
    if (isSep(code)) {
      if (!matchedSlash) {
        startPart = i + 1;
        break;
      }
      continue;
    }
    if (end === -1) {
      matchedSlash = false;
      end = i + 1;
    }
    if (code === DOT) {
      if (startDot === -1) startDot = i;
      else if (preDotState !== 1) preDotState = 1;
    } else if (startDot !== -1) {
      preDotState = -1;
    }
  }
  const hasExt = !(startDot === -1 || end === -1 || preDotState === 0 ||
    (preDotState === 1 && startDot === end - 1 && startDot === startPart + 1));
  return { startDot, end, startPart, hasExt };
}

export function extname(path: string): string {
  validateString(path, "path");
  const r = extRange(path, hasDrive(path) ? 2 : 0);
  return r.hasExt ? path.slice(r.startDot, r.end) : "";
}

interface ParsedPath { root: string; dir: string; base: string; ext: string; name: string }

export function format(pathObject: Partial<ParsedPath>): string {
  validateObject(pathObject, "pathObject");
  const dir = pathObject.dir || pathObject.root;
  const ext = pathObject.ext ? `${pathObject.ext[0] === "." ? "" : "."}${pathObject.ext}` : "";
  const base = pathObject.base || `${pathObject.name || ""}${ext}`;
  if (!dir) return base;
  return dir === pathObject.root ? `${dir}${base}` : `${dir}\\${base}`;
}

export function parse(path: string): ParsedPath {
  validateString(path, "path");
  const ret: ParsedPath = { root: "", dir: "", base: "", ext: "", name: "" };
  const len = path.length;
  if (len === 0) return ret;
  const c = path.charCodeAt(0);
  let rootEnd = 0;
  if (len === 1) {
    if (isSep(c)) ret.root = ret.dir = path;
    else ret.base = ret.name = path;
    return ret;
  }
  if (isSep(c)) {
    rootEnd = 1;
    if (isSep(path.charCodeAt(1))) {
      const unc = uncRoot(path);
      if (unc) rootEnd = unc.end === len ? len : unc.end + 1;
    }
  } else if (hasDrive(path)) {
    if (len <= 2) {
      ret.root = ret.dir = path;
      return ret;
    }
    rootEnd = 2;
    if (isSep(path.charCodeAt(2))) {
      if (len === 3) {
        ret.root = ret.dir = path;
        return ret;
      }
      rootEnd = 3;
    }
  }
  if (rootEnd > 0) ret.root = path.slice(0, rootEnd);
  const r = extRange(path, rootEnd);
  if (r.end !== -1) {
    if (!r.hasExt) {
      ret.base = ret.name = path.slice(r.startPart, r.end);
    } else {
      ret.name = path.slice(r.startPart, r.startDot);
      ret.base = path.slice(r.startPart, r.end);
      ret.ext = path.slice(r.startDot, r.end);
    }
  }
  ret.dir = r.startPart > 0 && r.startPart !== rootEnd ? path.slice(0, r.startPart - 1) : ret.root;
  return ret;
}

/** node:path/win32 (path.win32 in Node); `posix` is node:path's POSIX module. */
const win32 = {
  resolve, normalize, isAbsolute, join, relative, toNamespacedPath, dirname, basename, extname, format, parse,
  sep, delimiter, win32: null as unknown, posix: posixPath as unknown, _makeLong: toNamespacedPath,
};
win32.win32 = win32;

export const posix = posixPath;
export const _makeLong = toNamespacedPath;
export { win32 };
export default win32;
