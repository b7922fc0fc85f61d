// test/e2e/web_globals.test.ts — the web globals in a booted image against host Node 20: the fixture
// (test/fixtures/web_globals/main.mjs) runs under host Node and in the guest against the same host-side HTTP server
// (the guest reaches it through QEMU's guestfwd at 10.0.2.100:80), and the transcripts must be equal line by line,
// but for the "only:" lines, which are checked on their own (navigator exists only in the image). https: the same
// server over TLS with a self-signed certificate made here with openssl (host Node trusts it through
// NODE_EXTRA_CA_CERTS, the image through --ca; the guest reaches it at 10.0.2.101:443). Then: images that do not
// name the globals carry none of their code.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { startServer } from "../fixtures/web_globals/server.mjs";
import { ACCEL, boot, buildFixture, scratch } from "../helpers/guest.ts";

const FIXTURE = join(ROOT, "test/fixtures/web_globals/main.mjs");
const shared = (t: string) => t.split("\n").filter((l) => !l.startsWith("only: "));

describe("web globals against host Node 20", () => {
  it("DOMException, events, abort, structuredClone, base64, Blob, fetch family: the transcript equals host Node's", async () => {
    const dir = scratch();
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", "wg.key", "-out", "wg.crt", "-days", "2", "-subj", "/CN=web globals test",
      "-addext", "subjectAltName=IP:127.0.0.1,IP:10.0.2.101"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    const cert = join(dir, "wg.crt");
    const server = await startServer();
    const secure = await startServer(0, { key: readFileSync(join(dir, "wg.key"), "utf8"), cert: readFileSync(cert, "utf8") });
    const port = (server.address() as { port: number }).port;
    const tlsPort = (secure.address() as { port: number }).port;
    try {
      const host = await promisify(execFile)(process.execPath, [FIXTURE, `http://127.0.0.1:${port}`, `https://127.0.0.1:${tlsPort}`],
        { encoding: "utf8", timeout: 60_000, env: { ...process.env, NODE_EXTRA_CA_CERTS: cert } });
      expect(host.stdout).toContain("\nhttps POST over TLS\n");
      expect(host.stdout).toContain("\ndone\n");
      const img = await buildFixture(FIXTURE, { args: ["http://10.0.2.100", "https://10.0.2.101"], ca: [cert] });
      const g = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 300_000,
        net: { kind: "user", guestfwd: [{ guestIp: "10.0.2.100", guestPort: 80, hostPort: port },
          { guestIp: "10.0.2.101", guestPort: 443, hostPort: tlsPort }] } });
      const r = await g.done;
      const a = shared(host.stdout), b = shared(r.output.replace(/\r\n/g, "\n"));
      for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i}: ${b[i]}`).toBe(`${i}: ${a[i]}`);
      expect(r.output).toContain("only: navigator [\"Node.js/20\",1,\"Linux x86_64\",\"en-US\"]");
      expect(r.code).toBe(0);
    } finally {
      for (const s of [server, secure]) {
        s.closeAllConnections();
        s.close();
      }
    }
  }, 600_000);
});

describe("tree-shaking", () => {
  it("an image naming only AbortController carries no fetch, http or streams; hello carries no web globals", async () => {
    const img = await buildFixture(join(ROOT, "test/fixtures/web_globals/abort_only.mjs"));
    const paths = img.modules.map((m) => m.path);
    expect(paths).toContain("libos/web/abort.ts");
    expect(paths.filter((p) => /^libos\/(web\/fetch|web\/streams|web\/blob|web\/structured_clone|http)\//.test(p) ||
      p === "libos/web/blob.ts" || p === "libos/web/structured_clone.ts")).toEqual([]);
    const r = await boot(img.path, { timeoutMs: 120_000 });
    expect(r.output).toContain("aborted AbortError\n");
    expect(r.code).toBe(0);
    const hello = await buildFixture(join(ROOT, "examples/hello"));
    expect(hello.modules.map((m) => m.path).filter((p) => p.startsWith("libos/web") || p.startsWith("libos/globals"))).toEqual([]);
  }, 300_000);
});
