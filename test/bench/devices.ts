// test/bench/devices.ts — device throughput inside a TCG microvm guest. (1) virtio-blk: the bench-blk fixture reads
// a 64 MiB disk image sequentially in 1 MiB calls, then writes it and flushes, timing itself with performance.now();
// the host parses the figures and checks the stamps the guest wrote. (2) virtio-net: the bench-net fixture echoes
// raw Ethernet frames that a Node peer on 127.0.0.1 sends through QEMU's UDP socket backend, a window of frames in
// flight; the peer times the round trips. Medians over several boots. With --linux, the same disk figures from a
// Debian kernel + busybox guest in the same QEMU (test/bench/linux/). Prints figures; never asserts on them.
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { CHUNK, WRITE_STAMP } from "../fixtures/bench-blk/layout.ts";
import { freeUdpPort } from "../helpers/ports.ts";
import { linuxBlkRun, prepareLinuxGuest, type LinuxBlkFigures } from "./linux/guest.ts";
import { median, table } from "./stats.ts";

const DISK_BYTES = 64 * 1024 * 1024;
const MiB = 1024 * 1024;
const ETHERTYPE = 0x88b5;
const PEER_MAC = [0x02, 0, 0, 0, 0, 0x01];
const FRAME_SIZES = [64, 1514];
const WINDOW = 64;
const WARMUP_FRAMES = 200;
const STALL_MS = 1000;

/** Every QEMU this benchmark started and has not seen exit: killed by PID on the way out, whatever happens. */
const live = new Set<Guest>();
function track(g: Guest): Guest {
  live.add(g);
  void g.done.then(() => live.delete(g));
  return g;
}
function killAll(): void {
  for (const g of live) g.kill();
  live.clear();
}

// ---------------------------------------------------------------------------------------------- virtio-blk ----

interface BlkFigures { readMBs: number; writeMBs: number; writeFlushMBs: number }

/** A fresh 64 MiB disk image with every MiB stamped with its index in its first 4 bytes. */
function makeDisk(path: string): void {
  const img = Buffer.alloc(DISK_BYTES);
  for (let i = 0; i < DISK_BYTES / CHUNK; i++) img.writeUInt32LE(i, i * CHUNK);
  writeFileSync(path, img);
}

/** Throws unless the guest left index ^ WRITE_STAMP at the start of every MiB. */
function checkWritten(path: string): void {
  const img = readFileSync(path);
  for (let i = 0; i < DISK_BYTES / CHUNK; i++) {
    const got = img.readUInt32LE(i * CHUNK), want = (i ^ WRITE_STAMP) >>> 0;
    if (got !== want) throw new Error(`bench-blk: MiB ${i} of the disk holds stamp ${got.toString(16)}, not ${want.toString(16)}`);
  }
}

async function blkRun(image: string, disk: string): Promise<BlkFigures> {
  makeDisk(disk);
  const g = track(startGuest({ image, accel: "tcg", machine: "microvm", memBytes: 256 * MiB, timeoutMs: 120_000, disks: [{ path: disk }] }));
  const r = await g.done;
  const read = /^bench-blk read (\d+) ms ([\d.]+) stamps (.*)$/m.exec(r.output);
  const write = /^bench-blk write (\d+) ms ([\d.]+) flush-ms ([\d.]+)$/m.exec(r.output);
  if (r.code !== 0 || !read || !write) throw new Error(`bench-blk guest failed (${r.outcome} ${r.code}):\n${r.output}${r.stderr}`);
  if (read[3] !== "ok") throw new Error(`bench-blk: the guest read wrong data (${read[3]})`);
  checkWritten(disk);
  const mbs = (bytes: string, ms: number) => Number(bytes) / MiB / (ms / 1000);
  return {
    readMBs: mbs(read[1], Number(read[2])),
    writeMBs: mbs(write[1], Number(write[2])),
    writeFlushMBs: mbs(write[1], Number(write[2]) + Number(write[3])),
  };
}

// ---------------------------------------------------------------------------------------------- virtio-net ----

interface NetFigures { fps: number; mbs: number; lost: number; bad: number }

function frame(size: number, phase: number, seq: number, guestMac: number[]): Buffer {
  const f = Buffer.alloc(size);
  f.set(guestMac, 0);
  f.set(PEER_MAC, 6);
  f.writeUInt16BE(ETHERTYPE, 12);
  f[14] = 0x46;                        // "F": never mistaken for BYE
  f[15] = phase;
  f.writeUInt32BE(seq, 16);
  for (let i = 20; i < size; i += 64) f[i] = (seq + i) & 0xff;
  return f;
}

/**
 * One boot of the echo guest: for each frame size, a warm-up and then `frames` frames with WINDOW in flight,
 * timed from the first send to the last echo. A window that makes no progress for STALL_MS counts its frames as
 * lost and goes on.
 */
async function netRun(image: string, frames: number): Promise<Map<number, NetFigures>> {
  const peer: Socket = createSocket("udp4");
  await new Promise<void>((r) => peer.bind(0, "127.0.0.1", r));
  const peerPort = peer.address().port;
  const qemuPort = await freeUdpPort();
  const g = track(startGuest({ image, accel: "tcg", machine: "microvm", timeoutMs: 120_000,
    net: { kind: "udp", localPort: qemuPort, remotePort: peerPort } }));
  let onFrame: (msg: Buffer) => void = () => {};
  peer.on("message", (msg) => { if (msg.length >= 20 && msg.readUInt16BE(12) === ETHERTYPE) onFrame(msg); });
  const out = new Map<number, NetFigures>();
  try {
    const guestMac = await new Promise<number[]>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("bench-net: no HELLO from the guest in 60 s")), 60_000);
      void g.done.then((r) => reject(new Error(`bench-net guest exited early (${r.outcome} ${r.code}):\n${r.output}${r.stderr}`)));
      onFrame = (msg) => {
        if (msg.toString("latin1", 14, 19) !== "HELLO") return;
        clearTimeout(t);
        resolve([...msg.subarray(6, 12)]);
      };
    });
    let phase = 0;
    const exchange = (size: number, n: number) => new Promise<NetFigures & { ms: number }>((resolve) => {
      const tag = ++phase;
      let sent = 0, received = 0, lost = 0, bad = 0, t0 = 0;
      let stall: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(stall);
        onFrame = () => {};
        const ms = performance.now() - t0;
        resolve({ ms, fps: received / (ms / 1000), mbs: (received * size) / MiB / (ms / 1000), lost, bad });
      };
      const arm = () => {
        clearTimeout(stall);
        stall = setTimeout(() => {          // the window is stuck: count what is out as lost, go on
          lost += sent - received - lost;
          if (sent === n) finish(); else { arm(); pump(); }
        }, STALL_MS);
      };
      const pump = () => {
        while (sent < n && sent - received - lost < WINDOW) peer.send(frame(size, tag, sent++, guestMac), qemuPort, "127.0.0.1");
      };
      onFrame = (msg) => {
        if (msg[15] !== tag) return;
        if (msg.length !== size || msg.readUInt32BE(16) >= n || !msg.subarray(0, 6).equals(Buffer.from(PEER_MAC))) bad++;
        received++;
        if (received + lost >= n) finish();
        else { arm(); pump(); }
      };
      t0 = performance.now();
      arm();
      pump();
    });
    for (const size of FRAME_SIZES) {
      await exchange(size, WARMUP_FRAMES);
      const f = await exchange(size, frames);
      out.set(size, { fps: f.fps, mbs: f.mbs, lost: f.lost, bad: f.bad });
    }
    const bye = Buffer.alloc(60);
    bye.set(guestMac, 0);
    bye.set(PEER_MAC, 6);
    bye.writeUInt16BE(ETHERTYPE, 12);
    bye.write("BYE", 14, "latin1");
    peer.send(bye, qemuPort, "127.0.0.1");
    const r = await g.done;
    if (r.code !== 0 || !/bench-net bye after echoing/.test(r.output)) {
      throw new Error(`bench-net guest did not end cleanly (${r.outcome} ${r.code}):\n${r.output}${r.stderr}`);
    }
    return out;
  } finally {
    g.kill();
    peer.close();
  }
}

// ----------------------------------------------------------------------------------------------------- main ----

export async function benchDevices(runs: number, args: string[] = []): Promise<void> {
  const n = Math.max(3, Math.min(runs, 5));
  const frames = 5000;
  const dir = mkdtempSync(join(tmpdir(), "unijs-bench-devices-"));
  const onSignal = () => { killAll(); rmSync(dir, { recursive: true, force: true }); process.exit(130); };
  process.once("SIGINT", onSignal);
  try {
    const blkImg = await buildImage({ app: join(ROOT, "test/fixtures/bench-blk"), out: join(dir, "bench-blk.elf") });
    const netImg = await buildImage({ app: join(ROOT, "test/fixtures/bench-net"), out: join(dir, "bench-net.elf") });
    const disk = join(dir, "disk.img");

    console.log(`devices benchmark: QEMU TCG microvm guest, ${n} boots per figure; medians, with min and max`);
    console.log(`\nvirtio-blk: ${DISK_BYTES / MiB} MiB raw disk image (host page cache), sequential ${CHUNK / MiB} MiB calls ` +
      `(the driver splits them into 64 KiB requests, all in flight); timed in the guest`);
    const blk: BlkFigures[] = [];
    for (let i = 0; i < n; i++) blk.push(await blkRun(blkImg.path, disk));
    const rows: (string | number)[][] = [];
    const row = (name: string, xs: number[]) => rows.push([name, median(xs), Math.min(...xs), Math.max(...xs)]);
    row("unijs sequential read", blk.map((b) => b.readMBs));
    row("unijs sequential write", blk.map((b) => b.writeMBs));
    row("unijs write + flush", blk.map((b) => b.writeFlushMBs));

    let linuxNote = "";
    if (args.includes("--linux")) {
      const linux = await prepareLinuxGuest(join(ROOT, "build/bench/linux"), DISK_BYTES);
      if ("skip" in linux) linuxNote = `  (Linux baseline skipped: ${linux.skip})`;
      else {
        try {
          const lin: LinuxBlkFigures[] = [];
          for (let i = 0; i < n; i++) {
            makeDisk(disk);
            lin.push(await linuxBlkRun(linux, disk, track));
          }
          row(`Linux ${linux.version} read (dd)`, lin.map((b) => b.readMBs));
          row(`Linux ${linux.version} write (dd)`, lin.map((b) => b.writeMBs));
          row(`Linux ${linux.version} write + fsync`, lin.map((b) => b.writeFlushMBs));
          linuxNote = "  Linux: busybox dd bs=1M O_DIRECT on /dev/vda from its initramfs, timed in the guest (/proc/timer_list); " +
            "the same microvm plus option ROMs, PIT and PIC";
        } catch (e) {
          linuxNote = `  (Linux baseline skipped: ${(e as Error).message.split("\n")[0]})`;
        }
      }
    }
    table(rows, ["", "MiB/s", "min", "max"]);
    if (linuxNote) console.log(linuxNote);

    console.log(`\nvirtio-net: raw Ethernet echo through QEMU's UDP socket backend on 127.0.0.1, ${frames} frames per size ` +
      `after ${WARMUP_FRAMES} warm-up, ${WINDOW} in flight; round trips timed on the host (MiB/s: frame bytes each way)`);
    const net: Map<number, NetFigures>[] = [];
    for (let i = 0; i < n; i++) net.push(await netRun(netImg.path, frames));
    table(FRAME_SIZES.map((size) => {
      const f = net.map((m) => m.get(size)!);
      const fps = f.map((x) => x.fps);
      return [`${size}-byte frames`, median(fps), Math.min(...fps), Math.max(...fps), median(f.map((x) => x.mbs)),
        String(f.reduce((a, x) => a + x.lost, 0)), String(f.reduce((a, x) => a + x.bad, 0))];
    }), ["", "frames/s", "min", "max", "MiB/s", "lost", "bad"]);
    if (args.includes("--linux")) console.log("  (no Linux net baseline: a busybox-only guest has no raw-frame echo to compare with)");
  } finally {
    process.off("SIGINT", onSignal);
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
