// boot/image/entry.ts — finds an app's entry file as Node finds a package's: a file as given; a folder by its
// package.json ("exports"["."] with the conditions unijs, node, import, require, default; then "main", tried
// with Node's extensions and as a folder), then index.js / index.mjs / index.cjs / index.ts (and .mts / .cts).
// Errors are EntryErrors with one sentence naming what is missing. Also the app's root folder (where its
// package.json and "unijs" settings are). Light on purpose: the CLI checks apps with it before loading the builder.
// Layer: build tools (host only).

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../paths.ts";

/** An app that has no entry file (one sentence naming what is missing). */
export class EntryError extends Error {}

/** The export conditions unijs matches, as Node matches its own: the first key of the object that is one of them. */
const CONDITIONS = new Set(["unijs", "node", "import", "require", "module", "default"]);
const EXTENSIONS = ["", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".json"];
const INDEX_FILES = ["index.js", "index.mjs", "index.cjs", "index.ts", "index.mts", "index.cts", "main.ts", "main.js"];

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/** The target of a package's `exports` for ".", or undefined when exports does not name one. */
export function exportsTarget(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (Array.isArray(exports)) {
    for (const e of exports) { const t = exportsTarget(e); if (t) return t; }
    return undefined;
  }
  if (!exports || typeof exports !== "object") return undefined;
  const obj = exports as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.some((k) => k.startsWith("."))) return "." in obj ? exportsTarget(obj["."]) : undefined;
  for (const k of keys) if (CONDITIONS.has(k)) { const t = exportsTarget(obj[k]); if (t) return t; }
  return undefined;
}

/** A file named by `main`: as is, with Node's extensions, or as a folder with an index file. */
function mainFile(dir: string, main: string): string | undefined {
  const base = resolve(dir, main);
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  for (const name of INDEX_FILES) if (isFile(join(base, name))) return join(base, name);
  return undefined;
}

/** Resolves an app (a file, or a folder) to its entry file. Throws EntryError naming what is missing. */
export function resolveAppEntry(app: string): string {
  const p = resolve(app);
  if (!existsSync(p)) throw new EntryError(`${app}: no such file or folder`);
  if (statSync(p).isFile()) return p;
  const pkgPath = join(p, "package.json");
  if (existsSync(pkgPath)) {
    let pkg: { exports?: unknown; main?: unknown };
    try {
      pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
    } catch (e) {
      throw new EntryError(`${join(app, "package.json")}: not valid JSON (${(e as Error).message})`);
    }
    const target = exportsTarget(pkg.exports);
    if (target) {
      const f = resolve(p, target);
      if (!isFile(f)) throw new EntryError(`${join(app, "package.json")}: "exports" names ${target}, which does not exist (build the app first?)`);
      return f;
    }
    if (typeof pkg.main === "string" && pkg.main) {
      const f = mainFile(p, pkg.main);
      if (!f) throw new EntryError(`${join(app, "package.json")}: "main" names ${pkg.main}, which does not exist (build the app first?)`);
      return f;
    }
  }
  for (const name of INDEX_FILES) if (isFile(join(p, name))) return join(p, name);
  throw new EntryError(`${app}: no entry file: give package.json "exports" or "main", or add index.js / index.ts` +
    ` (in ${relative(process.cwd(), p) || "."})`);
}

/**
 * The app's root folder: the folder given, or for an entry file the nearest folder above it with a package.json
 * (not the unijs checkout itself), else the file's own folder (the rule bundle.ts and the hosted runner use).
 */
export function resolveAppRoot(app: string, entry: string): string {
  const p = resolve(app);
  if (existsSync(p) && statSync(p).isDirectory()) return p;
  for (let d = dirname(entry); d !== dirname(d) && d !== ROOT; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return d;
  }
  return dirname(entry);
}
