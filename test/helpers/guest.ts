// test/helpers/guest.ts — e2e helpers: build fixture images into a per-run temp folder, boot them in QEMU
// (TCG unless UNIJS_TEST_ACCEL says otherwise), and kill every guest a test started when the file ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { buildImage, type ImageOptions, type ImageResult } from "../../boot/image/build.ts";
import { startGuest, type Accel, type BootOptions, type BootResult, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";

export const ACCEL = (process.env.UNIJS_TEST_ACCEL ?? "tcg") as Accel;
/** Where the app's stdout/stderr go in e2e boots: "uart" (default) keeps the one merged console, in exact write
 *  order, that the tests read; "virtio" (UNIJS_TEST_CONSOLE=virtio, or a test's own `console` option) gives each
 *  stream its virtio-console port as `npm run boot` does (test/e2e/console.test.ts). */
export const CONSOLE = (process.env.UNIJS_TEST_CONSOLE ?? "uart") as "uart" | "virtio";

const live = new Set<Guest>();
let workDir: string | undefined;

/** A temp folder for this test file's images; removed when the file ends. */
export function scratch(): string {
  workDir ??= mkdtempSync(join(tmpdir(), "unijs-test-"));
  return workDir;
}

afterAll(() => {
  for (const g of live) g.kill();
  live.clear();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
});

let counter = 0;

/** Builds test/fixtures/<name> (or any app path) into the scratch folder. */
export async function buildFixture(name: string, opts: Omit<ImageOptions, "app"> = {}): Promise<ImageResult> {
  const app = name.includes("/") ? name : join(ROOT, "test/fixtures", name);
  return buildImage({ out: join(scratch(), `${name.replace(/\W/g, "_")}-${counter++}.elf`), ...opts, app });
}

/** Boots an image and waits for it; the guest is killed by PID if the test ends first or the timeout passes. */
export async function boot(image: string, opts: Partial<BootOptions> = {}): Promise<BootResult> {
  const g = startGuest({ image, accel: ACCEL, timeoutMs: 90_000, console: CONSOLE, ...opts });
  live.add(g);
  try {
    return await g.done;
  } finally {
    g.kill();
    live.delete(g);
  }
}

/** Builds and boots a fixture in one step. */
export async function run(name: string, opts: Omit<ImageOptions, "app"> = {}, bootOpts: Partial<BootOptions> = {}) {
  const img = await buildFixture(name, opts);
  return { image: img, ...(await boot(img.path, bootOpts)) };
}
