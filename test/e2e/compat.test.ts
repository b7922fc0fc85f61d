// e2e: README's compatibility table is the one the current code produces (test/compat/table.ts: every Node 20
// built-in module's exports and the web globals, probed under host Node and inside a booted image).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { END, probeBoth, renderTable, START } from "../compat/table.ts";
import { scratch } from "../helpers/guest.ts";

describe("README's compatibility table", () => {
  it("matches what the probe finds in an image (regenerate with npm run compat-table)", async () => {
    const { node, unijs } = await probeBoth(scratch());
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
    expect(table).toBe(renderTable(node, unijs));
    // every module resolves in an image (the probe requires them all statically)
    expect(Object.keys(unijs.modules).sort()).toEqual(Object.keys(node.modules).sort());
  });
});
