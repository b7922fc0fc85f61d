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

/** Rewrites "(bundle.js:LINE)" and "at bundle.js:LINE" locations in a stack string; other text is kept. */
export function mapStack(stack: string, map: LineMap | null = loadLineMap()): string {
  if (!map) return stack;
  const bundle = map.bundle;
  return stack
    .split("\n")
    .map((frame) => {
      const at = frame.lastIndexOf(bundle + ":");
      if (at < 0) return frame;
      const m = /^(\d+)/.exec(frame.slice(at + bundle.length + 1));
      if (!m) return frame;
      const mapped = mapLine(map, Number(m[1]));
      return mapped ? frame.slice(0, at) + mapped + frame.slice(at + bundle.length + 1 + m[1].length) : frame;
    })
    .join("\n");
}
