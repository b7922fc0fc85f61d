// libos/fs/assets — the files packed into the image by `npm run image -- --assets DIR` (boot/image/assets.ts), as
// a read-only FileSystem the runtime mounts at the app's directory. The index is parsed on first use; file bytes
// are copied out of the image on each read (hal.assetRead: the image's pages are read-only). Inode numbers are the
// index's positions + 2 (the root is 1). Every change throws EROFS.
// Layer: libos/fs. Depends on types.ts (and, through the constructor's source, on nothing else).

import {
  FsError, S_IFDIR, S_IFMT, type Attr, type DirEntry, type FileSystem, type SetAttr, type StatFs, type Timespec,
} from "../types.ts";

/** Where the packed files come from (the native hal inside an image; tests pass their own). */
export interface AssetSource {
  /** The index JSON ("" for none). */
  index(): string;
  /** Copies bytes from `offset` of the data into `into`; returns how many. */
  read(offset: number, into: Uint8Array): number;
}

interface Node {
  ino: number;
  mode: number;
  size: number;
  offset: number;
  target?: string;
  /** Directories: name → inode. */
  children?: Map<string, number>;
}

const ROOT = 1;
const ASSETS_MAGIC = 0x55414653;    // statfs type: "UAFS"

export class AssetFs implements FileSystem {
  readonly type = "assets";
  readonly readOnly = true;
  readonly rootIno = ROOT;
  private readonly nodes: Node[] = [];
  private readonly time: Timespec;
  private dataBytes = 0;

  /** Parses the index; throws FsError EUCLEAN when it is malformed. */
  constructor(private readonly source: AssetSource) {
    const text = source.index();
    const root: Node = { ino: ROOT, mode: S_IFDIR | 0o755, size: 0, offset: 0, children: new Map() };
    this.nodes[ROOT] = root;
    this.time = { sec: 0, nsec: 0 };
    if (!text) return;
    let parsed: { v?: number; time?: number; entries?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (e) {
      throw new FsError("EUCLEAN", `the image's asset index is not JSON: ${(e as Error).message}`);
    }
    if (parsed.v !== 1 || !Array.isArray(parsed.entries)) throw new FsError("EUCLEAN", "the image's asset index has an unknown layout");
    this.time = { sec: Number(parsed.time) || 0, nsec: 0 };
    const byPath = new Map<string, number>([["", ROOT]]);
    for (const raw of parsed.entries as unknown[]) {
      const [path, mode, size, offset, target] = raw as [string, number, number, number, string | undefined];
      const ino = this.nodes.length;
      const node: Node = { ino, mode, size, offset, target };
      if ((mode & S_IFMT) === S_IFDIR) node.children = new Map();
      const slash = path.lastIndexOf("/");
      const parent = byPath.get(slash < 0 ? "" : path.slice(0, slash));
      const parentNode = parent !== undefined ? this.nodes[parent] : undefined;
      if (!parentNode?.children) throw new FsError("EUCLEAN", `the asset index lists ${path} before its folder`);
      parentNode.children.set(path.slice(slash + 1), ino);
      this.nodes.push(node);
      byPath.set(path, ino);
      if ((mode & S_IFMT) !== S_IFDIR) this.dataBytes += size;
    }
  }

  private node(ino: number): Node {
    const n = this.nodes[ino];
    if (!n) throw new FsError("ENOENT", `no inode ${ino} among the image's files`);
    return n;
  }

  getattr(ino: number): Attr {
    const n = this.node(ino);
    const t = this.time;
    return {
      ino, mode: n.mode, nlink: n.children ? 2 + [...n.children.values()].filter((c) => this.nodes[c].children).length : 1,
      uid: 0, gid: 0, size: n.children ? 4096 : n.size, blocks: Math.ceil(n.size / 512), blksize: 4096, rdev: 0,
      atime: t, mtime: t, ctime: t, birthtime: t,
    };
  }

  lookup(dir: number, name: string): number {
    const ino = this.node(dir).children?.get(name);
    if (ino === undefined) throw new FsError("ENOENT");
    return ino;
  }

  readdir(dir: number): DirEntry[] {
    const children = this.node(dir).children;
    if (!children) throw new FsError("ENOTDIR");
    return [...children].map(([name, ino]) => ({ name, ino, type: this.nodes[ino].mode & S_IFMT }));
  }

  read(ino: number, position: number, into: Uint8Array): number {
    const n = this.node(ino);
    if (n.children) throw new FsError("EISDIR");
    if (position >= n.size || into.length === 0) return 0;
    const len = Math.min(into.length, n.size - position);
    return this.source.read(n.offset + position, len === into.length ? into : into.subarray(0, len));
  }

  readlink(ino: number): string {
    const n = this.node(ino);
    if (n.target === undefined) throw new FsError("EINVAL");
    return n.target;
  }

  statfs(): StatFs {
    return {
      type: ASSETS_MAGIC, bsize: 4096, blocks: Math.ceil(this.dataBytes / 4096), bfree: 0, bavail: 0,
      files: this.nodes.length - 1, ffree: 0, namelen: 255,
    };
  }

  private readOnlyError(): never {
    throw new FsError("EROFS", "the image's files are read-only (write to /tmp or a disk)");
  }

  setattr(_ino: number, _changes: SetAttr): void { this.readOnlyError(); }
  write(_ino: number, _position: number, _data: Uint8Array): number { return this.readOnlyError(); }
  create(_dir: number, _name: string, _mode: number, _uid: number, _gid: number): number { return this.readOnlyError(); }
  mkdir(_dir: number, _name: string, _mode: number, _uid: number, _gid: number): number { return this.readOnlyError(); }
  symlink(_dir: number, _name: string, _target: string, _uid: number, _gid: number): number { return this.readOnlyError(); }
  link(_ino: number, _dir: number, _name: string): void { this.readOnlyError(); }
  unlink(_dir: number, _name: string): void { this.readOnlyError(); }
  rmdir(_dir: number, _name: string): void { this.readOnlyError(); }
  rename(_srcDir: number, _srcName: string, _dstDir: number, _dstName: string): void { this.readOnlyError(); }
  fsync(_ino: number, _dataOnly: boolean): void {}
  sync(): void {}
  retain(_ino: number): void {}
  release(_ino: number): void {}
  unmount(): void {}
}
