// boot/debian_source.mjs: where the pinned C sources come from (the machine's Debian archive, read from its apt
// sources) and the checksum pin that refuses any other file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module (it runs at npm install, before TypeScript tooling)
import { ChecksumMismatch, debianArchivesIn, verifySha256 } from "../../boot/debian_source.mjs";
import { QUICKJS } from "../../boot/native/sources.mjs";

describe("the machine's Debian archive", () => {
  it("is read from deb822 .sources stanzas: main suites only, Signed-By kept, disabled stanzas skipped", () => {
    const text = [
      "Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n" +
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
      "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main",
      "Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main",
      "Enabled: no\nTypes: deb\nURIs: http://disabled.example/debian\nSuites: trixie\nComponents: main",
    ].join("\n\n");
    expect(debianArchivesIn([{ path: "/etc/apt/sources.list.d/debian.sources", text }])).toEqual([
      { uri: "http://mirror.example/debian", signedBy: "/usr/share/keyrings/debian-archive-keyring.gpg" },
    ]);
  });

  it("is read from one-line .list entries, with [signed-by=...] options", () => {
    const text = "# deb http://old.example/debian buster main\n" +
      "deb [arch=amd64 signed-by=/k.gpg] http://a.example/debian bookworm main contrib\n" +
      "deb http://security.example/debian-security bookworm-security main\n" +
      "deb https://packages.cloud.google.com/apt cloud-sdk main\n" +
      "deb-src http://b.example/debian sid main\n";
    expect(debianArchivesIn([{ path: "/etc/apt/sources.list", text }])).toEqual([
      { uri: "http://a.example/debian", signedBy: "/k.gpg" },
      { uri: "http://b.example/debian", signedBy: undefined },
    ]);
  });
});

describe("the SHA-256 pin", () => {
  it("accepts the pinned file and refuses any other, naming the expected and the found hash", () => {
    const dir = mkdtempSync(join(tmpdir(), "unijs-pin-"));
    try {
      const f = join(dir, "quickjs_2025.04.26.orig.tar.xz");
      writeFileSync(f, "not the tarball");
      const found = "22ef63b24d68f7b83395814f738f168eaa55129cdaf62183c7e07d14748881e8";
      expect(() => verifySha256(f, found)).not.toThrow();
      let err: unknown;
      try {
        verifySha256(f, QUICKJS.sha256, QUICKJS.tarball);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ChecksumMismatch);
      expect((err as Error).message).toBe(`${QUICKJS.tarball}: SHA-256 mismatch: expected ${QUICKJS.sha256}, found ${found}; ` +
        "the file is refused (a changed upstream tarball must be reviewed and pinned again in boot/native/sources.mjs)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the engine source in the cache is the pinned tarball's, with our patches applied", () => {
    const stamp = readFileSync(join(QUICKJS.cacheDir, ".sha256"), "utf8");
    expect(stamp.startsWith(QUICKJS.sha256)).toBe(true);
    expect(readFileSync(join(QUICKJS.cacheDir, "VERSION"), "utf8").trim()).toBe("2025-04-26");
    expect(readFileSync(join(QUICKJS.cacheDir, "quickjs.c"), "utf8")).toContain("unijs: a negative value modulo 2^bits");
  });
});
