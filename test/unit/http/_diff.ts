// Differential helpers: the same raw bytes to Node's own http.Server (fed an in-memory Duplex through its
// 'connection' event) and to our HttpServerCore, with the same handler; the replies must be byte-identical
// (the Date header's value is masked).
import * as nodeHttp from "node:http";
import { HttpServerCore } from "../../../libos/http/server_core.ts";
import { exchange } from "./_pipe.ts";

export type Handler = (req: nodeHttp.IncomingMessage, res: nodeHttp.ServerResponse) => void;

export interface DiffOptions {
  /** Half-close the client side after writing. */
  end?: boolean;
  /** Server options for both servers. */
  server?: nodeHttp.ServerOptions & Record<string, unknown>;
  /** Set on both servers after construction (e.g. { maxHeadersCount: 3 }). */
  fields?: Record<string, unknown>;
  /** Listeners for both servers. */
  on?: Record<string, (...a: never[]) => void>;
}

/** The replies of Node's server and ours to `raw` (pieces are written one after another). */
export async function both(handler: Handler, raw: string | string[], options: DiffOptions = {}): Promise<{ mine: string; node: string }> {
  const node = nodeHttp.createServer(options.server ?? {}, handler);
  const mine = new HttpServerCore((options.server ?? {}) as never, handler as never);
  for (const s of [node, mine] as unknown as { [k: string]: unknown; on(e: string, f: unknown): unknown }[]) {
    Object.assign(s, options.fields ?? {});
    for (const [ev, fn] of Object.entries(options.on ?? {})) s.on(ev, fn);
  }
  const [a, b] = await Promise.all([
    exchange(mine, raw, { end: options.end }),
    exchange(node, raw, { end: options.end, node: true }),
  ]);
  node.close();
  return { mine: a, node: b };
}
