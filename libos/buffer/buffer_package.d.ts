// Types for the `buffer` npm package's entry (libos/buffer/index.ts gives it Node's types).
declare module "buffer/index.js" {
  const pkg: Record<string, unknown>;
  export = pkg;
}
