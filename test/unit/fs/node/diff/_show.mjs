// Differential fs scripts: how a value is written into the transcript, identically for host Node and for unijs (in
// Node over the simulated loop, and in QuickJS-wasm). Plain JS: it runs in both engines. What cannot be equal
// between a Linux ext4 /tmp and unijs's tmpfs is replaced here, explicitly, and nowhere else:
//   - dev, ino: only their type is shown (numbers differ per machine);
//   - atime/mtime/ctime/birthtime (ms, ns, Dates): only their type, unless a script prints one it set itself;
//   - a directory's size and blocks: "<dir>" (ext4 shows 4096 and 8, tmpfs 40 + 20 per entry and 0);
//   - blksize is printed (4096 on both).
//   - the temporary folder's path is printed as <root>.
// Buffers print as their class name and hex bytes; errors as name, code, message, errno, syscall, path, dest,
// String(err) and their own enumerable keys.

const S_IFMT = 0o170000;
const KINDS = { 0o100000: "file", 0o040000: "dir", 0o120000: "symlink", 0o020000: "chardev", 0o060000: "blockdev", 0o010000: "fifo", 0o140000: "socket" };

function hex(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return s;
}

function isStats(v) {
  return v && typeof v === "object" && "mode" in v && "nlink" in v && "blksize" in v && typeof v.isFile === "function";
}

function isDirent(v) {
  return v && typeof v === "object" && "name" in v && "parentPath" in v && typeof v.isDirectory === "function";
}

function statsView(s) {
  const mode = Number(s.mode);
  const kind = KINDS[mode & S_IFMT] || "?";
  const dir = kind === "dir";
  const out = {
    class: s.constructor && s.constructor.name,
    keys: Object.keys(s).join(","),
    kind,
    is: ["isFile", "isDirectory", "isSymbolicLink", "isFIFO", "isSocket", "isCharacterDevice", "isBlockDevice"].filter((m) => s[m]()).join(","),
    mode: (mode & 0o7777).toString(8),
    nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev, blksize: s.blksize,
    size: dir ? "<dir>" : s.size,
    blocks: dir ? "<dir>" : s.blocks,
    dev: typeof s.dev, ino: typeof s.ino,
    times: [s.atimeMs, s.mtimeMs, s.ctimeMs, s.birthtimeMs, s.atime, s.mtime, s.ctime, s.birthtime, s.atimeNs]
      .map((t) => (t instanceof Date ? "Date" : typeof t)).join(","),
  };
  return out;
}

export function makeShow(root) {
  const fixPath = (s) => (typeof s === "string" && root ? s.split(root).join("<root>") : s);
  function show(v, depth = 0) {
    if (v === undefined) return "undefined";
    if (v === null) return "null";
    if (typeof v === "string") return JSON.stringify(fixPath(v));
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "function") return `[function ${v.name}]`;
    if (typeof v === "symbol") return v.toString();
    if (v instanceof Error || (typeof v === "object" && typeof v.message === "string" && typeof v.stack === "string")) {
      const fields = { name: v.name, code: v.code, message: fixPath(v.message), errno: v.errno, syscall: v.syscall,
        path: fixPath(v.path), dest: fixPath(v.dest), string: fixPath(String(v)), keys: Object.keys(v).join(",") };
      if (v.info) fields.info = JSON.stringify(v.info, (k, x) => (typeof x === "string" ? fixPath(x) : x));
      if (v.cause !== undefined) fields.cause = show(v.cause, depth + 1);
      return `Error${show(fields, depth + 1)}`;
    }
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor && v.constructor.name;
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      return `${name}<${bytes.length > 64 ? hex(bytes.subarray(0, 64)) + `...(${bytes.length})` : hex(bytes)}>`;
    }
    if (v instanceof Date) return `Date(${isNaN(v.getTime()) ? "invalid" : v.toISOString()})`;
    if (isStats(v)) return `Stats${show(statsView(v), depth + 1)}`;
    if (isDirent(v)) {
      const kinds = ["isFile", "isDirectory", "isSymbolicLink"].filter((m) => v[m]()).join(",");
      return `Dirent{name: ${show(v.name)}, parentPath: ${show(v.parentPath)}, path: ${show(v.path)}, is: ${kinds}, keys: ${Object.keys(v).join(",")}}`;
    }
    if (depth > 6) return "[deep]";
    if (Array.isArray(v)) return `[${v.map((x) => show(x, depth + 1)).join(", ")}]`;
    const name = v.constructor && v.constructor.name;
    const keys = Object.keys(v);
    return `${name && name !== "Object" ? name : ""}{${keys.map((k) => `${k}: ${show(v[k], depth + 1)}`).join(", ")}}`;
  }
  return show;
}

/** A sorted copy (directory listings: their order is the file system's). */
export function sorted(list) {
  const key = (x) => (typeof x === "string" ? x : x && x.name !== undefined ? String(x.name) + "\0" + String(x.parentPath) : String(x));
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The object a script gets: `fs`, `fsp`, `root` (an empty folder, the working directory), `log(label, ...values)`
 * (one transcript line), `step(label, fn)` (logs fn's result or the error it throws), `sorted`, the loop's timers
 * and nextTick, and `done`: a promise the script may await to let pending callbacks run.
 */
export function makeContext({ fs, fsp, root, print, timers }) {
  const show = makeShow(root);
  const log = (label, ...values) => print(`${label}: ${values.map((v) => show(v)).join(" | ")}`);
  const step = (label, fn) => {
    try {
      const r = fn();
      log(label, r);
      return r;
    } catch (e) {
      log(label, e);
      return undefined;
    }
  };
  const stepAsync = async (label, fn) => {
    try {
      const r = await fn();
      log(label, r);
      return r;
    } catch (e) {
      log(label, e);
      return undefined;
    }
  };
  /** Runs a callback-style call and logs what the callback gets; resolves after the callback ran. */
  const cb = (label, call) => new Promise((resolve) => {
    try {
      call((...args) => {
        log(label, ...args);
        resolve();
      });
    } catch (e) {
      log(`${label} (threw)`, e);
      resolve();
    }
  });
  const wait = (ms) => new Promise((resolve) => timers.setTimeout(resolve, ms));
  return { fs, fsp, root, log, step, stepAsync, cb, sorted, show, wait, ...timers };
}
