// Types for readable-stream's entry (libos/stream/index.ts gives it Node's types).
declare module "readable-stream/lib/ours/index.js" {
  const m: Record<string, unknown>;
  export = m;
}
declare module "readable-stream/lib/ours/util.js" {
  const m: Record<string, unknown>;
  export = m;
}
declare module "readable-stream/lib/ours/primordials.js" {
  const m: Record<string, unknown>;
  export = m;
}
