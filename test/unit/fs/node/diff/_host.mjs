// Runs one differential fs script on the host's Node: `node _host.mjs SCRIPT ROOT` (ROOT: an empty temporary
// folder). The umask is set to 0 first: unijs has no umask (modes are stored as given), Linux's default 022 would
// turn every 0o666 into 0o644 — an explicit normalisation, see _show.mjs for the others.
import fs from "node:fs";
import fsp from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { makeContext } from "./_show.mjs";

const [script, root] = process.argv.slice(2).map((p, i) => (i === 0 ? new URL(p, pathToFileURL(process.cwd() + "/")).pathname : p));
process.umask(0);
process.chdir(root);
const { default: run } = await import(pathToFileURL(script).href);
const timers = { setTimeout, setImmediate, clearTimeout, nextTick: process.nextTick, queueMicrotask };
await run(makeContext({ fs, fsp, root, print: (line) => process.stdout.write(line + "\n"), timers }));
