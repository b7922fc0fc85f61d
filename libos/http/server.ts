// libos/http/server.ts — http.Server and createServer over node:net: the http server core (server_core.ts) applied
// to net's Server, so listen/address/close come from node:net and each accepted socket is served as HTTP.
// Layer: libos. Depends on libos/node_net/index.ts (the one import below) and server_core.ts.

// ── the node:net binding of the http server: the only place it meets node:net ──
import { Server as NetServer } from "../node_net/index.ts";
import { httpServerMixin, type HttpServerConstructor, type HttpServerOptions, type RequestListener } from "./server_core.ts";

const ServerClass = class Server extends httpServerMixin(NetServer) {};

/**
 * Node's http.Server: a net.Server whose connections speak HTTP/1.1.
 * @example
 *   const server = new Server((req, res) => res.end("ok"));
 *   server.listen(8080);
 */
export const Server = ServerClass as unknown as HttpServerConstructor<InstanceType<typeof ServerClass>>;
export type Server = InstanceType<typeof ServerClass>;

/** createServer([options][, requestListener]): a new http.Server. */
export function createServer(options?: HttpServerOptions | RequestListener, requestListener?: RequestListener): Server {
  return new Server(options, requestListener);
}
