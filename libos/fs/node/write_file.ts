// libos/fs/node/write_file.ts — fs.writeFile/writeFileSync/appendFile/appendFileSync: strings encoded once, the
// whole buffer written in one call (the VFS writes it all or fails), `flush` fsyncs before close, a descriptor is
// written at its position and left open. The callback form opens at once and writes in the next poll phase, where
// an aborted options.signal stops it (AbortError; the file is left opened-and-truncated, as in Node).
// Layer: libos. Depends on dispatch.ts, open_close.ts, read_write.ts, validate.ts, encoding.ts, errors.ts.

import { later, sys, type SignalLike } from "./dispatch.ts";
import { encodeString } from "./encoding.ts";
import { abortError } from "./errors.ts";
import { closeCore, openCore } from "./open_close.ts";
import { writeCore } from "./read_write.ts";
import {
  getOptions, getValidatedPath, isArrayBufferView, isInt32, parseFileMode, stringToFlags, validateBoolean,
  validateFunction, validateStringAfterArrayBufferView, type PathLike,
} from "./validate.ts";

interface WriteOptions {
  encoding?: unknown;
  mode?: unknown;
  flag?: unknown;
  flush?: unknown;
  signal?: unknown;
}

const writeDefaults = (flag: string): WriteOptions => ({ encoding: "utf8", mode: 0o666, flag, flush: false });

/** Writes all of `data` at the descriptor's position (fsync after when `flush`). */
export function writeAllCore(fd: number, data: ArrayBufferView, flush: boolean): void {
  let offset = 0;
  while (offset < data.byteLength) offset += writeCore(fd, data, offset, data.byteLength - offset, null);
  if (flush) sys("fsync", undefined, undefined, (v) => v.fsync(fd, false));
}

/** Node's order of checks for the data argument; strings become bytes. */
export function dataBytes(data: unknown, encoding: unknown): ArrayBufferView {
  if (isArrayBufferView(data)) return data;
  validateStringAfterArrayBufferView(data, "data");
  return encodeString(data, encoding || "utf8");
}

function checkFlush(o: WriteOptions): boolean {
  const flush = o.flush ?? false;
  validateBoolean(flush, "options.flush");
  return flush;
}

function writeFileCore(target: PathLike | number, bytes: ArrayBufferView, flags: number, mode: number, flush: boolean): void {
  const userFd = typeof target === "number";
  const fd = userFd ? target : openCore(target, flags, mode);
  try {
    writeAllCore(fd, bytes, flush);
  } finally {
    if (!userFd) closeCore(fd);
  }
}

/** fs.writeFileSync(path | fd, data[, options | encoding]): replaces the file (flag 'w' by default). */
export function writeFileSync(path: unknown, data: unknown, options?: unknown): void {
  const o = getOptions(options, writeDefaults("w")) as WriteOptions;
  const flush = checkFlush(o);
  const flag = o.flag || "w";
  if (typeof data === "string" && (o.encoding === "utf8" || o.encoding === "utf-8")) {
    const target = isInt32(path) ? path : getValidatedPath(path);
    writeFileCore(target, encodeString(data), stringToFlags(flag), parseFileMode(o.mode, "mode", 0o666), flush);
    return;
  }
  const bytes = dataBytes(data, o.encoding);
  if (isInt32(path)) {
    writeFileCore(path, bytes, 0, 0, flush);
    return;
  }
  const p = getValidatedPath(path);
  writeFileCore(p, bytes, stringToFlags(flag), parseFileMode(o.mode, "mode", 0o666), flush);
}

/** fs.writeFile(path | fd, data[, options], callback(err)). */
export function writeFile(path: unknown, data: unknown, options?: unknown, callback?: unknown): void {
  callback ||= options;
  validateFunction(callback, "cb");
  const cb = callback as (err: Error | null) => void;
  const o = getOptions(options, writeDefaults("w")) as WriteOptions;
  const flag = o.flag || "w";
  const flush = checkFlush(o);
  const bytes = dataBytes(data, o.encoding);
  const signal = o.signal as SignalLike | undefined;
  let fd: number;
  let userFd = false;
  if (isInt32(path)) {
    fd = path;
    userFd = true;
  } else {
    if (signal?.aborted) {
      cb(abortError(signal.reason));
      return;
    }
    const p = getValidatedPath(path);
    const mode = parseFileMode(o.mode, "mode", 0o666);
    const flags = stringToFlags(flag);
    try {
      fd = openCore(p, flags, mode);
    } catch (e) {
      later(() => cb(e as Error));
      return;
    }
  }
  later(() => {
    let err: Error | null = null;
    try {
      if (signal?.aborted) throw abortError(signal.reason);
      writeAllCore(fd, bytes, flush);
    } catch (e) {
      err = e as Error;
    }
    if (!userFd) {
      try {
        closeCore(fd);
      } catch (e) {
        err ??= e as Error;
      }
    }
    cb(err);
  });
}

/** Appending defaults: flag 'a'; a descriptor is always appended to. */
function appendOptions(path: unknown, options: unknown): WriteOptions {
  const o = { ...getOptions(options, writeDefaults("a")) } as WriteOptions;
  if (!o.flag || isInt32(path)) o.flag = "a";
  return o;
}

/** fs.appendFileSync(path | fd, data[, options | encoding]). */
export function appendFileSync(path: unknown, data: unknown, options?: unknown): void {
  writeFileSync(path, data, appendOptions(path, options));
}

/** fs.appendFile(path | fd, data[, options], callback(err)). */
export function appendFile(path: unknown, data: unknown, options?: unknown, callback?: unknown): void {
  callback ||= options;
  validateFunction(callback, "cb");
  writeFile(path, data, appendOptions(path, options), callback);
}
