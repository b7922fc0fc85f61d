// Types for path-browserify's CommonJS entry (it ships none); libos/path/index.ts gives it Node's types.
declare module "path-browserify/index.js" {
  const path: unknown;
  export default path;
}
