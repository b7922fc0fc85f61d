// boot/image/bundle.ts — esbuild bundles the app with the runtime: TypeScript in, ES2023 out (what QuickJS
// 2025-04-26 parses natively; see TARGET), tree-shaken, names kept for stack traces, Node built-ins resolved to
// libos. Returns the script, its line map and esbuild's metafile (for the per-module size report).
// Format: a classic script (IIFE, sloppy mode, as Node runs CommonJS), except for apps whose module graph uses
// top-level await: those are bundled as one ES module (strict mode throughout, as ESM is) and compiled as one.
// Layer: build tools (host only).

import * as esbuild from "esbuild";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join, posix, relative, resolve, sep } from "node:path";
import { ROOT } from "../paths.ts";
import { BUILTINS, NODE_BUILTIN_NAMES, UNSUPPORTED_BUILTINS } from "./builtins.ts";
import { builtinRegistryInstaller } from "./builtin_registry.ts";
import { installersFor, mentionedGlobals } from "./globals.ts";
import { buildLineMap } from "./linemap.ts";
import type { LineMap } from "../../kernel/stack_trace.ts";

/** A build error with the location esbuild reported ("file:line:col: message"). */
export class BuildError extends Error {}

export interface Bundle {
  code: string;
  lineMap: LineMap;
  metafile: esbuild.Metafile;
  /** The name the bytecode records for the bundle (stack traces show it until mapped). */
  bundleName: string;
  /** The entry is an ES module (Node then evaluates it from a promise job: microtasks before nextTicks). */
  esm: boolean;
  /** The bundle is an ES module (the graph uses top-level await): compile it as a module, not as a script. */
  module: boolean;
  /** Warnings for the user: built-ins whose calls throw in a unikernel, requires esbuild could not follow. */
  warnings: string[];
}

/** esbuild's output language: ES2023 syntax is all native in QuickJS 2025-04-26 (class fields and private
 *  members, static blocks, `#x in o`, top-level await, RegExp /d); ES2024's RegExp /v flag is not, so literals
 *  using it become `new RegExp(...)` calls that throw when run rather than a bundle that does not compile. */
export const TARGET = "es2023";

const TLA_IN_SCRIPT = /Top-level await is (currently )?not (supported|available) (with|in) the "iife" output format/;

/** Where an app's files live inside the image: its root folder is `/app` (the cwd; `--assets` folders mount there). */
export const APP_DIR = "/app";

/** The path a host file has inside the image: `/app/<path relative to the app root>` (files outside the root keep
 *  their relative place, e.g. `/node_modules/x` for `<root>/../node_modules/x`; unijs's own runtime files are under
 *  `/unijs`). Never a host path: images do not depend on where they were built. */
export function imagePath(file: string, appRoot: string): string {
  const fromRoot = relative(appRoot, file).split(sep).join("/");
  const fromUnijs = relative(ROOT, file).split(sep).join("/");
  if (/^(libos|kernel|drivers)\//.test(fromUnijs)) return posix.join("/unijs", fromUnijs);   // also an installed unijs under the app
  return posix.join(APP_DIR, fromRoot);
}

/** require(x) / import(x) whose argument is not a literal: esbuild cannot bundle what they name. */
const DYNAMIC_LOAD = /\b(require|import)\s*\(\s*(?![\s'"`)])/g;

/** The lines of `text` with a require/import call esbuild cannot follow (a computed argument; `${}` templates
 *  are fine: esbuild bundles every file they can match). Comments count too (a warning, never an error). */
function dynamicLoads(text: string): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(DYNAMIC_LOAD)) {
    lines.push(text.slice(0, m.index).split("\n").length);
  }
  return lines;
}

/** Code that mentions these gets per-file values, as Node's module wrapper and ESM loader give them. */
const MODULE_PATH_WORDS = /\b__dirname\b|\b__filename\b|\bimport\.meta\.(url|dirname|filename)\b/;
const LOADERS: Record<string, esbuild.Loader> = {
  ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx", ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx",
};

let runtimePackageSet: Set<string> | undefined;

/** An npm package's package.json as the runtime's imports find it: in node_modules beside unijs or above it (an
 *  installed unijs has its dependencies hoisted into the project's node_modules), or undefined. */
function packageJsonOf(name: string): string | undefined {
  for (let d = ROOT; ; d = dirname(d)) {
    const p = join(d, "node_modules", name, "package.json");
    if (existsSync(p)) return p;
    if (d === dirname(d)) return undefined;
  }
}

/** The npm packages the runtime (libos, kernel, drivers) imports, with their dependencies, transitively. */
export function runtimePackages(): Set<string> {
  if (runtimePackageSet) return runtimePackageSet;
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) {
        for (const m of readFileSync(p, "utf8").matchAll(/(?:from|require\(|import\()\s*"([^".][^"]*)"/g)) {
          const spec = m[1];
          if (spec.startsWith("node:") || spec.includes(":")) continue;
          const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
          if (!NODE_BUILTIN_NAMES.has(name) && packageJsonOf(name)) found.add(name);
        }
      }
    }
  };
  for (const d of ["libos", "kernel", "drivers"]) walk(join(ROOT, d));
  const queue = [...found];
  while (queue.length) {
    const name = queue.pop()!;
    const pkg = JSON.parse(readFileSync(packageJsonOf(name) as string, "utf8")) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (!found.has(dep) && packageJsonOf(dep)) { found.add(dep); queue.push(dep); }
    }
  }
  return (runtimePackageSet = found);
}

/** Is this file inside one of the runtime's own npm packages (its last node_modules/<name>/ segment)? */
function isRuntimePackageFile(path: string): boolean {
  const m = /.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(path);
  return !!m && runtimePackages().has(m[1].replace(/\\/g, "/"));
}

const packageTypes = new Map<string, string | undefined>();

/** The "type" of the package.json nearest above `dir` (Node's package scope), cached per folder. */
function packageType(dir: string): string | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  const pj = join(dir, "package.json");
  if (existsSync(pj)) {
    try { type = (JSON.parse(readFileSync(pj, "utf8")) as { type?: string }).type ?? "commonjs"; } catch { type = "commonjs"; }
  } else if (dirname(dir) !== dir && basename(dir) !== "node_modules") type = packageType(dirname(dir));
  packageTypes.set(dir, type);
  return type;
}

/** Does Node load this file as an ES module: .mjs/.mts, or .js in a package whose "type" is "module"? TypeScript
 *  and JSX files other than .mts keep CommonJS's per-file paths (tsx gives them both). */
function isEsModuleFile(path: string): boolean {
  const ext = extname(path);
  if (ext === ".mjs" || ext === ".mts") return true;
  if (ext !== ".js") return false;
  return packageType(dirname(path)) === "module";
}

/**
 * esbuild plugin: gives each file that mentions them its own `__dirname`/`__filename` (declared on the file's
 * first line, after a "use strict" directive if there is one, so line numbers stay) and `import.meta.url` /
 * `dirname` / `filename` (replaced in place), with the file's path inside the image.
 */
function modulePathsPlugin(appRoot: string, globals: Set<string>, dynamic: string[]): esbuild.Plugin {
  return {
    name: "unijs-module-paths",
    setup(build) {
      build.onLoad({ filter: /\.(m|c)?(j|t)sx?$/ }, (args) => {
        if (/^(libos|kernel|drivers)\//.test(relative(ROOT, args.path).split(sep).join("/"))) return undefined;
        const text = readFileSync(args.path, "utf8");
        // The web globals the app's code names (not the npm packages the runtime itself is made of: readable-stream
        // names AbortController and ReadableStream, but uses them only when present).
        if (!isRuntimePackageFile(args.path)) for (const g of mentionedGlobals(text)) globals.add(g);
        for (const line of dynamicLoads(text)) dynamic.push(`${relative(ROOT, args.path).split(sep).join("/")}:${line}`);
        if (!MODULE_PATH_WORDS.test(text)) return undefined;
        const file = imagePath(args.path, appRoot);
        const dir = posix.dirname(file);
        let out = text
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(`file://${encodeURI(file)}`))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dir))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(file));
        // Node gives `__dirname`/`__filename` to CommonJS only: an ES module has neither (yargs's esm.mjs declares its
        // own `const __dirname`), and a CommonJS file may shadow the wrapper's with its own let/const/class.
        const names = isEsModuleFile(args.path) ? [] : ["__dirname", "__filename"]
          .filter((n) => new RegExp(`\\b${n}\\b`).test(out) && !new RegExp(`\\b(?:const|let|class)\\s+${n}\\b`).test(out));
        if (names.length) {
          const value: Record<string, string> = { __dirname: dir, __filename: file };
          const decl = `var ${names.map((n) => `${n} = ${JSON.stringify(value[n])}`).join(", ")};`;
          const prologue = /^(#![^\n]*\n)?((?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*(?:(["'])use strict\3;?)?)/.exec(out);
          const at = prologue ? prologue[0].length : 0;
          const sep = /["']$/.test(out.slice(0, at)) ? ";" : "";   // a directive without its semicolon ('use strict'\n)
          out = out.slice(0, at) + sep + decl + out.slice(at);
        }
        return { contents: out, loader: LOADERS[extname(args.path)] ?? "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** esbuild plugin: `node:x` and bare built-in names → libos, with a clear error for what unijs lacks. */
const builtinsPlugin: esbuild.Plugin = {
  name: "unijs-builtins",
  setup(build) {
    // npm ports of Node modules (readable-stream, ...) ask for the `process` package by "process/": use ours.
    build.onResolve({ filter: /^process\/$/ }, () => ({ path: join(ROOT, "libos/process/shim.ts") }));
    // readable-stream's index requires "stream" only to offer Node's own streams when READABLE_STREAM=disable: give
    // it nothing. Resolved to libos/stream it is a cycle, and a module that imports libos/stream before the app
    // requires "stream" left the app a copy of the half-initialised exports (PassThrough undefined).
    // Only the runtime's own copy: an app's readable-stream 3 (winston's) is built on Node's stream and gets ours.
    const ownReadableStream = packageJsonOf("readable-stream");
    const ownDir = ownReadableStream ? dirname(ownReadableStream) + sep : undefined;
    build.onResolve({ filter: /^stream$/ }, (args) =>
      ownDir && args.importer.startsWith(ownDir) ? { path: "stream", namespace: "unijs-empty" } : undefined);
    build.onLoad({ filter: /.*/, namespace: "unijs-empty" }, () => ({ contents: "module.exports = undefined;\n", loader: "js" }));
    build.onResolve({ filter: /^[a-z0-9_/]+$|^node:/ }, (args) => {
      const name = args.path.startsWith("node:") ? args.path.slice(5) : args.path;
      if (!args.path.startsWith("node:") && !NODE_BUILTIN_NAMES.has(name)) return undefined;
      const target = BUILTINS[name] && existsSync(join(ROOT, BUILTINS[name])) ? BUILTINS[name] : undefined;
      // require() of a built-in gets Node's module object — one plain, mutable object (graceful-fs patches fs with
      // defineProperty; esbuild's namespace of an ES module has fixed getters) — the same one `import x from` gets.
      if (target && args.kind === "require-call") return { path: name, namespace: "unijs-builtin-cjs" };
      if (target) return { path: join(ROOT, target) };
      // require('node:sqlite') (a newer Node's module; undici probes it in a try) throws when it runs, as in Node 20;
      // only an import statement fails to link, so only that fails the build.
      if (!NODE_BUILTIN_NAMES.has(name) && (args.kind === "require-call" || args.kind === "dynamic-import")) {
        return { path: args.path, namespace: "unijs-unknown-builtin" };
      }
      if (!NODE_BUILTIN_NAMES.has(name)) return { errors: [{ text: `"${args.path}" is not a Node built-in module` }] };
      return {
        errors: [{
          text: `the Node built-in "${args.path}" is not available in unijs yet ` +
            `(available: ${Object.keys(BUILTINS).filter((n) => existsSync(join(ROOT, BUILTINS[n]))).sort().join(", ")})`,
        }],
      };
    });
    build.onLoad({ filter: /.*/, namespace: "unijs-unknown-builtin" }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`No such built-in module: ${args.path}`)}), ` +
        `{ code: "ERR_UNKNOWN_BUILTIN_MODULE" });\n`,
      loader: "js",
    }));
    build.onLoad({ filter: /.*/, namespace: "unijs-builtin-cjs" }, (args) => ({
      contents: `const m = require(${JSON.stringify(join(ROOT, BUILTINS[args.path]))});\n` +
        "module.exports = m.default !== undefined ? m.default : Object.assign({}, m);\n",
      loader: "js",
      resolveDir: ROOT,
    }));
  },
};

function formatMessages(msgs: esbuild.Message[]): string {
  return msgs.map((m) => {
    const loc = m.location;
    const where = loc ? `${loc.file}:${loc.line}:${loc.column + 1}: ` : "";
    const src = loc?.lineText ? `\n    ${loc.lineText}\n    ${" ".repeat(loc.column)}^` : "";
    return `${where}error: ${m.text}${src}`;
  }).join("\n");
}

export interface BundleOptions {
  /** Keep identifiers (function names in the bytecode, for --profile reports) at some size cost. */
  readableNames?: boolean;
  /** The app's root folder (resolveAppRoot): `__dirname` & co. are given relative to it, under /app. */
  appRoot?: string;
  /** PEM files of extra CAs for TLS clients (`--ca`, NODE_EXTRA_CA_CERTS at build time). */
  extraCa?: string[];
}

/** Where Debian's ca-certificates package keeps Mozilla's root set (one PEM file per certificate). */
export const MOZILLA_ROOTS_DIR = "/usr/share/ca-certificates/mozilla";

/** The PEM certificates in a text (each "-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----"). */
function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((c) => c + "\n") ?? [];
}

/** esbuild plugin: the module "unijs:root-certs" (libos/tls/root_certs.ts) with Mozilla's roots and the extra CAs,
 *  read at build time, so only images whose bundle uses TLS carry them. */
function rootCertsPlugin(extraCa: readonly string[]): esbuild.Plugin {
  return {
    name: "unijs-root-certs",
    setup(build) {
      build.onResolve({ filter: /^unijs:root-certs$/ }, (args) => ({ path: args.path, namespace: "unijs-root-certs" }));
      build.onLoad({ filter: /.*/, namespace: "unijs-root-certs" }, () => {
        if (!existsSync(MOZILLA_ROOTS_DIR)) {
          return { errors: [{ text: `TLS needs Mozilla's root certificates from Debian's ca-certificates package (${MOZILLA_ROOTS_DIR} is missing): run 'npm install'` }] };
        }
        const roots = readdirSync(MOZILLA_ROOTS_DIR).filter((f) => f.endsWith(".crt")).sort()
          .flatMap((f) => pemCertificates(readFileSync(join(MOZILLA_ROOTS_DIR, f), "utf8")));
        const extra: string[] = [];
        for (const file of extraCa) {
          if (!existsSync(file)) return { errors: [{ text: `extra CA file ${file} (--ca or NODE_EXTRA_CA_CERTS) does not exist` }] };
          const certs = pemCertificates(readFileSync(file, "utf8"));
          if (!certs.length) return { errors: [{ text: `extra CA file ${file} holds no PEM certificate` }] };
          extra.push(...certs);
        }
        return { contents: `export default ${JSON.stringify({ roots, extra })};`, loader: "js" };
      });
    },
  };
}

export async function bundleApp(entry: string, appName: string, opts: BundleOptions = {}): Promise<Bundle> {
  const bundleName = `${appName}.bundle.js`;
  const appRel = "./" + relative(ROOT, entry).split("\\").join("/");
  try {
    return await bundleAs("iife", entry, appRel, bundleName, opts);
  } catch (e) {
    if (!(e instanceof BuildError && TLA_IN_SCRIPT.test(e.message))) throw e;
    return await bundleAs("esm", entry, appRel, bundleName, opts);
  }
}

async function bundleAs(format: "iife" | "esm", entry: string, appRel: string, bundleName: string,
                        opts: BundleOptions): Promise<Bundle> {
  // First pass: which web globals the app's code mentions, and whether it loads modules by computed names; if so, a
  // second pass whose entry installs those globals (and the require that explains a module is not in the image).
  const globals = new Set<string>();
  const dynamic: string[] = [];
  const first = await bundleOnce(format, entry, appRel, bundleName, opts, [], globals, dynamic);
  const installers = installersFor(globals);
  if (dynamic.length) installers.push("libos/runtime/dynamic_require.ts");
  const registry = builtinRegistryInstaller(first.metafile);       // node:module's createRequire finds built-ins
  if (registry) installers.push(registry);
  const out = installers.length ? await bundleOnce(format, entry, appRel, bundleName, opts, installers, new Set(), []) : first;
  if (dynamic.length) {
    out.warnings.push(`${dynamic.length} require()/import() call(s) with a computed module name, which the build cannot ` +
      `follow (a built-in they name at run time must be imported statically somewhere; an npm package they name is ` +
      `"not in the image" at run time even when bundled, e.g. express's view engine: register it with app.engine()): ` +
      dynamic.slice(0, 12).join(", ") + (dynamic.length > 12 ? `, and ${dynamic.length - 12} more` : ""));
  }
  const vFlag = unicodeSetsRegExps(out.code);
  if (vFlag.length) {
    out.warnings.push(`regular expressions with the /v flag (ES2024), which QuickJS 2025-04-26 does not have, in ` +
      `${vFlag.length} module(s): creating one throws SyntaxError at run time (e.g. string-width 7+, under yargs 18): ` +
      vFlag.slice(0, 6).join(", "));
  }
  return out;
}

/** The modules (esbuild's `// path` comments) of the bundle's RegExps with the /v flag, lowered by esbuild to
 *  `new RegExp("...", "v")`; one entry per module. */
function unicodeSetsRegExps(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/new RegExp\((?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'), "[dgimsuy]*v[dgimsuy]*"\)/g)) {
    const before = code.lastIndexOf("\n  // ", m.index);
    found.add(before < 0 ? "?" : code.slice(before + 6, code.indexOf("\n", before + 1)).trim());
  }
  return [...found];
}

async function bundleOnce(format: "iife" | "esm", entry: string, appRel: string, bundleName: string,
                          opts: BundleOptions, installers: string[], globals: Set<string>, dynamic: string[]): Promise<Bundle> {
  // A module graph with top-level await is loaded with import(): esbuild turns it into async initialisers.
  const load = format === "esm" ? `import(${JSON.stringify(appRel)})` : `require(${JSON.stringify(appRel)})`;
  const install = installers.map((m, i) => `import { install as g${i} } from ${JSON.stringify(`./${m}`)};\ng${i}();\n`).join("");
  const stub = `import { runMain } from "./libos/runtime/start.ts";\n${install}runMain(() => ${load});\n`;
  let result: esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      stdin: { contents: stub, resolveDir: ROOT, sourcefile: "unijs-entry.js", loader: "js" },
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      outfile: join(ROOT, bundleName),
      format,
      platform: "neutral",
      // Node reads "main" only (never "module"): node-fetch 2's lib/index.mjs made require("node-fetch") a namespace.
      mainFields: ["main"],
      // "import" and "require" are added by esbuild per import kind (listing both made require() pick ESM files).
      conditions: ["unijs", "node", "default"],
      target: TARGET,
      keepNames: true,
      treeShaking: true,
      minifySyntax: true,
      minifyIdentifiers: !opts.readableNames,
      sourcemap: "external",
      sourcesContent: false,
      legalComments: "none",
      charset: "utf8",
      metafile: true,
      logLevel: "silent",
      plugins: [builtinsPlugin, modulePathsPlugin(opts.appRoot ?? dirname(entry), globals, dynamic), rootCertsPlugin(opts.extraCa ?? [])],
      // Node's globals that the engine lacks, only for images whose code mentions them.
      inject: ["libos/buffer/inject.ts", "libos/url/inject.ts", "libos/util/inject.ts"].map((f) => join(ROOT, f)),
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    if (failure.errors) throw new BuildError(formatMessages(failure.errors));
    throw e;
  }
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"));
  if (!js || !map) throw new Error("esbuild produced no output");
  const entryFormat = result.metafile.inputs[appRel.slice(2)]?.format;
  return {
    code: js.text,
    lineMap: buildLineMap(JSON.parse(map.text), bundleName),
    metafile: result.metafile,
    bundleName,
    esm: format === "esm" || entryFormat === "esm" || /\.mjs$|\.mts$/.test(entry),
    module: format === "esm",
    warnings: unsupportedWarnings(result.metafile),
  };
}

/** One line per built-in in the bundle whose calls cannot work in a unikernel (libos/unsupported and the like). */
function unsupportedWarnings(metafile: esbuild.Metafile): string[] {
  const out = Object.entries(metafile.outputs).find(([path]) => path.endsWith(".js"))?.[1];
  const inputs = new Set(Object.keys(out?.inputs ?? {}));
  return Object.entries(UNSUPPORTED_BUILTINS).filter(([name]) => inputs.has(BUILTINS[name]))
    .map(([name, why]) => `the bundle uses node:${name}, whose functions throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM in a unikernel: ${why}`);
}

/** Sizes of each input in the bundle, largest first (bytes of output JS). */
export function moduleSizes(metafile: esbuild.Metafile): { path: string; bytes: number }[] {
  const out = Object.entries(metafile.outputs).find(([path]) => path.endsWith(".js"))?.[1];
  return Object.entries(out?.inputs ?? {})
    .map(([path, v]) => ({ path, bytes: v.bytesInOutput }))
    .filter((x) => x.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

export const appNameOf = (entry: string) => {
  const b = basename(entry).replace(/\.[mc]?[jt]s$/, "");
  return b === "index" || b === "main" ? basename(resolve(entry, "..")) : b;
};
