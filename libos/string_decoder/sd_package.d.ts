declare module "string_decoder/lib/string_decoder.js" {
  const m: Record<string, unknown>;
  export = m;
}
