// libos/fs/node/read_file.ts — fs.readFile/readFileSync: open, fstat, one read of the whole regular file into one
// Buffer (no chunk loop for files of known size; files of unknown size, such as the console, in 64 KiB chunks),
// close; decoding when an encoding is given. A descriptor is read from its position and left open. Errors as
// Node's: the open's (syscall "open"), EISDIR from the read (syscall "read"), ERR_FS_FILE_TOO_LARGE over 2 GiB.
// Layer: libos. Depends on dispatch.ts, open_close.ts, read_write.ts, validate.ts, encoding.ts, errors.ts.

import { S_IFMT, S_IFREG } from "../types.ts";
import { complete, nextTick, sys, type SignalLike } from "./dispatch.ts";
import { Buffer, decodeBytes } from "./encoding.ts";
import { abortError, fsFileTooLarge } from "./errors.ts";
import { closeCore, openCore } from "./open_close.ts";
import { readCore } from "./read_write.ts";
import { getOptions, getValidatedPath, isInt32, stringToFlags, validateFunction, type PathLike } from "./validate.ts";

/** Node's limit for one read (and for readFile's buffer). */
export const kIoMaxLength = 2 ** 31 - 1;
const UNKNOWN_SIZE_CHUNK = 64 * 1024;

type NodeBuffer = InstanceType<typeof Buffer>;

/** Reads what is left of the file open as `fd` (from its position). Closes nothing. */
export function readAllCore(fd: number): NodeBuffer {
  const st = sys("fstat", undefined, undefined, (v) => v.fstat(fd));
  const size = (st.mode & S_IFMT) === S_IFREG ? st.size : 0;
  if (size > kIoMaxLength) throw fsFileTooLarge(size);
  if (size > 0) {
    const buffer = Buffer.allocUnsafe(size);
    let pos = 0;
    for (let n = -1; n !== 0 && pos < size; pos += n) n = readCore(fd, buffer, pos, size - pos, null);
    return pos < size ? buffer.subarray(0, pos) : buffer;
  }
  const chunks: NodeBuffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(UNKNOWN_SIZE_CHUNK);
    const n = readCore(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(n < chunk.length ? chunk.subarray(0, n) : chunk);
    total += n;
    if (total > kIoMaxLength) throw fsFileTooLarge(total);
  }
  return Buffer.concat(chunks, total);
}

/** The whole of `path` (or what is left of descriptor `path`), decoded when `encoding` is given. */
export function readFileCore(path: PathLike | number, flags: number, encoding: unknown): NodeBuffer | string {
  const userFd = typeof path === "number";
  const fd = userFd ? path : openCore(path, flags, 0o666);
  let data: NodeBuffer;
  try {
    data = readAllCore(fd);
  } finally {
    if (!userFd) closeCore(fd);
  }
  return encoding && encoding !== "buffer" ? decodeBytes(data, encoding) : data;
}

/** fs.readFileSync(path | fd[, options | encoding]) → Buffer or string. */
export function readFileSync(path: unknown, options?: unknown): NodeBuffer | string {
  const o = getOptions(options, { flag: "r" as unknown });
  const target = isInt32(path) ? path : getValidatedPath(path);
  return readFileCore(target, stringToFlags(o.flag), o.encoding);
}

/** fs.readFile(path | fd[, options | encoding], callback(err, data)); options.signal aborts (AbortError). */
export function readFile(path: unknown, options?: unknown, callback?: unknown): void {
  callback ||= options;
  validateFunction(callback, "cb");
  const cb = callback as (err: Error | null, data?: unknown) => void;
  const o = getOptions(options, { flag: "r" as unknown });
  const signal = o.signal as SignalLike | undefined;
  if (isInt32(path)) {
    const fd = path;
    nextTick(() => complete(cb, () => readFileCore(fd, 0, o.encoding), signal));
    return;
  }
  if (signal?.aborted) {
    cb(abortError(signal.reason));
    return;
  }
  const flags = stringToFlags(o.flag, "options.flag");
  const p = getValidatedPath(path);
  complete(cb, () => readFileCore(p, flags, o.encoding), signal);
}
