// libos/net/system.ts — the machine's network, brought up on first use: a NetRuntime over the first network card
// (none: loopback only), the image's static addressing (else DHCP), the platform's clock and native checksum, and
// the kernel entropy pool; os.networkInterfaces() then lists the card. netRuntime() is what node:net, dgram and
// dns use; setNetRuntime() puts another runtime in its place (hosted tests: one per simulated host — sockets keep
// the runtime they started on). Layer: libos/net (the assembly: it wires kernel, drivers and the stack).

import { openNetDevice } from "../../drivers/index.ts";
import type { NetDevice } from "../../kernel/devices.ts";
import { entropyPool } from "../../kernel/entropy.ts";
import { loop } from "../../kernel/event_loop.ts";
import { platform } from "../../kernel/platform.ts";
import { registerNetworkInfo } from "../os/net_info.ts";
import { imageConfig } from "../runtime/config.ts";
import { NetRuntime } from "./runtime.ts";
import { useNativeOnesSum } from "./wire/checksum.ts";

let current: NetRuntime | undefined;

/** The current network: the machine's, brought up on first use, unless setNetRuntime() installed another. */
export function netRuntime(): NetRuntime {
  return (current ??= systemNetRuntime());
}

/** Makes `rt` the current network (undefined: the machine's again, brought up at the next use). */
export function setNetRuntime(rt: NetRuntime | undefined): void {
  current = rt;
}

/** The first network card, or null when the machine has none. */
function networkCard(): NetDevice | null {
  try {
    return openNetDevice();
  } catch (e) {
    if (e instanceof Error && /^no .* found/.test(e.message)) return null;
    throw e;
  }
}

/** The machine's network: loopback always, Ethernet when the machine has a network card. */
function systemNetRuntime(): NetRuntime {
  const hal = platform();
  if (hal.onesSum) useNativeOnesSum(hal.onesSum);
  const rt = new NetRuntime({
    device: networkCard(),
    staticConfig: imageConfig().net ?? null,
    now: () => hal.now(),
    random32: () => new Uint32Array(entropyPool().fill(new Uint8Array(4)).buffer)[0],
    loop: loop(),
  });
  // os.networkInterfaces() lists the card once the stack is up (libos/os/net_info.ts: no import of os here).
  registerNetworkInfo(() => rt.ifc.dev === null ? [] :
    [{ mac: rt.ifc.mac, address: rt.ifc.config?.address ?? null, prefixLength: rt.ifc.config?.prefixLength ?? 0,
      hostName: rt.dhcp?.hostName ?? null }]);
  return rt;
}
