// Types of _show.mjs for the TypeScript harness.
export function makeShow(root: string): (v: unknown) => string;
export function sorted<T>(list: T[]): T[];
export function makeContext(options: {
  fs: unknown;
  fsp: unknown;
  root: string;
  print: (line: string) => void;
  timers: Record<string, unknown>;
}): unknown;
