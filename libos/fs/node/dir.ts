// libos/fs/node/dir.ts — fs.Dir (fs.opendir/opendirSync, fs/promises' opendir): a directory read in chunks of
// `bufferSize` entries as Dirents (read() with a callback or as a promise, readSync(), close()/closeSync(), async
// iteration that closes at the end), with Node 20's errors (ERR_DIR_CLOSED, ERR_DIR_CONCURRENT_OPERATION) and its
// queueing of callback reads. With `recursive`, entries of subdirectories follow their directory's entry (all of
// them: Node 20 reads only the first bufferSize of each subdirectory, which drops entries; unijs does not).
// Layer: libos. Depends on dispatch.ts, dirent.ts, encoding.ts, errors.ts, validate.ts, libos/path, ../vfs.

import { join } from "../../path/index.ts";
import { O_DIRECTORY, O_RDONLY } from "../vfs/flags.ts";
import { complete, nextTick, sys, type Callback } from "./dispatch.ts";
import { Dirent, direntType } from "./dirent.ts";
import { encodeName } from "./encoding.ts";
import { dirClosed, dirConcurrent, missingArgs } from "./errors.ts";
import { getOptions, getValidatedPath, pathString, validateFunction, validateUint32, type PathLike } from "./validate.ts";

interface DirOptions {
  bufferSize: number;
  encoding?: unknown;
  recursive?: unknown;
}

const kFd = Symbol("kDirHandle");
const kPath = Symbol("kDirPath");
const kBuffered = Symbol("kDirBufferedEntries");
const kClosed = Symbol("kDirClosed");
const kOptions = Symbol("kDirOptions");
const kQueue = Symbol("kDirOperationQueue");

/** Opens a directory; errors name the path, except in opendirSync's, which Node 20 reports without it. */
function openDirFd(path: PathLike, sync = false): number {
  return sys("opendir", sync ? undefined : path, undefined, (v) => v.open(pathString(path), O_RDONLY | O_DIRECTORY));
}

/** An open directory. */
export class Dir {
  [kFd]: number;
  [kPath]: PathLike;
  [kBuffered]: Dirent[] = [];
  [kClosed] = false;
  [kOptions]: DirOptions;
  /** null, or the operations waiting for the callback read in flight. */
  [kQueue]: (() => void)[] | null = null;

  constructor(fd: number, path: PathLike, options: unknown) {
    if (fd === null || fd === undefined) throw missingArgs("handle");
    this[kFd] = fd;
    this[kPath] = path;
    this[kOptions] = { bufferSize: 32, ...getOptions(options, { encoding: "utf8" }) } as DirOptions;
    validateUint32(this[kOptions].bufferSize, "options.bufferSize", true);
  }

  get path(): PathLike {
    return this[kPath];
  }

  private chunk(dirPath: PathLike, fd: number): Dirent[] {
    const entries = sys("scandir", dirPath, undefined, (v) => v.readdirFd(fd, this[kOptions].bufferSize));
    return entries.map((e) => new Dirent(encodeName(e.name, this[kOptions].encoding), direntType(e.type), dirPath));
  }

  /** The next Dirent (null at the end); with `recursive`, a directory's entries are queued after it. */
  private next(): Dirent | null {
    if (this[kBuffered].length === 0) {
      const chunk = this.chunk(this[kPath], this[kFd]);
      if (chunk.length === 0) return null;
      this[kBuffered].push(...chunk);
    }
    const dirent = this[kBuffered].shift()!;
    if (this[kOptions].recursive && dirent.isDirectory()) this.readRecursive(dirent);
    return dirent;
  }

  private readRecursive(dirent: Dirent): void {
    const path = join(pathString(dirent.parentPath), pathString(dirent.name));
    const fd = openDirFd(path, true);
    try {
      for (let chunk = this.chunk(path, fd); chunk.length > 0; chunk = this.chunk(path, fd)) this[kBuffered].push(...chunk);
    } finally {
      sys("close", undefined, undefined, (v) => v.close(fd));
    }
  }

  /** dir.read(callback(err, dirent | null)) or dir.read() → Promise. */
  read(callback?: unknown): Promise<Dirent | null> | void {
    return this.readImpl(true, callback);
  }

  private readImpl(maybeSync: boolean, callback?: unknown): Promise<Dirent | null> | void {
    if (this[kClosed]) throw dirClosed();
    if (callback === undefined) {
      return new Promise((resolve, reject) => this.readImpl(false, (err: Error | null, d: Dirent | null) => (err ? reject(err) : resolve(d))));
    }
    validateFunction(callback, "callback");
    const cb = callback as (err: Error | null, d?: Dirent | null) => void;
    if (this[kQueue] !== null) {
      this[kQueue]!.push(() => this.readImpl(maybeSync, callback));
      return;
    }
    if (this[kBuffered].length > 0) {
      let dirent: Dirent;
      try {
        dirent = this.next()!;
      } catch (e) {
        cb(e as Error);
        return;
      }
      if (maybeSync) nextTick(() => cb(null, dirent));
      else cb(null, dirent);
      return;
    }
    this[kQueue] = [];
    complete<Dirent | null>((err, dirent) => {
      nextTick(() => {
        const queue = this[kQueue] ?? [];
        this[kQueue] = null;
        for (const op of queue) op();
      });
      if (err) cb(err);
      else cb(null, dirent ?? null);
    }, () => this.next());
  }

  /** The next entry now (null at the end). ERR_DIR_CONCURRENT_OPERATION while a callback read is in flight. */
  readSync(): Dirent | null {
    if (this[kClosed]) throw dirClosed();
    if (this[kQueue] !== null) throw dirConcurrent();
    return this.next();
  }

  /** dir.close(callback(err)) or dir.close() → Promise. */
  close(callback?: unknown): Promise<void> | void {
    if (callback === undefined) {
      if (this[kClosed]) return Promise.reject(dirClosed());
      return new Promise((resolve, reject) => this.close((err: Error | null) => (err ? reject(err) : resolve())));
    }
    validateFunction(callback, "callback");
    const cb = callback as Callback;
    if (this[kClosed]) {
      nextTick(() => cb(dirClosed()));
      return;
    }
    if (this[kQueue] !== null) {
      this[kQueue]!.push(() => this.close(callback));
      return;
    }
    this[kClosed] = true;
    const fd = this[kFd];
    complete(cb, () => sys("close", undefined, undefined, (v) => v.close(fd)));
  }

  closeSync(): void {
    if (this[kClosed]) throw dirClosed();
    if (this[kQueue] !== null) throw dirConcurrent();
    this[kClosed] = true;
    sys("close", undefined, undefined, (v) => v.close(this[kFd]));
  }

  /** Iterates the entries; the directory is closed at the end (or when the loop is left). */
  async *entries(): AsyncGenerator<Dirent> {
    try {
      for (;;) {
        const d = await (this.readImpl(false) as Promise<Dirent | null>);
        if (d === null) break;
        yield d;
      }
    } finally {
      await (this.close() as Promise<void>);
    }
  }
}
Object.defineProperty(Dir.prototype, Symbol.asyncIterator, {
  value: Dir.prototype.entries, enumerable: false, writable: true, configurable: true,
});

function dirArgs(path: unknown, options: unknown): { path: PathLike; options: DirOptions } {
  const p = getValidatedPath(path);
  const o = { bufferSize: 32, ...getOptions(options, { encoding: "utf8" }) } as DirOptions;
  validateUint32(o.bufferSize, "options.bufferSize", true);
  return { path: p, options: o };
}

/** fs.opendirSync(path[, { encoding, bufferSize, recursive }]). */
export function opendirSync(path: unknown, options?: unknown): Dir {
  const a = dirArgs(path, options);
  return new Dir(openDirFd(a.path, true), a.path, a.options);
}

/** fs.opendir(path[, options], callback(err, dir)). */
export function opendir(path: unknown, options?: unknown, callback?: unknown): void {
  callback = typeof options === "function" ? options : callback;
  validateFunction(callback, "callback");
  const a = dirArgs(path, typeof options === "function" ? undefined : options);
  complete(callback as Callback<Dir>, () => new Dir(openDirFd(a.path), a.path, a.options));
}
