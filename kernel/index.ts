// kernel/index.ts — the kernel's public face for apps (`import { platform, onShutdown } from "unijs/kernel"`): the
// platform's services, shutdown hooks, device interfaces, DMA memory, interrupts. Re-exports only: an image holds
// what its import graph reaches, nothing more. Layer: kernel.
export { platform, type Platform, type PlatformMemoryUsage, type DmaRegion, type InterruptStats } from "./platform.ts";
export { onShutdown } from "./shutdown.ts";
export type { NetDevice, NetStats, BlockDevice, BlockInfo, EntropyDevice } from "./devices.ts";
export { dmaAllocPages, dmaPool, PAGE_SIZE, type DmaBlock } from "./dma.ts";
export { onGsi, onMsi, type IrqLine } from "./interrupts.ts";
export { entropyPool } from "./entropy.ts";
