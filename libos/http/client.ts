// libos/http/client.ts — http.request / http.get and the global agent over node:net: Agent.prototype's
// createConnection becomes net.createConnection (as in Node), and the global agent is Node 20's (keepAlive, lifo,
// 5 s free-socket timeout). Layer: libos. Depends on libos/node_net/index.ts (the one import below).

// ── the node:net binding of the http client: the only place it meets node:net ──
import { createConnection as netCreateConnection } from "../node_net/index.ts";
import { Agent, getGlobalAgent } from "./agent.ts";
import { ClientRequest, type RequestOptions } from "./client_request.ts";
import type { IncomingMessage } from "./incoming.ts";
import type { URL } from "../url/whatwg_url.ts";

(Agent.prototype as { createConnection: unknown }).createConnection = netCreateConnection;

/** The agent used when a request names none. */
export const globalAgent = getGlobalAgent();

type ResponseCallback = (res: IncomingMessage) => void;

/**
 * http.request(url[, options][, callback]) or http.request(options[, callback]): a ClientRequest; call end().
 * @example http.request("http://10.0.2.2:8080/x", (res) => res.pipe(process.stdout)).end();
 */
export function request(url: string | URL | RequestOptions, options?: RequestOptions | ResponseCallback, callback?: ResponseCallback): ClientRequest {
  return new ClientRequest(url, options, callback);
}

/** http.get: request() with method GET, ended at once. */
export function get(url: string | URL | RequestOptions, options?: RequestOptions | ResponseCallback, callback?: ResponseCallback): ClientRequest {
  const req = request(url, options, callback);
  req.end();
  return req;
}
