// OCI images (`unijs image APP --oci DIR`, boot/image/oci.ts) of examples/http-server: the layout checked blob by
// blob (digests, sizes, diff_ids of the gunzipped layers, GNU tar's listing), read by the real tools — Debian's
// skopeo (inspect; copy, which verifies every digest) and umoci (unpack into runtime bundles) — and the
// self-running image run twice: its unpacked rootfs's entrypoint in a chroot (private mount, network and PID
// namespaces; curl from inside), and with podman when podman works on this machine (skipped with its error
// otherwise). Needs root (umoci unpack, unshare, chroot), as the namespaced tests do.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../boot/image/build.ts";
import { KERNEL_IN_IMAGE, OCI_REFS, uruncAnnotations, writeOciImages } from "../../boot/image/oci.ts";
import { findOnPath, lddPaths, QEMU_IN_IMAGE } from "../../boot/image/oci/qemu_files.ts";
import { ROOT } from "../../boot/paths.ts";
import { freeTcpPort } from "../helpers/ports.ts";

const run = promisify(execFile);
const has = (tool: string) => { try { findOnPath(tool); return true; } catch { return false; } };
const sha = (b: Uint8Array) => "sha256:" + createHash("sha256").update(b).digest("hex");

// podman takes the layout's path as an image name, which must be lower case.
const base = /[A-Z]/.test(tmpdir()) ? "/tmp" : tmpdir();
const work = join(base, `unijs-oci-${process.pid}-${Date.now().toString(36)}`);
const layout = join(work, "layout");
const elf = join(work, "http-server.elf");
let cliStderr = "";
const children: ChildProcess[] = [];

interface Desc { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }
const blob = (d: { digest: string }) => readFileSync(join(layout, "blobs/sha256", d.digest.slice(7)));
const json = <T>(d: { digest: string }) => JSON.parse(blob(d).toString("utf8")) as T;
function image(ref: string) {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: Desc[] };
  const m = index.manifests.find((x) => x.annotations?.["org.opencontainers.image.ref.name"] === ref) as Desc;
  const manifest = json<{ config: Desc; layers: Desc[]; annotations?: Record<string, string> }>(m);
  const config = json<{ config: { Entrypoint?: string[]; Labels?: Record<string, string>; ExposedPorts?: object }; rootfs: { diff_ids: string[] } }>(manifest.config);
  return { desc: m, manifest, config };
}

/** Kills a child (and, with a negative pid, its process group) by PID if it still runs. */
function kill(c: ChildProcess): void {
  if (c.pid && c.exitCode === null && c.signalCode === null) try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ }
}

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  const r = await run(process.execPath, ["--import", "tsx", join(ROOT, "boot/cli.ts"), "image", join(ROOT, "examples/http-server"), "-o", elf, "--oci", layout], { cwd: ROOT });
  cliStderr = r.stderr;
}, 120_000);

afterAll(() => {
  for (const c of children) kill(c);
  rmSync(work, { recursive: true, force: true });
});

describe("unijs image --oci: the layout", () => {
  it("the CLI names both images and how to run them", () => {
    expect(cliStderr).toMatch(/\[unijs\] built .*http-server.elf/);
    expect(cliStderr).toMatch(/oci:\S*layout:urunc .* for urunc/);
    expect(cliStderr).toMatch(/oci:\S*layout:qemu .* podman run --rm -p 8080:8080 \[--device \/dev\/kvm\] oci:\S*layout:qemu/);
  });

  it("is an image layout whose every blob has the digest and size its descriptors say", () => {
    expect(JSON.parse(readFileSync(join(layout, "oci-layout"), "utf8"))).toEqual({ imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(index.manifests.map((m: Desc) => m.annotations?.["org.opencontainers.image.ref.name"]).sort()).toEqual(["qemu", "urunc"]);
    const referenced = new Set<string>();
    const check = (d: Desc) => {
      const b = blob(d);
      expect(sha(b), d.digest).toBe(d.digest);
      expect(b.length).toBe(d.size);
      referenced.add(d.digest.slice(7));
    };
    for (const ref of [OCI_REFS.urunc, OCI_REFS.qemu]) {
      const { desc, manifest, config } = image(ref);
      check(desc);
      expect(desc.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
      check(manifest.config);
      expect(manifest.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
      expect(manifest.layers).toHaveLength(2);
      manifest.layers.forEach((l, i) => {
        check(l);
        expect(l.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
        expect(sha(gunzipSync(blob(l)))).toBe(config.rootfs.diff_ids[i]);
      });
    }
    // The kernel layer is one blob shared by both images; nothing else lies in blobs/ (no temporary file either).
    expect(image("urunc").manifest.layers[0].digest).toBe(image("qemu").manifest.layers[0].digest);
    expect(new Set(readdirSync(join(layout, "blobs/sha256")))).toEqual(referenced);
    expect(readdirSync(layout).sort()).toEqual(["blobs", "index.json", "oci-layout"]);
  });

  it("its layers list in GNU tar: the kernel at /unikernel/kernel, /urunc.json, QEMU with what it needs", () => {
    const list = (d: Desc) => {
      const file = join(work, d.digest.slice(7, 19) + ".tar.gz");
      writeFileSync(file, blob(d));
      return execFileSync("tar", ["-tvzf", file], { encoding: "utf8" }).trim().split("\n");
    };
    const [kernel, urunc] = image("urunc").manifest.layers.map(list);
    expect(kernel).toHaveLength(2);
    expect(kernel[0]).toMatch(/^drwxr-xr-x root\/root\s+0 1970-01-01 00:00 unikernel\/$/);
    expect(kernel[1]).toMatch(new RegExp(`^-rwxr-xr-x root/root\\s+${statSync(elf).size} 1970-01-01 00:00 unikernel/kernel$`));
    expect(urunc).toEqual([expect.stringMatching(/^-rw-r--r-- root\/root\s+\d+ 1970-01-01 00:00 urunc.json$/)]);
    const qemu = list(image("qemu").manifest.layers[1]).map((l) => l.split(/\s+/).slice(5).join(" "));
    const host = findOnPath("qemu-system-x86_64");
    for (const p of [QEMU_IN_IMAGE, "/usr/share/qemu/bios-microvm.bin", ...lddPaths(host)]) expect(qemu).toContain(p.slice(1));
  });

  it("gives the same digests when built again, and replaces its own images in an existing layout", async () => {
    const again = join(work, "again");
    const r = await writeOciImages({ image: elf, out: again, variants: ["urunc"], name: "http-server" });
    expect(r.images[0].manifest.digest).toBe(image("urunc").desc.digest);
    await writeOciImages({ image: elf, out: again, variants: ["urunc"], name: "http-server" });
    expect(JSON.parse(readFileSync(join(again, "index.json"), "utf8")).manifests).toHaveLength(1);
  });

  it("refuses a folder that is not a layout, a file that is not an image, and leaves them as they were", async () => {
    const folder = join(work, "not-a-layout");
    mkdirSync(folder);
    writeFileSync(join(folder, "notes.txt"), "mine");
    await expect(writeOciImages({ image: elf, out: folder, variants: ["urunc"] })).rejects.toThrow(
      `${folder} is neither empty nor an OCI image layout (it has no oci-layout file); give an empty or new folder`);
    expect(readdirSync(folder)).toEqual(["notes.txt"]);
    await expect(writeOciImages({ image: join(folder, "notes.txt"), out: join(work, "x"), variants: ["urunc"] })).rejects.toThrow(
      `${join(folder, "notes.txt")} is not a unijs image: not an ELF file (bad magic)`);
    expect(existsSync(join(work, "x"))).toBe(false);
  });
});

describe("unijs image --oci: skopeo and umoci read it", () => {
  const needs = (tool: string) => { if (!has(tool)) throw new Error(`${tool} is not installed (boot/setup.mjs installs Debian's ${tool}: run npm install)`); };

  it("skopeo inspect: urunc's annotations as labels and on the manifest, the layers, amd64/linux", async () => {
    needs("skopeo");
    const info = JSON.parse((await run("skopeo", ["inspect", `oci:${layout}:urunc`])).stdout);
    const want = { ...uruncAnnotations(), "org.opencontainers.image.title": "http-server" };
    expect(info.Labels).toEqual(want);
    expect(info.Architecture).toBe("amd64");
    expect(info.Os).toBe("linux");
    expect(info.Layers).toEqual(image("urunc").manifest.layers.map((l) => l.digest));
    expect(info.Digest).toBe(image("urunc").desc.digest);
    const raw = JSON.parse((await run("skopeo", ["inspect", "--raw", `oci:${layout}:urunc`])).stdout);
    expect(raw.annotations).toEqual(want);
    expect(raw.annotations["com.urunc.unikernel.unikernelType"]).toBe("unijs");
    expect(raw.annotations["com.urunc.unikernel.binary"]).toBe(KERNEL_IN_IMAGE);
    const config = JSON.parse((await run("skopeo", ["inspect", "--config", `oci:${layout}:qemu`])).stdout);
    expect(config.config.Entrypoint.slice(0, 3)).toEqual([QEMU_IN_IMAGE, "-L", "/usr/share/qemu"]);
    expect(config.config.Entrypoint.join(" ")).toContain("-kernel /unikernel/kernel");
    expect(config.config.ExposedPorts).toEqual({ "8080/tcp": {} });
  });

  it("skopeo copy verifies every blob of both images", async () => {
    needs("skopeo");
    for (const ref of ["urunc", "qemu"]) {
      await run("skopeo", ["copy", "--quiet", `oci:${layout}:${ref}`, `oci:${join(work, "copy")}:${ref}`]);
    }
    const index = JSON.parse(readFileSync(join(work, "copy/index.json"), "utf8"));
    expect(index.manifests.map((m: Desc) => m.digest).sort()).toEqual([image("urunc").desc.digest, image("qemu").desc.digest].sort());
  });

  it("umoci unpack (urunc): the kernel's bytes, /urunc.json's base64 values, the annotations in the bundle", async () => {
    needs("umoci");
    const bundle = join(work, "bundle-urunc");
    await run("umoci", ["unpack", ...(process.getuid?.() === 0 ? [] : ["--rootless"]), "--image", `${layout}:urunc`, bundle]);
    const rootfs = join(bundle, "rootfs");
    expect(readFileSync(join(rootfs, "unikernel/kernel")).equals(readFileSync(elf))).toBe(true);
    expect(statSync(join(rootfs, "unikernel/kernel")).mode & 0o777).toBe(0o755);
    const uruncJson = JSON.parse(readFileSync(join(rootfs, "urunc.json"), "utf8")) as Record<string, string>;
    expect(Object.fromEntries(Object.entries(uruncJson).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]))).toEqual(uruncAnnotations());
    const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8"));
    for (const [k, v] of Object.entries(uruncAnnotations())) expect(spec.annotations[k]).toBe(v);
    expect(readdirSync(rootfs).sort()).toEqual(["unikernel", "urunc.json"]);
  });
});

describe("unijs image --oci: the self-running image serves", () => {
  it("its unpacked rootfs's entrypoint boots the app in a chroot (QEMU from the image only), and an app's exit code leaves as QEMU's status", async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip("needs root for umoci unpack, unshare and chroot");
    if (!has("umoci")) throw new Error("umoci is not installed (boot/setup.mjs installs it: run npm install)");
    const bundle = join(work, "bundle-qemu");
    await run("umoci", ["unpack", "--image", `${layout}:qemu`, bundle]);
    const rootfs = join(bundle, "rootfs");
    const args = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")).process.args as string[];
    expect(args).toEqual(image("qemu").config.config.Entrypoint);
    expect(readFileSync(join(rootfs, QEMU_IN_IMAGE)).equals(readFileSync(findOnPath("qemu-system-x86_64")))).toBe(true);
    // The devices a container runtime would give (no /dev/kvm: TCG, as on this machine); everything else the
    // chroot holds came from the image. The guest's port 8080 is forwarded on the namespace's own loopback.
    mkdirSync(join(rootfs, "dev"), { recursive: true });
    const devs = ["null", "zero", "urandom", "random"];
    for (const d of devs) writeFileSync(join(rootfs, "dev", d), "");
    const script = `set -e
ip link set lo up
for d in ${devs.join(" ")}; do mount --bind /dev/$d "$R/dev/$d"; done
chroot "$R" "$@" > "$LOG" 2>&1 &
q=$!
i=0
until body=$(curl -sf -m 2 http://127.0.0.1:8080/); do
  i=$((i+1)); [ $i -lt 120 ] && kill -0 $q 2>/dev/null || { echo "no answer; QEMU: $(cat "$LOG")"; exit 1; }
  sleep 0.5
done
echo "BODY: $body"
kill $q`;
    const log = join(work, "chroot.log");
    const c = spawn("unshare", ["--mount", "--net", "--pid", "--fork", "--kill-child", "--propagation", "private", "sh", "-c", script, "sh", ...args],
      { env: { ...process.env, R: rootfs, LOG: log }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(c);
    let out = "";
    c.stdout?.on("data", (d) => (out += d));
    c.stderr?.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((res) => c.on("exit", (n) => res(n)));
    expect(out).toContain("BODY: Hello from unijs!");
    expect(code).toBe(0);
    expect(readFileSync(log, "utf8")).toContain("http-server listening on port 8080");

    // The same entrypoint with an app that exits 7: the container's status is QEMU's, 2 × 7 + 3 (boot/exit_codes.ts).
    const app = join(ROOT, "build/test-apps/oci-exit");
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, "index.ts"), 'console.log("exiting with 7");\nprocess.exit(7);\n');
    await buildImage({ app, out: join(rootfs, KERNEL_IN_IMAGE) });
    const exit = spawn("unshare", ["--mount", "--net", "--pid", "--fork", "--kill-child", "--propagation", "private", "sh", "-c",
      `for d in ${devs.join(" ")}; do mount --bind /dev/$d "$R/dev/$d"; done; exec chroot "$R" "$@"`, "sh", ...args],
      { env: { ...process.env, R: rootfs }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(exit);
    let exitOut = "";
    exit.stdout?.on("data", (d) => (exitOut += d));
    expect(await new Promise<number | null>((res) => exit.on("exit", (n) => res(n)))).toBe(17);
    expect(exitOut).toContain("exiting with 7");
  }, 90_000);

  it("podman run -p PORT:8080 oci:DIR:qemu serves on the host (skipped when podman cannot run containers here)", async (ctx) => {
    if (!has("podman")) ctx.skip("podman is not installed");
    const port = await freeTcpPort();
    const name = `unijs-oci-${process.pid}`;
    // Sandboxes without CAP_SYS_RESOURCE refuse podman's default rlimits (setrlimit: EPERM), and crun refuses a
    // cgroup v1 host whose cgroup v2 hierarchy has a controller ("hybrid mode"); runc copes with both.
    const workarounds = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", ...(has("runc") ? ["--runtime", "runc"] : [])];
    const failures: string[] = [];
    try {
      for (const extra of [[], workarounds]) {
        const c = spawn("podman", ["run", "--rm", "--name", name, ...extra, "-p", `127.0.0.1:${port}:8080`, `oci:${layout}:qemu`], { stdio: ["ignore", "pipe", "pipe"] });
        children.push(c);
        let out = "";
        c.stdout?.on("data", (d) => (out += d));
        c.stderr?.on("data", (d) => (out += d));
        const exited = new Promise<void>((res) => c.on("exit", () => res()));
        let body = "";
        for (let i = 0; i < 120 && c.exitCode === null && c.signalCode === null && !body; i++) {
          await new Promise((r) => setTimeout(r, 500));
          body = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text(), () => "");
        }
        if (body) {
          expect(body).toBe("Hello from unijs!\n");
          expect(out).toContain("http-server listening on port 8080");
          c.kill("SIGTERM");                          // podman passes it to QEMU, which stops; --rm removes the container
          await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
          kill(c);
          if (extra.length) console.log(`[oci.test] podman ran the image with ${extra.join(" ")} (${failures[0]})`);
          return;
        }
        kill(c);
        await exited;
        failures.push(out.trim().split("\n").filter((l) => /error/i.test(l)).at(-1) ?? out.trim().split("\n").at(-1) ?? "no output");
        spawnQuiet("podman", ["rm", "-f", name]);
      }
      ctx.skip(`podman cannot run containers on this machine: ${failures.join("; then, with " + workarounds.join(" ") + ": ")}`);
    } finally {
      spawnQuiet("podman", ["rm", "-f", name]);
      spawnQuiet("podman", ["rmi", "-f", image("qemu").manifest.config.digest.slice(7)]);
    }
  }, 150_000);
});

function spawnQuiet(cmd: string, args: string[]): void {
  try { execFileSync(cmd, args, { stdio: "ignore", timeout: 30_000 }); } catch { /* nothing to remove */ }
}
