// boot/types.mjs — `npm pack`'s first step (prepack): TypeScript declarations for apps that import unijs's own
// modules (`unijs/drivers`, `unijs/kernel`, `unijs/libos/<module>`), written to build/types by tsc with
// tsconfig.types.json; package.json "exports" points each one's "types" condition there. Shipping the .ts sources
// alone would not do: an app's tsc checks them with the app's own options (allowImportingTsExtensions, ...).
// Skipped when build/types/.stamp holds the SHA-256 of the inputs (sources and tsconfigs) already. Declaration
// diagnostics (TS4xxx: a private member of an exported class expression, an unnameable type) leave that one
// declaration less precise and are printed as warnings; any other diagnostic fails the pack.
// Plain JavaScript on purpose: npm runs it before anything is built.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build/types");
const stampFile = join(out, ".stamp");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

const h = createHash("sha256");
for (const f of [...["kernel", "drivers", "libos"].flatMap((d) => files(join(root, d))).sort(),
  join(root, "tsconfig.json"), join(root, "tsconfig.types.json")]) {
  h.update(relative(root, f)).update("\0").update(readFileSync(f)).update("\0");
}
const stamp = h.digest("hex");
if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp) {
  process.stderr.write("[unijs types] build/types is up to date\n");
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
process.stderr.write("[unijs types] writing declarations to build/types (tsc)\n");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.types.json"), "--pretty", "false"], { encoding: "utf8" });
const diagnostics = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /error TS\d+/.test(l));
const fatal = diagnostics.filter((l) => !/error TS4\d{3}:/.test(l));
if (r.error || fatal.length || !existsSync(join(out, "drivers/index.d.ts"))) {
  process.stderr.write(`[unijs types] tsc failed:\n${fatal.join("\n") || r.error?.message || r.stdout + r.stderr}\n`);
  process.exit(1);
}
if (diagnostics.length) process.stderr.write(`[unijs types] ${diagnostics.length} declaration warnings (TS4xxx), e.g. ${diagnostics[0]}\n`);
writeFileSync(stampFile, stamp + "\n");
