// libos/os/net_info.ts — how os.networkInterfaces() learns about the network stack without importing it: the
// stack (libos/net/runtime.ts) registers a describer when it comes up, so an image without networking carries no
// network code for `os` and reports the loopback interface only. Layer: libos. No dependencies.

/** One IPv4 interface as the stack knows it: its MAC (48 bits as a number), and its address once configured. */
export interface NetworkInfo {
  mac: number;
  /** null until DHCP (or the static settings) gave an address. */
  address: number | null;
  prefixLength: number;
  /** The host name DHCP gave with the lease (option 12), if any. */
  hostName?: string | null;
}

let describe: (() => NetworkInfo[]) | null = null;

/** Called by the network stack when it is brought up. */
export function registerNetworkInfo(fn: () => NetworkInfo[]): void {
  describe = fn;
}

/** The stack's interfaces (none when the stack is not in the image or not up). */
export function networkInfo(): NetworkInfo[] {
  return describe ? describe() : [];
}
