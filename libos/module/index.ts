// libos/module/index.ts — node:module in an image where every module was bundled at build time: the Module class
// (require('module') is it, as in Node), Node 20's builtinModules and isBuiltin, createRequire whose require
// gives the built-ins the image holds (registered by the builder, ./registry.ts) and, for any other name, Node's
// MODULE_NOT_FOUND saying the module is not in the image (with requireStack), require.resolve for built-ins,
// and register() throwing: there is no module loader to hook at run time. Layer: libos. Depends on
// libos/util/errors, libos/runtime/dynamic_require, ./registry.

import { notInImage } from "../runtime/dynamic_require.ts";
import { invalidArgValue, nodeError, validateString } from "../util/errors.ts";
import { hasBuiltin, loadBuiltin } from "./registry.ts";

/** Node 20's list (require('module').builtinModules), in its order. */
export const builtinModules: readonly string[] = [
  "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing", "_http_server", "_stream_duplex",
  "_stream_passthrough", "_stream_readable", "_stream_transform", "_stream_wrap", "_stream_writable", "_tls_common",
  "_tls_wrap", "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
  "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises", "http",
  "http2", "https", "inspector", "inspector/promises", "module", "net", "os", "path", "path/posix", "path/win32",
  "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "repl", "stream",
  "stream/consumers", "stream/promises", "stream/web", "string_decoder", "sys", "timers", "timers/promises", "tls",
  "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
];

/** Built-ins that exist only with the node: scheme. */
const SCHEME_ONLY = new Set(["test", "test/reporters", "sea", "sqlite"]);

/** Whether `moduleName` names a Node built-in ("fs", "node:fs", "node:test"; not "test"). */
export function isBuiltin(moduleName: string): boolean {
  if (typeof moduleName !== "string") return false;
  if (moduleName.startsWith("node:")) {
    const name = moduleName.slice(5);
    return builtinModules.includes(name) || SCHEME_ONLY.has(name);
  }
  return builtinModules.includes(moduleName);
}

type RequireFunction = ((id: string) => unknown) & {
  resolve: ((request: string, options?: object) => string) & { paths(request: string): string[] | null };
  main: Module | undefined;
  extensions: Record<string, unknown>;
  cache: Record<string, Module>;
};

const moduleNotFound = (request: string, stack: string[]): Error => {
  const err = notInImage(request);
  const base = `Cannot find module '${request}'`;
  err.message = `${base}${err.message.slice(base.length)}${stack.length ? `\nRequire stack:\n- ${stack.join("\n- ")}` : ""}`;
  Object.defineProperty(err, "requireStack", { value: stack, enumerable: true, writable: true, configurable: true });
  return err;
};

/** The loaded modules' cache (the bundle keeps its own; this holds what apps put here). */
const cache: Record<string, Module> = Object.create(null) as Record<string, Module>;
const extensions: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
for (const ext of [".js", ".json", ".node"]) {
  extensions[ext] = function (_module: Module, filename: string): never { throw moduleNotFound(filename, []); };
}

/** The folders Node would search for `request` from `dir` (for require.resolve.paths). */
function nodeModulePaths(from: string): string[] {
  const parts = from.split("/").filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) {
    if (parts[i - 1] === "node_modules") continue;
    out.push("/" + [...parts.slice(0, i), "node_modules"].join("/"));
  }
  return out;
}

function makeRequire(filename: string, mod: Module): RequireFunction {
  const stack = [filename];
  const dir = filename.slice(0, filename.lastIndexOf("/")) || "/";
  const require = function require(id: string): unknown {
    validateString(id, "id");
    if (id === "") throw invalidArgValue("id", id, "must be a non-empty string");
    const name = id.startsWith("node:") ? id.slice(5) : id;
    if (isBuiltin(id)) {
      if (hasBuiltin(name)) return loadBuiltin(name);
      const err = moduleNotFound(id, stack);
      err.message = `Cannot find module '${id}': the built-in is not in this image (import it statically somewhere ` +
        `in the app so that the build includes it)\nRequire stack:\n- ${stack.join("\n- ")}`;
      throw err;
    }
    if (cache[id]) return cache[id].exports;
    throw moduleNotFound(id, stack);
  } as RequireFunction;
  const resolve = function resolve(request: string, _options?: object): string {
    validateString(request, "request");
    if (isBuiltin(request)) return request;
    if (cache[request]) return request;
    throw moduleNotFound(request, stack);
  } as RequireFunction["resolve"];
  resolve.paths = (request: string): string[] | null => {
    validateString(request, "request");
    if (isBuiltin(request)) return null;
    return [...nodeModulePaths(dir), "/root/.node_modules", "/root/.node_libraries", "/usr/lib/node"];
  };
  require.resolve = resolve;
  require.main = undefined;
  require.extensions = extensions;
  require.cache = cache;
  void mod;
  return require;
}

const kParent = Symbol("kParent");

/** Node's Module: the object behind `module` in CommonJS code. */
export class Module {
  id: string;
  path: string;
  exports: unknown = {};
  filename: string | null = null;
  loaded = false;
  children: Module[] = [];
  declare [kParent]: Module | null | undefined;

  constructor(id = "", parent?: Module | null) {
    this.id = id;
    this.path = id.includes("/") ? id.slice(0, id.lastIndexOf("/")) || "/" : ".";
    Object.defineProperty(this, kParent, { value: parent, writable: true, configurable: true, enumerable: false });
    if (parent) parent.children.push(this);
  }

  get isPreloading(): boolean {
    return false;
  }

  /** The module that first required this one (deprecated in Node, still an accessor there). */
  get parent(): Module | null | undefined {
    return this[kParent];
  }
  set parent(value: Module | null | undefined) {
    this[kParent] = value;
  }

  /** Loading source at run time is not possible: the image holds bytecode compiled at build. */
  load(filename: string): never {
    throw moduleNotFound(filename, []);
  }

  /** Requires relative to this module (see createRequire). */
  require(id: string): unknown {
    return makeRequire(this.filename ?? this.id, this)(id);
  }

  _compile(_content: string, filename: string): never {
    throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
      `Module.prototype._compile() is not available in unijs: ${filename} would be compiled at run time, and images ` +
      "hold only the code compiled at build (use node:vm to run source text)");
  }

  static builtinModules = builtinModules;
  static isBuiltin = isBuiltin;
  static _cache = cache;
  static _pathCache: Record<string, string> = Object.create(null) as Record<string, string>;
  static _extensions = extensions;
  static globalPaths = ["/root/.node_modules", "/root/.node_libraries", "/usr/lib/node"];
  static wrapper = ["(function (exports, require, module, __filename, __dirname) { ", "\n});"];
  static wrap(script: string): string {
    return Module.wrapper[0] + script + Module.wrapper[1];
  }
  static createRequire = createRequire;
  static register = register;
  static syncBuiltinESMExports(): void {}
  static findSourceMap(_path: string): undefined {
    return undefined;
  }
  static _nodeModulePaths = nodeModulePaths;
  static _load(request: string, parent?: Module): unknown {
    return makeRequire(parent?.filename ?? "/app/index.js", parent ?? new Module())(request);
  }
  static _resolveFilename(request: string, parent?: Module): string {
    return makeRequire(parent?.filename ?? "/app/index.js", parent ?? new Module()).resolve(request);
  }
  static runMain(): never {
    throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", "Module.runMain() is not available in unijs: the image's main module ran at boot");
  }
  static Module: typeof Module;
}
Module.Module = Module;

/** A require function for `filename` (an absolute path, a file: URL or URL string). */
export function createRequire(filename: string | URL): RequireFunction {
  let path: string | undefined;
  if (typeof filename === "object" && filename !== null && typeof (filename as URL).href === "string") {
    const url = filename as URL;
    if (url.protocol === "file:") path = decodeURIComponent(url.pathname);
  } else if (typeof filename === "string") {
    if (filename.startsWith("file:")) path = decodeURIComponent(filename.replace(/^file:\/\/[^/]*/, ""));
    else if (filename.startsWith("/")) path = filename;
  }
  if (path === undefined) {
    throw invalidArgValue("filename", filename, "must be a file URL object, file URL string, or absolute path string");
  }
  const mod = new Module(path);
  mod.filename = path;
  return makeRequire(path, mod);
}

/** Customization hooks need a loader that runs at import time; the image's modules were linked at build. */
export function register(specifier: unknown, _parentURL?: unknown, _options?: unknown): never {
  throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
    `module.register(${JSON.stringify(String(specifier))}) is not available in unijs: modules are bundled at build ` +
    "time, so there is no loader to customize at run time");
}

export const SourceMap = class SourceMap {
  constructor() {
    throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", "module.SourceMap is not available in unijs: the image maps stack traces itself");
  }
};

(Module as unknown as { SourceMap: unknown }).SourceMap = SourceMap;

// Node's other names on the module object, as named exports too (`import { findSourceMap } from "node:module"`).
export const _cache = Module._cache;
export const _pathCache = Module._pathCache;
export const _extensions = Module._extensions;
export const globalPaths = Module.globalPaths;
export const _nodeModulePaths = Module._nodeModulePaths;
export const _load = Module._load;
export const _resolveFilename = Module._resolveFilename;
export const syncBuiltinESMExports = Module.syncBuiltinESMExports;
export const findSourceMap = Module.findSourceMap;
export const runMain = Module.runMain;
export const wrap = Module.wrap;
export const wrapper = Module.wrapper;

export default Module;
