// kernel/stack_trace.ts — maps QuickJS stack traces from bundle lines back to the app's source files, using the
// line map the image builder stored in the image (boot/image/linemap.ts writes it).
// Layer: kernel. Depends on platform.ts only. The map is parsed the first time a trace is printed.

import { platform } from "./platform.ts";

/** Line map as stored: runs of bundle lines that map onto consecutive source lines of one source. */
export interface LineMap {
  /** The bundle's file name as recorded in the bytecode (e.g. "hello.bundle.js"). */
  bundle: string;
  sources: string[];
  /** Flat runs: [bundleLine, sourceIndex, sourceLine, count, ...], bundleLine ascending, 1-based lines. */
  runs: number[];
  /** By bundle line (1-based), that line's source-map segments as Base64 VLQ: [bundleColumn, sourceIndex,
   *  sourceLine, sourceColumn] (0-based), the first absolute, each next one relative to the one before. Only lines
   *  of the app's own sources have them (boot/image/linemap.ts): "line:column" locations there map exactly. */
  columns?: Record<number, string>;
}

let cached: LineMap | null | undefined;

/** The image's line map, parsed once (null when the image has none). */
export function loadLineMap(): LineMap | null {
  if (cached !== undefined) return cached;
  try {
    const text = platform().lineMap();
    cached = text ? (JSON.parse(text) as LineMap) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** Maps one bundle line to "source:line", or returns null when the line has no mapping. */
export function mapLine(map: LineMap, line: number): string | null {
  const runs = map.runs;
  let lo = 0;
  let hi = runs.length / 4 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid * 4] <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return null;
  const [start, src, srcLine, count] = runs.slice(found * 4, found * 4 + 4);
  if (line >= start + count) return null;
  return `${map.sources[src]}:${srcLine + (line - start)}`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes a line's VLQ segments into absolute [bundleColumn, sourceIndex, sourceLine, sourceColumn] tuples. */
function lineSegments(encoded: string): number[][] {
  const out: number[][] = [];
  let field: number[] = [];
  let prev = [0, 0, 0, 0];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 44 /* , */) continue;
    const digit = B64.indexOf(encoded[i]);
    if (digit < 0) return out;                  // malformed: what was decoded so far
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) { shift += 5; continue; }
    field.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
    if (field.length === 4) {
      prev = field.map((v, k) => v + prev[k]);
      out.push(prev);
      field = [];
    }
  }
  return out;
}

/** Maps a 1-based bundle line and column to "source:line:column" (1-based), or null without a segment there. */
export function mapLineColumn(map: LineMap, line: number, column: number): string | null {
  const encoded = map.columns?.[line];
  if (!encoded) return null;
  let best: number[] | undefined;
  for (const seg of lineSegments(encoded)) {
    if (seg[0] <= column - 1) best = seg;
    else break;
  }
  best ??= lineSegments(encoded)[0];          // before the first segment (indentation): the line's first one
  if (!best || !map.sources[best[1]]) return null;
  return `${map.sources[best[1]]}:${best[2] + 1}:${best[3] + 1}`;
}

/** Rewrites "(bundle.js:LINE[:COL])" and "at bundle.js:LINE[:COL]" locations in a stack string; other text is
 *  kept. With a column and the map's column segments, the source column is exact; otherwise only the line maps. */
export function mapStack(stack: string, map: LineMap | null = loadLineMap()): string {
  if (!map) return stack;
  const bundle = map.bundle;
  return stack
    .split("\n")
    .map((frame) => {
      const at = frame.lastIndexOf(bundle + ":");
      if (at < 0) return frame;
      const m = /^(\d+)(?::(\d+))?/.exec(frame.slice(at + bundle.length + 1));
      if (!m) return frame;
      const rest = frame.slice(at + bundle.length + 1 + m[0].length);
      const exact = m[2] !== undefined ? mapLineColumn(map, Number(m[1]), Number(m[2])) : null;
      if (exact) return frame.slice(0, at) + exact + rest;
      const mapped = mapLine(map, Number(m[1]));
      return mapped ? frame.slice(0, at) + mapped + rest : frame;
    })
    .join("\n");
}
