// test/unit/builtin_defaults.test.ts — every libos module that stands for a Node built-in has a default export, so
// `import x from "node:<name>"` builds and gets the module object as under Node (libos/tty had none: chalk 5's
// `import tty from 'node:tty'` failed the build). A static check of the sources the builder maps names to. Layer:
// hosted unit test of boot/image/builtins.ts and libos.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { BUILTINS } from "../../boot/image/builtins.ts";

describe("built-in modules' default exports", () => {
  it("each module the builder maps a Node built-in to exports a default", () => {
    const missing: string[] = [];
    const targets = Object.entries(BUILTINS).filter(([, f]) => existsSync(join(ROOT, f)));
    expect(targets.length).toBeGreaterThan(30);
    for (const [name, file] of targets) {
      const text = readFileSync(join(ROOT, file), "utf8");
      if (!/^export default\b|^export \{[^}]*\bdefault\b[^}]*\}/m.test(text)) missing.push(`${name} (${file})`);
    }
    expect(missing).toEqual([]);
  });
});
