// libos/https/index.ts — `node:https` until TLS lands: the module has Node's names; `https.Agent` works as an
// http.Agent subclass (libraries make one at load time) and `globalAgent` exists, while request/get/createServer throw
// ERR_FEATURE_UNAVAILABLE_ON_PLATFORM — unijs has no TLS yet (it arrives with the TLS work on Mbed TLS).
// Layer: libos. Depends on libos/http and libos/unsupported.
import { Agent as HttpAgent } from "../http/agent.ts";
import { Server as HttpServer } from "../http/server.ts";
import { unsupportedError, unsupportedFunction } from "../unsupported/_unsupported.ts";

const WHY = "unijs has no TLS yet (https and tls arrive with the TLS work); use http";

export class Agent extends HttpAgent {
  override readonly defaultPort = 443;
  override readonly protocol = "https:";
}
export const globalAgent = new Agent();
export const request = unsupportedFunction("https.request", WHY, 3);
export const get = unsupportedFunction("https.get", WHY, 3);
export const createServer = unsupportedFunction("https.createServer", WHY, 2);
export class Server extends HttpServer {
  constructor() {
    super();
    throw unsupportedError("new https.Server()", WHY);
  }
}
export default { Agent, globalAgent, Server, createServer, get, request };
