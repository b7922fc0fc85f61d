// boot/image/linemap.ts — turns esbuild's source map into the compact line map stored in the image, so stack
// traces printed inside the guest name the app's source files and lines (kernel/stack_trace.ts reads it).
// Layer: build tools (host only). Source Map v3: "mappings" is ;-separated lines of ,-separated Base64-VLQ segments.

import type { LineMap } from "../../kernel/stack_trace.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Decodes one segment ("AAgBC") into its signed fields. Throws on a character outside Base64. */
export function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = B64_VALUE.get(c);
    if (digit === undefined) throw new Error(`invalid Base64 VLQ character '${c}' in source map segment '${segment}'`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

interface SourceMapV3 {
  sources: string[];
  mappings: string;
}

/** Encodes signed integers as Base64 VLQ (the inverse of decodeVlq). */
export function encodeVlq(values: number[]): string {
  let out = "";
  for (const v of values) {
    let n = v < 0 ? -v * 2 + 1 : v * 2;
    do {
      let digit = n % 32;
      n = Math.floor(n / 32);
      if (n > 0) digit |= 32;
      out += B64[digit];
    } while (n > 0);
  }
  return out;
}

/** Sources whose frames map to line and column: the app's own files (not npm packages, not the unijs runtime). */
export function isAppSource(path: string): boolean {
  return !/(^|\/)node_modules\//.test(path) && !/^(libos|kernel|drivers)\//.test(path) && path !== "unijs-entry.js";
}

/**
 * For each generated line, takes the first segment that names a source, and groups consecutive lines that map
 * to consecutive lines of one source into runs. `bundle` is the file name the bytecode records. `columns` keeps
 * the segments of the sources `withColumns` accepts (by default the app's own files: every segment of the whole
 * bundle would be larger than the bundle itself), re-encoded per line (the first segment absolute, the others
 * relative to the one before on the same line), so a line maps to a source line and column without decoding the
 * lines before it. Frames in other sources map to their line only.
 */
export function buildLineMap(map: SourceMapV3, bundle: string,
                             withColumns: (source: string) => boolean = isAppSource): LineMap {
  const keep = map.sources.map(withColumns);
  const runs: number[] = [];
  const columns: Record<number, string> = {};
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  const lines = map.mappings.split(";");
  for (let gen = 0; gen < lines.length; gen++) {
    let first: [number, number] | null = null;
    let genCol = 0;
    let encoded = "";
    let prev = [0, 0, 0, 0];
    for (const seg of lines[gen].split(",")) {
      if (!seg) continue;
      const f = decodeVlq(seg);
      genCol += f[0];
      if (f.length >= 4) {
        src += f[1];
        srcLine += f[2];
        srcCol += f[3];
        if (!first) first = [src, srcLine];
        if (!keep[src]) continue;
        const abs = [genCol, src, srcLine, srcCol];
        encoded += (encoded ? "," : "") + encodeVlq(abs.map((v, i) => v - prev[i]));
        prev = abs;
      }
    }
    if (encoded) columns[gen + 1] = encoded;
    if (!first) continue;
    const [s, l] = first;
    const n = runs.length;
    if (n >= 4 && runs[n - 3] === s && runs[n - 4] + runs[n - 1] === gen + 1 && runs[n - 2] + runs[n - 1] === l + 1) {
      runs[n - 1]++;
    } else runs.push(gen + 1, s, l + 1, 1);
  }
  return { bundle, sources: map.sources, runs, columns };
}
