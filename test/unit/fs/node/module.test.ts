// The shape of node:fs and node:fs/promises against the host's Node 20: the same names (the module never fails at
// import, and what frameworks touch — fs.Stats, fs.ReadStream, fs.promises — is there), the same constants, the
// same class shapes (Stats callable as an ES5 constructor, prototypes' methods), Node's error for what unijs
// cannot do (watch, openAsBlob, readableWebStream, readLines).
import * as nodeFs from "node:fs";
import * as nodeFsp from "node:fs/promises";
import { describe, expect, it } from "vitest";
import * as fsModule from "../../../../libos/fs/node/index.ts";
import fs from "../../../../libos/fs/node/index.ts";
import * as fspModule from "../../../../libos/fs/node/promises.ts";
import fsp from "../../../../libos/fs/node/promises.ts";
import { freshEnv } from "./_env.ts";

const nodeDefault = (nodeFs as unknown as { default: Record<string, unknown> }).default;
const nodePromises = (nodeFsp as unknown as { default: Record<string, unknown> }).default;

describe("module shape", () => {
  it("fs has Node's keys in Node's order, and each is of the same type", () => {
    expect(Object.keys(fs)).toEqual(Object.keys(nodeDefault));
    const mine = fs as unknown as Record<string, unknown>;
    for (const key of Object.keys(nodeDefault)) expect([key, typeof mine[key]]).toEqual([key, typeof nodeDefault[key]]);
    expect(fs.lchmod).toBeUndefined();
  });

  it("named exports cover every key (require('fs').X through the bundler's CommonJS interop)", () => {
    for (const key of Object.keys(nodeDefault)) expect(key in fsModule, key).toBe(true);
    expect(fsModule.promises).toBe(fsp);
    expect(fs.promises).toBe(fsp);
  });

  it("fs/promises has Node's keys (default export and named)", () => {
    expect(Object.keys(fsp)).toEqual(Object.keys(nodePromises));
    for (const key of Object.keys(nodePromises)) {
      expect(key in fspModule, key).toBe(true);
      expect([key, typeof fsp[key as keyof typeof fsp]]).toEqual([key, typeof nodePromises[key]]);
    }
  });

  it("constants are Linux's, as Node reports them, in a null-prototype object; fs.constants is not replaceable", () => {
    expect({ ...fs.constants as object }).toEqual({ ...nodeDefault.constants as object });
    expect(Object.keys(fs.constants as object)).toEqual(Object.keys(nodeDefault.constants as object));
    expect(Object.getPrototypeOf(fs.constants)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(fs, "constants")).toMatchObject({ enumerable: true, configurable: false, writable: false });
    expect([fs.F_OK, fs.R_OK, fs.W_OK, fs.X_OK]).toEqual([0, 4, 2, 1]);
    expect(fsp.constants).toBe(fs.constants);
  });

  it("Stats is an ES5-callable constructor with Node's fields and prototype methods", () => {
    const Stats = fs.Stats as unknown as new (...a: number[]) => Record<string, unknown> & { isFile(): boolean };
    const NodeStats = nodeDefault.Stats as unknown as new (...a: number[]) => Record<string, unknown>;
    const args = [1, 0o100644, 1, 0, 0, 0, 4096, 7, 10, 8, 1000.5, 2000, 3000, 4000];
    const mine = new Stats(...args), theirs = new NodeStats(...args);
    expect(Object.keys(mine)).toEqual(Object.keys(theirs));
    expect({ ...mine }).toEqual({ ...theirs });
    expect(mine.isFile()).toBe(true);
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(mine))).toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf(theirs)));
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(Object.getPrototypeOf(mine))))
      .toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf(Object.getPrototypeOf(theirs))));
    function Sub(this: unknown) { (fs.Stats as unknown as (...a: number[]) => void).call(this, ...args); }
    Object.setPrototypeOf(Sub.prototype, (fs.Stats as unknown as { prototype: object }).prototype);
    const sub = new (Sub as unknown as new () => { size: number; isFile(): boolean })();
    expect([sub.size, sub.isFile()]).toEqual([10, true]);
  });

  it("Dirent, ReadStream, WriteStream and Dir have Node's prototype members", () => {
    const names = (c: unknown) => Object.getOwnPropertyNames((c as { prototype: object }).prototype).sort();
    expect(names(fs.Dirent)).toEqual(names(nodeDefault.Dirent));
    expect(names(fs.ReadStream)).toEqual(names(nodeDefault.ReadStream));
    expect(names(fs.WriteStream)).toEqual(names(nodeDefault.WriteStream));
    const dir = names(fs.Dir).filter((n) => n !== "next" && n !== "chunk" && n !== "readImpl" && n !== "readRecursive");
    expect(dir).toEqual(names(nodeDefault.Dir).filter((n) => n !== "processReadResult" && n !== "readSyncRecursive"));
    expect(fs.FileReadStream).toBe(fs.ReadStream);
    expect(Object.keys(new (fs.Dirent as unknown as new (...a: unknown[]) => object)("a", 1, "/x")))
      .toEqual(Object.keys(new (nodeDefault.Dirent as unknown as new (...a: unknown[]) => object)("a", 1, "/x")));
  });

  it("util.promisify(fs.read) and (fs.exists) resolve as in Node", async () => {
    const { promisify } = await import("../../../../libos/util/functions.ts");
    const env = freshEnv();
    fs.writeFileSync("p", "abc");
    const fd = fs.openSync("p", "r");
    const r = await env.settle(promisify(fs.read as never)(fd, new Uint8Array(3), 0, 3, 0) as Promise<{ bytesRead: number; buffer: Uint8Array }>);
    expect(r.bytesRead).toBe(3);
    expect(await env.settle(promisify(fs.exists as never)("p") as Promise<boolean>)).toBe(true);
    expect(await env.settle(promisify(fs.exists as never)("nope") as Promise<boolean>)).toBe(false);
  });
});

describe("what unijs does not have says so", () => {
  const code = (fn: () => unknown): [string, string, string] => {
    try {
      fn();
    } catch (e) {
      const err = e as Error & { code: string };
      return [err.constructor.name, err.code, err.message];
    }
    return ["none", "", ""];
  };

  it("fs.watch, watchFile, unwatchFile and promises.watch: ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, explaining why", () => {
    freshEnv();
    for (const fn of [() => fs.watch("."), () => fs.watchFile(".", () => {}), () => fs.unwatchFile("."), () => fsp.watch(".")]) {
      const [cls, c, message] = code(fn);
      expect(cls).toBe("TypeError");
      expect(c).toBe("ERR_FEATURE_UNAVAILABLE_ON_PLATFORM");
      expect(message).toMatch(/unavailable on the current platform.*no other writer/);
    }
  });

  it("openAsBlob checks its arguments as Node does, then refuses (no Blob)", () => {
    freshEnv();
    expect(code(() => fs.openAsBlob(5))[1]).toBe("ERR_INVALID_ARG_TYPE");
    expect(code(() => fs.openAsBlob("x", 5 as never))[1]).toBe("ERR_INVALID_ARG_TYPE");
    expect(code(() => fs.openAsBlob("x"))).toEqual(["Error", "ERR_METHOD_NOT_IMPLEMENTED", "The openAsBlob() method is not implemented (unijs has no Blob)"]);
  });

  it("FileHandle.readableWebStream and readLines refuse clearly", async () => {
    const env = freshEnv();
    fs.writeFileSync("f", "x");
    const fh = await env.settle(fsp.open("f"));
    expect(code(() => fh.readableWebStream())[2]).toMatch(/no web streams/);
    expect(code(() => fh.readLines())[2]).toMatch(/no node:readline/);
    await env.settle(fh.close());
    expect(code(() => fh.readableWebStream())[1]).toBe("ERR_INVALID_STATE");
  });
});
