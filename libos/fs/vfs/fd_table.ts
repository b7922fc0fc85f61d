// libos/fs/vfs/fd_table.ts — file descriptors: numbers from 3 up (0, 1 and 2 are stdio), the lowest free one first,
// EMFILE at the limit; each names an open file description (the inode, its mount, the open flags and the file
// position), as POSIX has it. Stdio descriptors are descriptions of their own: reads from 0 see end of file,
// writes to 1 and 2 go to sinks the runtime sets (process.stdout/stderr's console by default).
// Layer: libos/fs. Depends on ../types.ts and mount_table.ts.

import { FsError } from "../types.ts";
import type { Mount } from "./mount_table.ts";

/** An open file: what open(2) returns a descriptor for. */
export class OpenFile {
  /** The file position (reads and writes without a position use and move it). */
  position = 0;
  /** A directory's entries as a snapshot taken when first read (opendir's Dir reads them in order). */
  entries?: { name: string; type: number }[];

  constructor(readonly mount: Mount, readonly ino: number, readonly flags: number, readonly isDir: boolean) {}
}

/** Where bytes written to fd 1 or 2 go. */
export type StdioSink = (data: Uint8Array) => void;

/** fd 0, 1 or 2. */
export class StdioFile {
  constructor(readonly fd: 0 | 1 | 2, public sink: StdioSink | undefined) {}
}

export type Descriptor = OpenFile | StdioFile;

/** The default soft limit of open descriptors (Linux's RLIMIT_NOFILE soft default). */
export const DEFAULT_MAX_FDS = 1024;

export class FdTable {
  private readonly slots: (Descriptor | undefined)[];
  /** The lowest slot at or above 3 that may be free. */
  private hint = 3;
  /** Descriptors open (stdio included). */
  used = 3;

  constructor(readonly max = DEFAULT_MAX_FDS, sinks: { stdout?: StdioSink; stderr?: StdioSink } = {}) {
    this.slots = [new StdioFile(0, undefined), new StdioFile(1, sinks.stdout), new StdioFile(2, sinks.stderr)];
  }

  /** Gives `file` the lowest free descriptor from 3 up. EMFILE when `max` are in use. */
  add(file: OpenFile): number {
    let fd = this.hint;
    while (fd < this.slots.length && this.slots[fd] !== undefined) fd++;
    if (fd >= this.max) throw new FsError("EMFILE", `${this.max} files are open`);
    this.slots[fd] = file;
    this.hint = fd + 1;
    this.used++;
    return fd;
  }

  /** The description of `fd`; EBADF when it is not open. */
  get(fd: number): Descriptor {
    const d = this.slots[fd];
    if (d === undefined) throw new FsError("EBADF");
    return d;
  }

  /** Frees `fd` and returns what it named; EBADF when it is not open. */
  remove(fd: number): Descriptor {
    const d = this.get(fd);
    this.slots[fd] = undefined;
    this.used--;
    while (this.slots.length > 3 && this.slots[this.slots.length - 1] === undefined) this.slots.pop();
    if (fd >= 3 && fd < this.hint) this.hint = fd;
    return d;
  }

  /** The stdio description of fd 1 or 2 (even when closed: its sink can still be set). */
  stdio(fd: 1 | 2): StdioFile | undefined {
    const d = this.slots[fd];
    return d instanceof StdioFile ? d : undefined;
  }

  /** Open descriptions on `mount` (unmount refuses while there are any). */
  openOn(mount: Mount): number {
    let n = 0;
    for (const d of this.slots) if (d instanceof OpenFile && d.mount === mount) n++;
    return n;
  }
}
