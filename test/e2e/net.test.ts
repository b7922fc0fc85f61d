// e2e: virtio-net with raw Ethernet frames through QEMU's UDP socket backend to a peer written in Node, all on
// 127.0.0.1. 10,000 frames of mixed sizes go to the guest and come back intact and in order.
import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import type { Machine } from "../../boot/launch/qemu.ts";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ACCEL, buildFixture } from "../helpers/guest.ts";
import { freeUdpPort } from "../helpers/ports.ts";

const ETHERTYPE = 0x88b5;
const FRAMES = 10_000;
const WINDOW = 32;
const PEER_MAC = [0x02, 0, 0, 0, 0, 0x01];
let cleanup: (() => void)[] = [];
afterEach(() => { for (const c of cleanup.splice(0)) c(); });

function frame(seq: number, guestMac: number[]): Buffer {
  const size = 60 + ((seq * 7919) % (1514 - 60 + 1));          // mixed sizes, 60..1514
  const f = Buffer.alloc(size);
  f.set(guestMac, 0);
  f.set(PEER_MAC, 6);
  f.writeUInt16BE(ETHERTYPE, 12);
  f.writeUInt32BE(seq, 14);
  for (let i = 18; i < size; i++) f[i] = (seq + i) & 0xff;
  return f;
}

describe.each(["microvm", "pc"] as Machine[])("virtio-net on %s", (machine) => {
  it(`echoes ${FRAMES} frames of mixed sizes intact and in order`, async () => {
    const img = await buildFixture("net-echo");
    const peer: Socket = createSocket("udp4");
    cleanup.push(() => peer.close());
    await new Promise<void>((r) => peer.bind(0, "127.0.0.1", r));
    const peerPort = peer.address().port;
    const qemuPort = await freeUdpPort();
    const guest = startGuest({ image: img.path, accel: ACCEL, machine, timeoutMs: 170_000,
      net: { kind: "udp", localPort: qemuPort, remotePort: peerPort } });
    cleanup.push(() => guest.kill());

    let guestMac: number[] | null = null;
    let next = 0, received = 0;
    const problems: string[] = [];
    const done = new Promise<void>((resolve) => {
      const pump = () => {
        while (guestMac && next < FRAMES && next - received < WINDOW) {
          peer.send(frame(next++, guestMac), qemuPort, "127.0.0.1");
        }
      };
      peer.on("message", (msg) => {
        if (msg.readUInt16BE(12) !== ETHERTYPE) return;
        if (!guestMac) {
          if (msg.toString("latin1", 14, 19) !== "HELLO") return;
          guestMac = [...msg.subarray(6, 12)];
          pump();
          return;
        }
        const seq = msg.readUInt32BE(14);
        const want = frame(received, guestMac);
        if (seq !== received) problems.push(`frame ${received}: got seq ${seq}`);
        else if (!msg.subarray(12).equals(want.subarray(12)) || !msg.subarray(0, 6).equals(Buffer.from(PEER_MAC))) {
          problems.push(`frame ${seq}: contents differ`);
        }
        received++;
        if (received === FRAMES || problems.length > 5) {
          const bye = Buffer.alloc(60);
          bye.set(guestMac, 0);
          bye.set(PEER_MAC, 6);
          bye.writeUInt16BE(ETHERTYPE, 12);
          bye.write("BYE", 14, "latin1");
          peer.send(bye, qemuPort, "127.0.0.1");
          resolve();
        } else pump();
      });
    });
    await done;
    const r = await guest.done;
    expect(problems).toEqual([]);
    expect(received).toBe(FRAMES);
    expect(r.output).toMatch(/^mac [0-9a-f:]{17} mtu 1500 link up\n/);
    expect(r.output).toContain(`bye after echoing ${FRAMES} frames`);
    expect(r.code).toBe(0);
  });
});
