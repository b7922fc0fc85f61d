// libos/os/index.ts — node:os for a unikernel: the machine's facts as the image sees them. Linux x86_64
// conventions (process.platform is "linux"); one CPU (model from CPUID, speed from the TSC, busy/idle times from
// the event loop); memory from the kernel's page accounting; network interfaces from the stack when the image has
// one (else the loopback only); hostname from the image configuration, DHCP, or the app's name; the root user;
// priorities kept per process. Node's names, lengths and argument errors. Layer: libos. Depends on
// kernel/platform, ./cpu, ./idle, ./net_info, ./constants, libos/util/errors.

import { platform } from "../../kernel/platform.ts";
import { formatIpv4 } from "../net/wire/ipv4_address.ts";
import { UNIJS_VERSION } from "../process/index.ts";
import { validateInt32, validateObject } from "../util/errors.ts";
import { constants } from "./constants.ts";
import { CPU_COUNT, cpuModel } from "./cpu.ts";
import { idleTime } from "./idle.ts";
import { networkInfo } from "./net_info.ts";
import { systemError } from "./system_error.ts";

export { constants };

type Env = Record<string, string | undefined>;
const env = (): Env => (globalThis as { process?: { env?: Env } }).process?.env ?? {};

/** Gives `fn` Node's [Symbol.toPrimitive] (`${os.hostname}` is the host name) and returns it. */
function primitive<F extends () => unknown>(fn: F): F {
  Object.defineProperty(fn, Symbol.toPrimitive, { value: () => fn(), writable: true, configurable: true, enumerable: true });
  return fn;
}

export const EOL = "\n";
export const devNull = "/dev/null";

export const arch = primitive(function arch(): string { return "x64"; });
export const platform_ = primitive(function platform(): string { return "linux"; });
export const machine = primitive(function getMachine(): string { return "x86_64"; });
export const type = primitive(function getOSType(): string { return "Linux"; });
export const endianness = primitive(function endianness(): "LE" { return "LE"; });
/** The unikernel's release (where Linux reports its kernel release). */
export const release = primitive(function getOSRelease(): string { return `${UNIJS_VERSION}-unijs`; });
export const version = primitive(function getOSVersion(): string {
  return `#1 unijs ${UNIJS_VERSION} (QuickJS ${platform().engineVersion ?? "unknown"})`;
});
export const availableParallelism = primitive(function getAvailableParallelism(): number { return CPU_COUNT; });

/** The image configuration's hostname if it has one, else the one DHCP gave with the lease, else the app's name
 *  made a valid host name, else "unijs". */
export const hostname = primitive(function hostname(): string {
  let cfg: { hostname?: string; name?: string } = {};
  try {
    cfg = JSON.parse(platform().config()) as typeof cfg;
  } catch { /* no configuration: the default below */ }
  if (cfg.hostname) return cfg.hostname;
  const leased = networkInfo().find((i) => i.hostName)?.hostName;
  if (leased) return leased;
  const name = (cfg.name ?? "").toLowerCase().replace(/\.[a-z]+$/, "").replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return name.slice(0, 63) || "unijs";
});

export const homedir = primitive(function homedir(): string { return env().HOME || "/root"; });

export const tmpdir = primitive(function tmpdir(): string {
  const e = env();
  let path = e.TMPDIR || e.TMP || e.TEMP || "/tmp";
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
});

export const totalmem = primitive(function getTotalMem(): number { return platform().memoryUsage().totalMemory; });
/** RAM not used by the image (kernel, JS heap, stacks, DMA buffers, caches). */
export const freemem = primitive(function getFreeMem(): number {
  const m = platform().memoryUsage();
  return Math.max(0, m.totalMemory - m.rss);
});

/** Seconds since the machine booted, to 1/100 s as Linux's /proc/uptime. */
export const uptime = primitive(function uptime(): number { return Math.floor(platform().now() / 10) / 100; });

/** There are no other runnable processes: the load is always zero. */
export function loadavg(): number[] {
  return [0, 0, 0];
}

/** One entry per CPU: model, speed (MHz) and times (ms): busy time counts as user, halted time as idle. */
export function cpus(): { model: string; speed: number; times: { user: number; nice: number; sys: number; idle: number; irq: number } }[] {
  const { model, speed } = cpuModel();
  const idle = idleTime();
  const busy = Math.max(0, platform().now() - idle);
  return [{ model, speed, times: { user: Math.floor(busy), nice: 0, sys: 0, idle: Math.floor(idle), irq: 0 } }];
}

interface NetworkInterfaceInfo {
  address: string; netmask: string; family: "IPv4" | "IPv6"; mac: string; internal: boolean; cidr: string | null;
  scopeid?: number;
}

function formatMac(mac: number): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push((Math.floor(mac / 2 ** (8 * i)) & 0xff).toString(16).padStart(2, "0"));
  return out.join(":");
}

/** The loopback interface, and eth0, eth1, ... for the network devices the stack has brought up and addressed. */
export function networkInterfaces(): Record<string, NetworkInterfaceInfo[]> {
  const out = Object.create(null) as Record<string, NetworkInterfaceInfo[]>;
  out.lo = [{ address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: true, cidr: "127.0.0.1/8" }];
  networkInfo().forEach((ifc, i) => {
    if (ifc.address === null) return;
    const mask = ifc.prefixLength === 0 ? 0 : (0xffffffff << (32 - ifc.prefixLength)) >>> 0;
    const address = formatIpv4(ifc.address >>> 0);
    out[`eth${i}`] = [{
      address, netmask: formatIpv4(mask), family: "IPv4", mac: formatMac(ifc.mac), internal: false,
      cidr: `${address}/${ifc.prefixLength}`,
    }];
  });
  return out;
}

/** The one user there is: root, with $HOME (or /root) and no login shell. */
export function userInfo(options?: { encoding?: string }): { uid: number; gid: number; username: unknown; homedir: unknown; shell: unknown } {
  if (options !== undefined) validateObject(options, "options", { nullable: true });
  const info = Object.create(null) as { uid: number; gid: number; username: unknown; homedir: unknown; shell: unknown };
  info.uid = 0;
  info.gid = 0;
  info.username = "root";
  info.homedir = homedir();
  info.shell = null;
  if (options?.encoding === "buffer") {
    const B = (globalThis as { Buffer?: { from(s: string): unknown } }).Buffer;
    if (B) {
      info.username = B.from(info.username as string);
      info.homedir = B.from(info.homedir as string);
    }
  }
  return info;
}

/** Scheduling priorities: this process (pid 0 or process.pid, 1) has one; there are no others (ESRCH). */
let ownPriority = 0;
const isSelf = (pid: number) => pid === 0 || pid === 1;

export function getPriority(pid?: number): number {
  if (pid === undefined) pid = 0;
  validateInt32(pid, "pid");
  if (!isSelf(pid)) throw systemError("uv_os_getpriority", "ESRCH");
  return ownPriority;
}

export function setPriority(pid: number, priority?: number): void {
  if (priority === undefined) {
    priority = pid;
    pid = 0;
  }
  validateInt32(pid, "pid");
  validateInt32(priority, "priority", -20, 19);
  if (!isSelf(pid)) throw systemError("uv_os_setpriority", "ESRCH");
  ownPriority = priority;
}


export { platform_ as platform };

/** node:os (Node's key order). */
const os = {
  arch, availableParallelism, cpus, endianness, freemem, getPriority, homedir, hostname, loadavg, networkInterfaces,
  platform: platform_, release, setPriority, tmpdir, totalmem, type, userInfo, uptime, version, machine,
  constants, EOL, devNull,
};
for (const key of ["constants", "EOL", "devNull"] as const) {
  Object.defineProperty(os, key, { value: os[key], writable: false, enumerable: true, configurable: true });
}
export default os;
