// libos/http/index.ts — `node:http`: the public face. Server (over node:net) and the transport-free core,
// IncomingMessage, ServerResponse, OutgoingMessage, ClientRequest, Agent and the global agent, request/get,
// STATUS_CODES, METHODS, maxHeaderSize, validateHeaderName/Value. Layer: libos.

import { Agent } from "./agent.ts";
import { get, globalAgent, request } from "./client.ts";
import { ClientRequest } from "./client_request.ts";
import { maxHeaderSize, METHODS, STATUS_CODES } from "./constants.ts";
import { validateHeaderName, validateHeaderValue } from "./headers.ts";
import { IncomingMessage } from "./incoming.ts";
import { OutgoingMessage } from "./outgoing.ts";
import { createServer, Server } from "./server.ts";
import { connectionListener, type HttpServerState } from "./server_connection.ts";
import { HttpServerCore } from "./server_core.ts";
import type { HttpSocket } from "./_socket.ts";
import { ServerResponse } from "./server_response.ts";

/** Node's internal `http._connectionListener`: serves `socket` on the server it is called on (some libraries call it). */
export function _connectionListener(this: HttpServerState, socket: HttpSocket): void {
  connectionListener(this, socket);
}

/** Node 20 keeps a pool of parsers; we make one per connection, so this only validates its argument. */
export function setMaxIdleHTTPParsers(max: number): void {
  if (!Number.isInteger(max) || max < 1) {
    throw Object.assign(new RangeError(`The value of "max" is out of range. It must be >= 1. Received ${max}`), { code: "ERR_OUT_OF_RANGE" });
  }
}

export {
  Agent, ClientRequest, createServer, get, globalAgent, HttpServerCore, IncomingMessage, maxHeaderSize, METHODS,
  OutgoingMessage, request, Server, ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue,
};

export default {
  Agent, ClientRequest, createServer, get, globalAgent, IncomingMessage, maxHeaderSize, METHODS, OutgoingMessage,
  request, Server, ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue, setMaxIdleHTTPParsers,
  _connectionListener,
};
