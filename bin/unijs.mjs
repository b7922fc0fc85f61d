#!/usr/bin/env node
// bin/unijs.mjs — the `unijs` command of the installed package (package.json "bin"): runs boot/cli.ts, the
// TypeScript source itself, through tsx's loader (a dependency), with unijs's own tsconfig whatever the caller's
// project has. No build step: the package ships its sources, and stack traces of the tool name them.
// Layer: build tools (host only).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: join(root, "tsconfig.json") });
await import("../boot/cli.ts");
