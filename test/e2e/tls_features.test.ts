// e2e: node:tls features beyond the basics in a booted image, against host Node in the same test: client
// certificates end to end, session-ticket keys, exportKeyingMaterial and 'keylog', pfx (PKCS#12 files made by host
// openssl) and crypto.X509Certificate with the sockets' X509 getters (test/fixtures/tls_features).
// The fixture runs under host Node and in the image and the transcripts must match; its last cases talk to host
// Node across the wire (a host server and a host client), whose key log lines and exported keys for the same
// connection must equal the guest's. Certificates come from a test CA made with openssl at run time.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, buildFixture, scratch } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

let dir: string;
const pem = (f: string) => readFileSync(join(dir, f), "utf8");
const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

/** An EC P-256 leaf for `cn` signed by `ca`. */
function leaf(name: string, cn: string, ca: string, san: string): void {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
  openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`,
    "-days", "30", "-extfile", `${name}.ext`]);
}

const servers: tls.Server[] = [];
const hostPorts: Record<string, number> = {};

beforeAll(async () => {
  dir = join(scratch(), "tls-feature-certs");
  mkdirSync(dir, { recursive: true });
  for (const [name, cn] of [["ca", "unijs feature CA"], ["other", "another CA"]]) {
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`,
      "-out", `${name}.crt`, "-days", "30", "-subj", `/CN=${cn}`]);
  }
  leaf("srv", "localhost", "ca", "DNS:localhost,IP:127.0.0.1");
  leaf("cli", "unijs client", "ca", "DNS:client.test");
  leaf("stranger", "stranger", "other", "DNS:stranger.test");
  // PKCS#12 files as OpenSSL 3 writes them by default (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC; HMAC-SHA256 MAC).
  openssl(["pkcs12", "-export", "-inkey", "srv.key", "-in", "srv.crt", "-certfile", "ca.crt", "-passout", "pass:secret", "-out", "srv.p12"]);
  openssl(["pkcs12", "-export", "-inkey", "cli.key", "-in", "cli.crt", "-passout", "pass:clipass", "-out", "cli.p12"]);
  openssl(["pkcs12", "-export", "-inkey", "srv.key", "-in", "srv.crt", "-passout", "pass:", "-out", "nopass.p12"]);
  // Host servers: each sends the client, for this connection, its key log lines and 48 bytes of keying material.
  for (const [name, maxVersion] of [["host13", "TLSv1.3"], ["host12", "TLSv1.2"]] as const) {
    const lines = new Map<tls.TLSSocket, string[]>();
    const server = tls.createServer({ key: pem("srv.key"), cert: pem("srv.crt"), maxVersion }, (s) => {
      s.on("error", () => {});
      s.on("data", () => {
        const ekm = s.exportKeyingMaterial(48, "EXPORTER-unijs-host", Buffer.from("context")).toString("hex");
        s.write(JSON.stringify({ lines: lines.get(s) ?? [], ekm }) + "\n");
      });
    });
    server.on("keylog", (l: Buffer, s: tls.TLSSocket) => { if (!lines.has(s)) lines.set(s, []); lines.get(s)!.push(l.toString("latin1")); });
    const port = await freeTcpPort();
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    servers.push(server);
    hostPorts[name] = port;
  }
}, 60_000);

afterAll(() => {
  for (const s of servers) s.close();
});

/** Host Node's client to the fixture's server: sends its key log lines and keying material for the connection. */
function hostClient(port: number, maxVersion: tls.SecureVersion): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const s = tls.connect({ host: "127.0.0.1", port, ca: pem("ca.crt"), servername: "localhost", maxVersion }, () => {
      const ekm = s.exportKeyingMaterial(48, "EXPORTER-unijs-guest", undefined as unknown as Buffer).toString("hex");
      s.write(JSON.stringify({ lines, ekm }) + "\n");
    });
    s.on("keylog", (l) => lines.push(l.toString("latin1")));
    let got = "";
    s.on("data", (d) => (got += d));
    s.on("end", () => resolve(got));
    s.on("error", reject);
  });
}

async function waitFor(read: () => string, what: string, ms = 120_000, ended?: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!read().includes(what)) {
    if (Date.now() - t0 > ms || ended?.()) throw new Error(`no "${what}" after ${Date.now() - t0} ms:\n${read()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("node:tls features in the guest against host Node", () => {
  it("client certificates, ticket keys, exportKeyingMaterial and keylog as host Node (transcripts equal)", async () => {
    const names = Object.keys(hostPorts);
    const planFor = (guest: boolean) => JSON.stringify({
      pem: { ca: pem("ca.crt"), srvKey: pem("srv.key"), srvCert: pem("srv.crt"), cliKey: pem("cli.key"), cliCert: pem("cli.crt"),
        otherKey: pem("stranger.key"), otherCert: pem("stranger.crt") },
      pfx: Object.fromEntries(["srv", "cli", "nopass"].map((n) => [n, readFileSync(join(dir, `${n}.p12`)).toString("base64")])),
      servers: Object.fromEntries(names.map((n, i) => [n, guest ? { host: "10.0.2.100", port: 1000 + i } : { host: "127.0.0.1", port: hostPorts[n] }])),
    });
    const fixture = join(ROOT, "test/fixtures/tls_features/main.cjs");
    // Host Node first.
    const hostPort = await freeTcpPort();
    const child = spawn(process.execPath, [fixture], { env: { ...process.env, FEAT: planFor(false), PORT: String(hostPort) } });
    let hostOut = "";
    child.stdout.on("data", (d) => (hostOut += d));
    child.stderr.on("data", (d) => (hostOut += d));
    let hostEnded = false;
    const hostDone = new Promise((r) => child.on("close", () => { hostEnded = true; r(undefined); }));
    await waitFor(() => hostOut, "listening", 120_000, () => hostEnded);
    expect(await hostClient(hostPort, "TLSv1.3")).toBe("ok\n");
    expect(await hostClient(hostPort, "TLSv1.2")).toBe("ok\n");
    await hostDone;
    // Then the image.
    const t0 = Date.now();
    const img = await buildFixture(fixture, { env: { FEAT: planFor(true), PORT: "8443" } });
    const fwd = await freeTcpPort();
    let output = "";
    const g = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 400_000, onOutput: (t) => { output += t; },
      net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: fwd, guestPort: 8443 }],
        guestfwd: names.map((n, i) => ({ guestIp: "10.0.2.100", guestPort: 1000 + i, hostPort: hostPorts[n] })) } });
    try {
      let guestEnded = false;
      void g.done.then(() => { guestEnded = true; });
      await waitFor(() => output, "listening", 300_000, () => guestEnded);
      expect(await hostClient(fwd, "TLSv1.3")).toBe("ok\n");
      expect(await hostClient(fwd, "TLSv1.2")).toBe("ok\n");
      const r = await g.done;
      console.log(`[tls_features] image run ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(r.output.split("\n")).toEqual(hostOut.split("\n"));
    } finally {
      g.kill();
    }
    const out = hostOut;
    expect(out).toMatch(/^TLSv1\.3 with-cert secureConnect authorized=true data pong ping server secure authorized=true error=null peer=unijs client issuer=unijs feature CA true$/m);
    expect(out).toMatch(/^TLSv1\.3 no-cert .*error ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED.* server tlsClientError ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE$/m);
    expect(out).toMatch(/^TLSv1\.2 no-cert error ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE server tlsClientError ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE$/m);
    expect(out).toContain("TLSv1.3 session true same-keys true other-keys false");
    expect(out).toMatch(/^TLSv1\.2 resumed-with-cert .* reused=true server secure authorized=true error=null peer=unijs client/m);
    expect(out).toContain("TLSv1.3 after setTicketKeys true reused false");
    expect(out).toMatch(/^TLSv1\.3 ekm 64 40 client=server true/m);
    expect(out).toMatch(/^TLSv1\.2 ekm 64 40 client=server true/m);
    expect(out).toMatch(/^host13 keylog CLIENT_HANDSHAKE_TRAFFIC_SECRET,CLIENT_TRAFFIC_SECRET_0,EXPORTER_SECRET,SERVER_HANDSHAKE_TRAFFIC_SECRET,SERVER_TRAFFIC_SECRET_0 equal to the host server's true ekm equal true$/m);
    expect(out).toContain("host12 keylog CLIENT_RANDOM equal to the host server's true ekm equal true");
    expect(out).toMatch(/^guest-server TLSv1\.3 keylog .* equal to the host client's true ekm equal true$/m);
    expect(out).toMatch(/^guest-server TLSv1\.2 keylog CLIENT_RANDOM equal to the host client's true ekm equal true$/m);
    expect(out).toMatch(/^pfx secureConnect authorized=true data pong ping client peer=localhost issuer=unijs feature CA protocol=TLSv1\.3 server authorized=true peer=unijs client$/m);
    expect(out).toContain("pfx wrong passphrase  mac verify failure");
    expect(out).toContain("pfx no password set ok");
    expect(out).toContain("x509 checkIssued true false false true");
    expect(out).toContain("x509 verify true false false true");
    expect(out).toContain("x509 client socket true CN=localhost true ");
    expect(out.trim().endsWith("done")).toBe(true);
  }, 600_000);
});
