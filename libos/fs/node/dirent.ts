// libos/fs/node/dirent.ts — fs.Dirent as Node 20 has it: own `name`, `parentPath` and `path` (the directory read),
// the entry's type kept under a symbol, and the is*() predicates. Types are libuv's UV_DIRENT_* numbers.
// Layer: libos. Depends on ../types.ts.

import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, S_IFSOCK } from "../types.ts";

export const UV_DIRENT_UNKNOWN = 0;
export const UV_DIRENT_FILE = 1;
export const UV_DIRENT_DIR = 2;
export const UV_DIRENT_LINK = 3;
export const UV_DIRENT_FIFO = 4;
export const UV_DIRENT_SOCKET = 5;
export const UV_DIRENT_CHAR = 6;
export const UV_DIRENT_BLOCK = 7;

const kType = Symbol("type");

/** The libuv dirent type of S_IF* type bits. */
export function direntType(mode: number): number {
  switch (mode) {
    case S_IFREG: return UV_DIRENT_FILE;
    case S_IFDIR: return UV_DIRENT_DIR;
    case S_IFLNK: return UV_DIRENT_LINK;
    case S_IFIFO: return UV_DIRENT_FIFO;
    case S_IFSOCK: return UV_DIRENT_SOCKET;
    case S_IFCHR: return UV_DIRENT_CHAR;
    case S_IFBLK: return UV_DIRENT_BLOCK;
  }
  return UV_DIRENT_UNKNOWN;
}

/** A directory entry (readdir withFileTypes, Dir.read). `name` is a string or a Buffer, as the encoding asked. */
export class Dirent {
  name: string | Uint8Array;
  parentPath: string | Uint8Array;
  path: string | Uint8Array;
  [kType]: number;

  constructor(name: string | Uint8Array, type: number, path: string | Uint8Array) {
    this.name = name;
    this.parentPath = path;
    this.path = path;
    this[kType] = type;
  }

  isDirectory(): boolean { return this[kType] === UV_DIRENT_DIR; }
  isFile(): boolean { return this[kType] === UV_DIRENT_FILE; }
  isBlockDevice(): boolean { return this[kType] === UV_DIRENT_BLOCK; }
  isCharacterDevice(): boolean { return this[kType] === UV_DIRENT_CHAR; }
  isSymbolicLink(): boolean { return this[kType] === UV_DIRENT_LINK; }
  isFIFO(): boolean { return this[kType] === UV_DIRENT_FIFO; }
  isSocket(): boolean { return this[kType] === UV_DIRENT_SOCKET; }
}
