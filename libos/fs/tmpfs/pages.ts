// libos/fs/tmpfs/pages.ts — a regular file's bytes in RAM: fixed-size pages in a map keyed by page number, so a
// hole costs nothing, an append touches only the pages it writes (no copying of what is already there), and every
// read or write is a handful of typed-array copies per page (never a loop per byte).
// Layer: libos/fs. Depends on nothing.

/** Bytes per page: the unit of allocation and of the size limit (as Linux's tmpfs, whose pages are 4 KiB). */
export const PAGE_SIZE = 4096;

/**
 * The pages of one file. It does not know the file's size: callers never read past it, and truncate() drops the
 * pages (and zeroes the part of a page) beyond a new, smaller size so that a later extension reads zeros.
 *
 * ```ts
 * const p = new Pages();
 * p.write(10_000_000, new Uint8Array([1]));  // one page allocated
 * p.read(0, new Uint8Array(4));             // zeros: a hole
 * ```
 */
export class Pages {
  private readonly map = new Map<number, Uint8Array>();

  /** Pages allocated. */
  get count(): number {
    return this.map.size;
  }

  /** How many pages a write of `length` bytes at `position` would allocate (the caller checks its budget first). */
  missing(position: number, length: number): number {
    if (length <= 0) return 0;
    const first = Math.floor(position / PAGE_SIZE);
    const last = Math.floor((position + length - 1) / PAGE_SIZE);
    let n = 0;
    for (let i = first; i <= last; i++) if (!this.map.has(i)) n++;
    return n;
  }

  /** Copies `into.length` bytes starting at `position` into `into` (holes read as zeros). */
  read(position: number, into: Uint8Array): void {
    let done = 0;
    const total = into.length;
    while (done < total) {
      const at = position + done;
      const index = Math.floor(at / PAGE_SIZE);
      const offset = at - index * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, total - done);
      const page = this.map.get(index);
      if (page) into.set(n === PAGE_SIZE ? page : page.subarray(offset, offset + n), done);
      else into.fill(0, done, done + n);
      done += n;
    }
  }

  /** Stores `data` at `position`, allocating the pages it needs. Returns how many pages were allocated. */
  write(position: number, data: Uint8Array): number {
    let done = 0;
    let allocated = 0;
    const total = data.length;
    while (done < total) {
      const at = position + done;
      const index = Math.floor(at / PAGE_SIZE);
      const offset = at - index * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, total - done);
      let page = this.map.get(index);
      if (!page) {
        page = new Uint8Array(PAGE_SIZE);
        this.map.set(index, page);
        allocated++;
      }
      page.set(n === total ? data : data.subarray(done, done + n), offset);
      done += n;
    }
    return allocated;
  }

  /** Forgets everything at or beyond byte `size` (zeroing the tail of a partial last page). Returns pages freed. */
  truncate(size: number): number {
    const keep = Math.ceil(size / PAGE_SIZE);
    let freed = 0;
    for (const index of [...this.map.keys()]) {
      if (index >= keep) {
        this.map.delete(index);
        freed++;
      }
    }
    const offset = size % PAGE_SIZE;
    if (offset !== 0) this.map.get(keep - 1)?.fill(0, offset);
    return freed;
  }

  /** Drops every page. Returns how many there were. */
  clear(): number {
    const n = this.map.size;
    this.map.clear();
    return n;
  }
}
