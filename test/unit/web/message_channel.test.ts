// test/unit/web/message_channel.test.ts — libos/web's MessageChannel/MessagePort/BroadcastChannel against host
// Node 20's: the same scenario over both, the logs (order of delivery, data, errors) must be equal.
import { describe, expect, it } from "vitest";
import { BroadcastChannel, MessageChannel } from "../../../libos/web/message_channel.ts";

type Impl = { MessageChannel: typeof globalThis.MessageChannel; BroadcastChannel: typeof globalThis.BroadcastChannel };

async function scenario(I: Impl): Promise<string[]> {
  const log: string[] = [];
  const { port1, port2 } = new I.MessageChannel();
  port2.addEventListener("message", (ev) => { const e = ev as MessageEvent; return  log.push(`listener ${JSON.stringify([...(e.data.m as Map<number, number>)])} ${e.origin === ""} ${e.source} ${e.ports.length} ${e.type}`); });
  port1.postMessage({ m: new Map([[1, 2]]) });
  port1.postMessage({ m: new Map() });
  Promise.resolve().then(() => log.push("micro"));
  try { (port1.postMessage as () => void)(); } catch (e) { log.push(`${(e as { code: string }).code} ${(e as Error).message}`); }
  try { port1.postMessage(() => 1); } catch (e) { log.push(`${(e as Error).name}`); }
  const other = new I.MessageChannel();
  (other.port2 as unknown as { onmessage: (e: MessageEvent) => void }).onmessage = (e) => log.push(`onmessage ${e.data}`);
  other.port1.postMessage("x");
  const b1 = new I.BroadcastChannel("chan"), b2 = new I.BroadcastChannel("chan"), b3 = new I.BroadcastChannel("other");
  b2.onmessage = (e) => log.push(`bc ${(e as MessageEvent).data} ${b2.name}`);
  b3.onmessage = () => log.push("wrong channel");
  b1.onmessage = () => log.push("self");
  b1.postMessage("hi");
  await new Promise((r) => setTimeout(r, 20));
  b1.close();
  try { b1.postMessage(1); } catch (e) { log.push(`${(e as Error).name} ${(e as Error).message}`); }
  port1.close();
  other.port1.close();
  b2.close();
  b3.close();
  return log;
}

describe("MessageChannel and BroadcastChannel against host Node 20", () => {
  it("deliver structured clones asynchronously, with Node's errors", async () => {
    const node = await scenario(globalThis);
    const ours = await scenario({ MessageChannel, BroadcastChannel } as unknown as Impl);
    expect(ours).toEqual(node);
  });
});
