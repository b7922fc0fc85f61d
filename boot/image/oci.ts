// boot/image/oci.ts — `unijs image APP --oci DIR`: the image as OCI container images ("another type of
// container"), written as an OCI image layout (oci-layout, index.json, blobs/sha256/) with two images in its index:
//
//   oci:DIR:urunc  for urunc (github.com/urunc-dev/urunc), the unikernel container runtime: the kernel at
//                  /unikernel/kernel, urunc's annotations (on the manifest and as config labels) and /urunc.json
//                  (the same values base64-encoded, for front ends such as Docker that drop image annotations).
//   oci:DIR:qemu   self-running, for any OCI runtime (podman, docker, crun, runc): the same kernel layer plus a layer
//                  with the host's QEMU (its libraries, the TCG module, microvm's firmware: oci/qemu_files.ts); the
//                  entrypoint is QEMU itself with the whole command line in the config's Entrypoint (no shell, no
//                  base image). `podman run --rm -p 8080:8080 oci:DIR:qemu` serves the app; QEMU forwards the
//                  container's ports (`ports`, default 8080) to the guest and uses KVM when the container has
//                  /dev/kvm (`--device /dev/kvm`; not a PVM-backed one, on which QEMU aborts), TCG otherwise.
//                  Arguments after the image name are more QEMU arguments (Cmd), e.g. `-m 512M`. The container's exit status is QEMU's: 2 × code + 3 for an
//                  app that exits with `code` (isa-debug-exit gets code + 1: boot/exit_codes.ts); hello's 0 gives 3.
//
// Layers are ustar archives built here (oci/tar.ts) and gzip-compressed with node:zlib; every entry has one fixed
// time (SOURCE_DATE_EPOCH, else 0), so the same inputs give the same digests. Nothing is pulled; no tool runs except
// `ldd` on the host's QEMU.
//
// What urunc needs upstream to run oci:DIR:urunc (urunc 2025-06, pkg/unikontainers): urunc knows the unikernel types
// unikraft, rumprun, mirage, mewz and linux (`unikernels.New`), so
//   - com.urunc.unikernel.unikernelType = "unijs" needs a new type in pkg/unikontainers/unikernels (unijs.go) whose
//     MonitorCli("qemu") adds `-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04` (how a unijs app's exit
//     code leaves the VM) and `-object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0`
//     (mixed into the guest's entropy pool; without it the pool has only the CPU's RDSEED/RDRAND). urunc's qemu
//     defaults fit unijs as they are: the `pc` machine with `-kernel` (unijs boots as a PVH ELF), `-cpu host -enable-kvm`,
//     `-nographic` (the console on the serial port), `-net nic,model=virtio` + tap (a transitional virtio-net-pci
//     device, which unijs's modern virtio driver accepts), virtio-blk-pci for a block device. (Checked by hand: that
//     line, SeaBIOS and an empty -append, serves examples/http-server under TCG, DHCP coming from slirp.)
//   - CommandString: urunc gives the guest the container's address (EthDeviceIP/Mask/Gateway) on the command line
//     and runs no DHCP server on the tap, while unijs today configures its network by DHCP or from the image
//     (`--ip`), not from the command line. Both sides need a change: unijs reading e.g.
//     `unijs.ip=10.0.0.2/24 unijs.gw=10.0.0.1` from the kernel command line, and the "unijs" type emitting that.
//     Arguments and environment are built into the image, so Process.Args/Env are not needed (unijs ignores
//     command-line words it does not know; com.urunc.unikernel.cmdline is empty).
//   - SupportsBlock: false for now (unijs's mounts are fixed in the image: `--mount PATH=vda`); a block annotation
//     would need unijs to take its mount point from the command line.
//   - com.urunc.unikernel.hypervisor = "qemu", the one monitor unijs is tested with (firecracker is untried; hvt and
//     spt run solo5 guests, which unijs is not).
// Layer: build tools (host only).

import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { ROOT } from "../paths.ts";
import { decodeAppHeader, findAppBlob } from "./blob.ts";
import { DEFAULT_MEM } from "./build.ts";
import { readElf } from "./elf.ts";
import { MEDIA, OciLayout, sha256, type Descriptor } from "./oci/layout.ts";
import { hostQemuFiles, QEMU_DATA_DIR, QEMU_IN_IMAGE } from "./oci/qemu_files.ts";
import { tarArchive, type TarEntry } from "./oci/tar.ts";

const gzipAsync = promisify(gzip);

/** Where the images hold the kernel (com.urunc.unikernel.binary). */
export const KERNEL_IN_IMAGE = "/unikernel/kernel";
export const URUNC_JSON = "/urunc.json";
/** The refs (org.opencontainers.image.ref.name) of the two images in the layout's index. */
export const OCI_REFS = { urunc: "urunc", qemu: "qemu" } as const;

/** What writeOciImages packages, where, and how the self-running image boots it. */
export interface OciOptions {
  /** The unikernel image (ELF) to package. */
  image: string;
  /** The image layout's folder: created if missing; an existing layout keeps its other images. */
  out: string;
  /** Which images to write (default both). */
  variants?: ("urunc" | "qemu")[];
  /** The app's name (org.opencontainers.image.title). */
  name?: string;
  /** Guest RAM for the self-running image (default: the image's own memory hint). */
  memBytes?: number;
  /** Guest TCP ports the self-running image forwards from the container's (default [8080]). */
  ports?: number[];
  /** The QEMU binary to carry (default: qemu-system-x86_64 on PATH). */
  qemu?: string;
  /** Every archive entry's time and the config's `created` (default SOURCE_DATE_EPOCH, else 0). */
  epochSeconds?: number;
}

/** One image written: its name in the index, its manifest and config blobs, its layers. */
export interface OciImage {
  ref: string;
  manifest: Descriptor;
  config: Descriptor;
  /** Each layer's compressed blob and its uncompressed size. */
  layers: (Descriptor & { tarBytes: number })[];
}

/** What writeOciImages wrote: the layout folder and the images now named in its index. */
export interface OciResult {
  dir: string;
  images: OciImage[];
}

function unijsVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** urunc's annotations for a unijs kernel at KERNEL_IN_IMAGE (see the header: "unijs" is not yet an urunc type). */
export function uruncAnnotations(version = unijsVersion()): Record<string, string> {
  return {
    "com.urunc.unikernel.unikernelType": "unijs",
    "com.urunc.unikernel.unikernelVersion": version,
    "com.urunc.unikernel.hypervisor": "qemu",
    "com.urunc.unikernel.binary": KERNEL_IN_IMAGE,
    "com.urunc.unikernel.cmdline": "",
    "com.urunc.unikernel.useDMBlock": "false",
  };
}

/** /urunc.json: the annotations with base64 values, as urunc's getConfigFromJSON reads them. */
export function uruncJson(annotations: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, Buffer.from(v).toString("base64")])));
}

/** The self-running image's entrypoint: QEMU with the microvm line of boot/launch/qemu.ts, KVM else TCG. */
export function qemuEntrypoint(memBytes: number, ports: number[]): string[] {
  const fwd = ports.map((p) => `,hostfwd=tcp::${p}-:${p}`).join("");
  return [
    QEMU_IN_IMAGE, "-L", QEMU_DATA_DIR,
    "-M", "microvm,x-option-roms=off,rtc=on,ioapic2=off", "-global", "virtio-mmio.force-legacy=false",
    // KVM when the container was given /dev/kvm, else QEMU says so on stderr and falls back to TCG.
    "-accel", "kvm", "-accel", "tcg", "-cpu", "max",
    "-m", `${Math.max(16, Math.round(memBytes / (1024 * 1024)))}M`,
    "-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-serial", "stdio",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-kernel", KERNEL_IN_IMAGE,
    // The container is the sandbox: the guest reaches out through it (no restrict=on), the forwards listen on all
    // of the container's addresses so that the runtime's port mapping reaches them.
    "-netdev", `user,id=net0${fwd}`, "-device", "virtio-net-device,netdev=net0,rx_queue_size=1024",
    "-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-device,rng=rng0",
  ];
}

interface Layer { blob: Descriptor; diffId: string; tarBytes: number; what: string }

async function putLayer(layout: OciLayout, entries: TarEntry[], epoch: number, what: string): Promise<Layer> {
  const tar = tarArchive(entries, epoch);
  const gz = await gzipAsync(tar, { level: 6 });
  return { blob: layout.putBlob(MEDIA.layerGzip, gz), diffId: sha256(tar), tarBytes: tar.length, what };
}

function putImage(layout: OciLayout, ref: string, layers: Layer[], config: Record<string, unknown>,
  annotations: Record<string, string>, epoch: number): OciImage {
  const created = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, "Z");
  const configDesc = layout.putJson(MEDIA.config, {
    created,
    architecture: "amd64",
    os: "linux",
    config,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((l) => ({ created, created_by: `unijs image --oci: ${l.what}` })),
  });
  const manifest = layout.putJson(MEDIA.manifest, {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: configDesc,
    layers: layers.map((l) => l.blob),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  });
  const platform = { architecture: "amd64", os: "linux" };
  layout.tag(ref, { ...manifest, platform });
  return { ref, manifest, config: configDesc, layers: layers.map((l) => ({ ...l.blob, tarBytes: l.tarBytes })) };
}

/**
 * Writes the OCI images of a unikernel image into the layout at `o.out` (see the file header). Throws Error for an
 * image that is not an x86-64 ELF, an `out` that is a file or a non-empty folder without an oci-layout, and (for
 * the self-running image) a host without QEMU or its firmware; nothing is added to the index then.
 *
 * @example await writeOciImages({ image: "build/images/app.elf", out: "out" }) // oci:out:urunc, oci:out:qemu
 */
export async function writeOciImages(o: OciOptions): Promise<OciResult> {
  const kernel = readFileSync(o.image);
  try {
    readElf(kernel);
  } catch (e) {
    throw new Error(`${o.image} is not a unijs image: ${(e as Error).message}`);
  }
  const at = findAppBlob(kernel);
  const memBytes = o.memBytes ?? (at >= 0 ? decodeAppHeader(kernel.subarray(at)).memHint : DEFAULT_MEM);
  const ports = o.ports ?? [8080];
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`port ${p} is not a TCP port (1-65535)`);
  const variants = o.variants ?? ["urunc", "qemu"];
  const envEpoch = Number(process.env.SOURCE_DATE_EPOCH);
  const epoch = o.epochSeconds ?? (Number.isInteger(envEpoch) && envEpoch >= 0 ? envEpoch : 0);
  // Read the host's QEMU before anything is written, so that a missing one leaves the layout as it was.
  const qemuFiles = variants.includes("qemu") ? hostQemuFiles(o.qemu) : [];

  const layout = OciLayout.open(o.out);
  const annotations = uruncAnnotations();
  const title: Record<string, string> = o.name ? { "org.opencontainers.image.title": o.name } : {};
  const kernelLayer = await putLayer(layout, [{ type: "file", path: KERNEL_IN_IMAGE, data: kernel, mode: 0o755 }], epoch, `the unikernel at ${KERNEL_IN_IMAGE}`);
  const images: OciImage[] = [];
  if (variants.includes("urunc")) {
    const json = await putLayer(layout, [{ type: "file", path: URUNC_JSON, data: Buffer.from(uruncJson(annotations)) }], epoch, `${URUNC_JSON} (urunc's annotations, base64)`);
    images.push(putImage(layout, OCI_REFS.urunc, [kernelLayer, json], { Labels: { ...annotations, ...title } }, { ...annotations, ...title }, epoch));
  }
  if (variants.includes("qemu")) {
    const qemu = await putLayer(layout, qemuFiles, epoch, "the host's QEMU with its libraries and microvm's firmware");
    images.push(putImage(layout, OCI_REFS.qemu, [kernelLayer, qemu], {
      Entrypoint: qemuEntrypoint(memBytes, ports),
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
      ...(o.name ? { Labels: title } : {}),
    }, title, epoch));
  }
  layout.commit();
  return { dir: o.out, images };
}

/**
 * `unijs image APP --oci DIR`: writes both images of the built image `image` into DIR and says on stderr how to
 * use them. Throws as writeOciImages does.
 */
export async function writeOciForCli(image: string, dir: string, name?: string): Promise<OciResult> {
  const t0 = performance.now();
  const r = await writeOciImages({ image, out: dir, name });
  const abs = resolve(dir);
  const near = relative(process.cwd(), abs) || ".";
  const rel = near.startsWith("..") ? abs : near;
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  const size = (i: OciImage) => mib(i.layers.reduce((s, l) => s + l.size, 0));
  const by = (ref: string) => r.images.find((i) => i.ref === ref) as OciImage;
  process.stderr.write(
    `[unijs] OCI image layout ${rel} in ${(performance.now() - t0).toFixed(0)} ms:\n` +
      `         oci:${rel}:${OCI_REFS.urunc}  ${size(by(OCI_REFS.urunc)).padStart(9)}  for urunc (unikernelType "unijs")\n` +
      `         oci:${rel}:${OCI_REFS.qemu}   ${size(by(OCI_REFS.qemu)).padStart(9)}  self-running: podman run --rm -p 8080:8080 [--device /dev/kvm] oci:${rel}:${OCI_REFS.qemu}\n`,
  );
  return r;
}
