// node:fs behaviours the differential scripts cannot reach on a host's /tmp: mounts (EXDEV, EROFS, EBUSY), limits
// (ENOSPC, EMFILE, ERR_FS_FILE_TOO_LARGE), stdio descriptors, process.cwd/chdir through the VFS, errors' stacks,
// callbacks never synchronous and never throwing, aborts after the call.
import { describe, expect, it } from "vitest";
import fs from "../../../../libos/fs/node/index.ts";
import fsp from "../../../../libos/fs/node/promises.ts";
import { processChdir, processCwd } from "../../../../libos/fs/node/process_cwd.ts";
import { Tmpfs } from "../../../../libos/fs/tmpfs/index.ts";
import { freshEnv } from "./_env.ts";

type CbErr = (Error & { code?: string }) | null;

function thrown(fn: () => unknown): Error & { code?: string; errno?: number; syscall?: string; path?: string; dest?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("errors", () => {
  it("sync system errors are Node's, with a stack", () => {
    freshEnv();
    const e = thrown(() => fs.readFileSync("/w/missing"));
    expect(e.message).toBe("ENOENT: no such file or directory, open '/w/missing'");
    expect([e.errno, e.code, e.syscall, e.path]).toEqual([-2, "ENOENT", "open", "/w/missing"]);
    expect(Object.keys(e)).toEqual(["errno", "code", "syscall", "path"]);
    expect(e.stack).toMatch(/\n\s+at /);
  });

  it("callback errors are passed, in the poll phase, never thrown or synchronous", async () => {
    const env = freshEnv();
    const seen: string[] = [];
    fs.stat("missing", (err: CbErr) => seen.push(`stat ${err?.code}`));
    fs.readFile("missing", (err: CbErr) => seen.push(`readFile ${err?.code}`));
    fs.close(999, (err: CbErr) => seen.push(`close ${err?.code}`));
    seen.push("returned");
    env.run();
    expect(seen).toEqual(["returned", "stat ENOENT", "readFile ENOENT", "close EBADF"]);
    expect(env.uncaught).toEqual([]);
  });

  it("close without a callback throws its error from the loop (Node's default callback)", () => {
    const env = freshEnv();
    fs.close(999);
    env.run();
    expect((env.uncaught[0] as Error & { code: string }).code).toBe("EBADF");
  });

  it("a readFile aborted after the call gets an AbortError", async () => {
    const env = freshEnv();
    fs.writeFileSync("f", "data");
    const signal = { aborted: false, reason: undefined as unknown };
    let got: unknown;
    fs.readFile("f", { signal }, (err: CbErr) => { got = err; });
    signal.aborted = true;
    signal.reason = "stop";
    env.run();
    expect((got as Error).name).toBe("AbortError");
    expect((got as Error & { code: string; cause: unknown }).code).toBe("ABORT_ERR");
    expect((got as Error & { cause: unknown }).cause).toBe("stop");
    await expect(env.settle(fsp.readFile("f", { signal: { aborted: true } } as never))).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("mounts through node:fs", () => {
  it("EXDEV across mounts, with both paths", () => {
    const env = freshEnv();
    env.vfs.mount("/other", new Tmpfs());
    fs.writeFileSync("/w/a", "x");
    const e = thrown(() => fs.renameSync("/w/a", "/other/a"));
    expect(e.message).toBe("EXDEV: cross-device link not permitted, rename '/w/a' -> '/other/a'");
    expect([e.errno, e.dest]).toEqual([-18, "/other/a"]);
    expect(thrown(() => fs.linkSync("/w/a", "/other/b")).code).toBe("EXDEV");
    fs.copyFileSync("/w/a", "/other/a");                         // what an app does instead
    expect(fs.readFileSync("/other/a", "utf8")).toBe("x");
    expect(fs.statSync("/w/a")!.dev).not.toBe(fs.statSync("/other/a")!.dev);
  });

  it("EROFS on a read-only mount; EBUSY for a mount point", () => {
    const env = freshEnv();
    const t = new Tmpfs();
    t.create(t.rootIno, "f", 0o644, 0, 0);
    env.vfs.mount("/ro", t, { readOnly: true });
    expect(thrown(() => fs.writeFileSync("/ro/x", "x")).message).toBe("EROFS: read-only file system, open '/ro/x'");
    expect(thrown(() => fs.appendFileSync("/ro/f", "x")).code).toBe("EROFS");
    expect(thrown(() => fs.mkdirSync("/ro/d")).code).toBe("EROFS");
    expect(thrown(() => fs.accessSync("/ro/f", fs.W_OK)).message).toBe("EROFS: read-only file system, access '/ro/f'");
    fs.accessSync("/ro/f", fs.R_OK);
    expect(fs.readFileSync("/ro/f", "utf8")).toBe("");
    expect(thrown(() => fs.rmdirSync("/w")).message).toBe("EROFS: read-only file system, rmdir '/w'");
    fs.mkdirSync("/w/m");
    env.vfs.mount("/w/m", new Tmpfs());
    expect(thrown(() => fs.rmdirSync("/w/m")).message).toBe("EBUSY: resource busy or locked, rmdir '/w/m'");
    expect(thrown(() => fs.renameSync("/w/m", "/w/n")).code).toBe("EBUSY");
    expect(fs.readdirSync("/").sort()).toEqual(["ro", "w"]);
  });
});

describe("limits", () => {
  it("ENOSPC when the tmpfs is full; what was written before stays", () => {
    freshEnv({ tmpfs: { maxBytes: 64 * 1024 } });
    fs.writeFileSync("a", new Uint8Array(60 * 1024));
    const e = thrown(() => fs.writeFileSync("b", new Uint8Array(8 * 1024)));
    expect(e.message).toBe("ENOSPC: no space left on device, write");
    expect(fs.statSync("a")!.size).toBe(60 * 1024);
    expect(fs.statSync("b")!.size).toBe(0);
    expect(fs.statfsSync("/w")).toMatchObject({ type: 0x01021994, bsize: 4096, blocks: 16, bfree: 1 });
  });

  it("EMFILE at the descriptor limit, before the path is looked at", () => {
    freshEnv({ vfs: { maxFds: 5 } });
    fs.writeFileSync("f", "");
    const fds = [fs.openSync("f"), fs.openSync("f")];
    expect(fds).toEqual([3, 4]);
    expect(thrown(() => fs.openSync("missing")).message).toBe("EMFILE: too many open files, open 'missing'");
    fs.closeSync(3);
    expect(fs.openSync("f")).toBe(3);
  });

  it("ERR_FS_FILE_TOO_LARGE for a file over 2 GiB, and the descriptor is closed again", () => {
    const env = freshEnv();
    fs.closeSync(fs.openSync("huge", "w"));
    fs.truncateSync("huge", 3 * 2 ** 30);                        // sparse: costs nothing
    const e = thrown(() => fs.readFileSync("huge"));
    expect(e.constructor).toBe(RangeError);
    expect([e.code, e.message]).toEqual(["ERR_FS_FILE_TOO_LARGE", "File size (3221225472) is greater than 2 GiB"]);
    expect(fs.openSync("huge")).toBe(3);                         // nothing leaked
    expect(env.tmp.usedBytes).toBe(0);
  });

  it("large files are read and written in one piece", () => {
    freshEnv();
    const data = new Uint8Array(16 << 20);
    for (let i = 0; i < data.length; i += 4096) data[i] = (i >> 12) & 0xff;
    fs.writeFileSync("big", data);
    const back = fs.readFileSync("big");
    expect(back.length).toBe(data.length);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(data))).toBe(0);
  });
});

describe("descriptors 0, 1, 2 and the working directory", () => {
  it("writes to fd 1 and 2 reach the stdio sinks; fd 0 reads end of file", async () => {
    const env = freshEnv();
    expect(fs.writeSync(1, "out\n")).toBe(4);
    fs.writeSync(2, new TextEncoder().encode("err\n"));
    await env.settle(new Promise<void>((resolve) => fs.write(1, "cb\n", () => resolve())));
    expect(env.stdout).toEqual(["out\n", "cb\n"]);
    expect(env.stderr).toEqual(["err\n"]);
    expect(fs.readSync(0, new Uint8Array(4))).toBe(0);
    expect(fs.fstatSync(1).isCharacterDevice()).toBe(true);
    const ws = fs.createWriteStream("", { fd: 1, autoClose: false }) as unknown as { end(s: string, cb: () => void): void };
    await env.settle(new Promise<void>((resolve) => ws.end("stream\n", resolve)));
    expect(env.stdout).toContain("stream\n");
  });

  it("processCwd/processChdir are the VFS's, with Node's errors", () => {
    freshEnv();
    fs.mkdirSync("sub");
    fs.symlinkSync("sub", "link");
    processChdir("link");
    expect(processCwd()).toBe("/w/sub");
    fs.writeFileSync("here", "x");
    expect(fs.existsSync("/w/sub/here")).toBe(true);
    const e = thrown(() => processChdir("missing"));
    expect(e.message).toBe("ENOENT: no such file or directory, chdir '/w/sub' -> 'missing'");
    expect([e.errno, e.syscall, e.path, e.dest]).toEqual([-2, "chdir", "/w/sub", "missing"]);
    expect(thrown(() => processChdir("/w/sub/here")).code).toBe("ENOTDIR");
    expect(thrown(() => processChdir(5)).message).toBe('The "directory" argument must be of type string. Received type number (5)');
    expect(fs.realpathSync(".")).toBe("/w/sub");
  });

  it("an unlinked file stays readable and writable through its descriptor", () => {
    const env = freshEnv();
    const fd = fs.openSync("scratch", "w+");
    fs.unlinkSync("scratch");
    fs.writeSync(fd, "still here");
    const buf = new Uint8Array(10);
    fs.readSync(fd, buf, 0, 10, 0);
    expect(new TextDecoder().decode(buf)).toBe("still here");
    expect(fs.fstatSync(fd).nlink).toBe(0);
    expect(fs.existsSync("scratch")).toBe(false);
    fs.closeSync(fd);
    expect(env.tmp.usedBytes).toBe(0);
  });
});
