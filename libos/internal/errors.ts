// libos/internal/errors.ts — the one import for Node-style errors in the network modules (dns, dgram, net, http):
// - Node's coded errors (ERR_*: the class, an enumerable `code`, NodeError's "TypeError [CODE]: message" toString,
//   and lib/internal/errors.js's exact messages: ERR_INVALID_ARG_TYPE's type/instance/other lists and its
//   "Received ..." descriptions, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE). Their implementation is
//   libos/util/errors.ts, which events, util, assert and the rest already use; it is re-exported here unchanged.
// - Node's system errors as lib/internal/errors.js builds them for sockets and name lookups, with the same
//   properties in the same order (util.inspect prints them): ErrnoException ("read ECONNRESET"),
//   ExceptionWithHostPort ("connect ECONNREFUSED 127.0.0.1:9"), UVExceptionWithHostPort ("listen EADDRINUSE:
//   address already in use 0.0.0.0:80") and DNSException ("getaddrinfo ENOTFOUND example.invalid"), over small
//   tables of the errno values and libuv descriptions the network stack raises (util.getSystemErrorMap, in
//   libos/util/system_errors.ts, has all of them; these stay small because network images carry them).
// Layer: libos. Depends on libos/util/errors.ts.

export { determineSpecificType, invalidArgType, invalidArgValue, nodeError, outOfRange, type CodedError } from "../util/errors.ts";

/** A Node system error: Error with errno/code/syscall and, for sockets, address/port, for lookups hostname. */
export type SystemError = Error & { errno?: number; code: string; syscall: string; address?: string; port?: number; hostname?: string };

/** Linux errno values, negative as libuv reports them, of the codes the network stack raises. */
const ERRNO: Record<string, number> = {
  EACCES: -13, EADDRINUSE: -98, EADDRNOTAVAIL: -99, EAFNOSUPPORT: -97, EAGAIN: -11, EBADF: -9, ECONNABORTED: -103,
  ECONNREFUSED: -111, ECONNRESET: -104, EHOSTUNREACH: -113, EINVAL: -22, EMSGSIZE: -90, ENETDOWN: -100,
  ENETUNREACH: -101, ENOBUFS: -105, ENOTCONN: -107, EPIPE: -32, ETIMEDOUT: -110,
};

/** libuv's descriptions (uv_strerror) of the codes a listen or bind can fail with. */
const UV_MESSAGES: Record<string, string> = {
  EACCES: "permission denied", EADDRINUSE: "address already in use", EADDRNOTAVAIL: "address not available",
  EAFNOSUPPORT: "address family not supported", EINVAL: "invalid argument",
};

/** libuv's code for a name that does not resolve (getaddrinfo): Node reports it as ENOTFOUND. */
export const UV_EAI_NONAME = -3008;
/** libuv's code for a lookup that failed for now (no answer from the DNS servers). */
export const UV_EAI_AGAIN = -3001;

/** The negative errno of `code` ("ECONNREFUSED" → -111); libuv's UNKNOWN (-4094) for a code outside the table. */
export function errnoOf(code: string): number {
  return ERRNO[code] ?? -4094;
}

/** " address:port", " address" or "" as Node appends them (a port of 0 is not shown). */
function hostPort(address: string | undefined, port: number | undefined): string {
  if (port && port > 0) return ` ${address}:${port}`;
  return address ? ` ${address}` : "";
}

/** Node's ErrnoException: "`syscall` `code`" with errno, code, syscall ("read ECONNRESET", "write EPIPE"). */
export function errnoException(code: string, syscall: string, original?: string): SystemError {
  const e = new Error(original ? `${syscall} ${code} ${original}` : `${syscall} ${code}`) as SystemError;
  e.errno = errnoOf(code);
  e.code = code;
  e.syscall = syscall;
  return e;
}

/** Node's ExceptionWithHostPort: "connect ECONNREFUSED 10.0.0.2:80" with errno, code, syscall, address (always, even
 *  undefined) and port (when not 0). */
export function exceptionWithHostPort(code: string, syscall: string, address: string | undefined, port?: number, additional?: string): SystemError {
  const e = new Error(`${syscall} ${code}${hostPort(address, port)}${additional ? ` - Local (${additional})` : ""}`) as SystemError;
  e.errno = errnoOf(code);
  e.code = code;
  e.syscall = syscall;
  e.address = address;
  if (port) e.port = port;
  return e;
}

/** Node's UVExceptionWithHostPort: "listen EADDRINUSE: address already in use 0.0.0.0:80" with code, errno, syscall,
 *  address and port (when not 0). */
export function uvExceptionWithHostPort(code: string, syscall: string, address: string | undefined, port?: number): SystemError {
  const e = new Error(`${syscall} ${code}: ${UV_MESSAGES[code] ?? "unknown error"}${hostPort(address, port)}`) as SystemError;
  e.code = code;
  e.errno = errnoOf(code);
  e.syscall = syscall;
  e.address = address;
  if (port) e.port = port;
  return e;
}

/**
 * Node's DNSException. `code`: one of getaddrinfo's libuv numbers the stack reports (UV_EAI_NONAME → code
 * "ENOTFOUND", errno -3008; UV_EAI_AGAIN → "EAI_AGAIN", errno -3001), or a c-ares code string for the resolver's
 * queries ("ENOTFOUND", "ETIMEOUT", "ESERVFAIL", ...; errno stays undefined, as in Node).
 * "`syscall` `code` `hostname`".
 */
export function dnsException(code: number | string, syscall: string, hostname?: string): SystemError {
  let errno: number | undefined;
  let name: string;
  if (typeof code === "number") {
    errno = code;
    name = code === UV_EAI_AGAIN ? "EAI_AGAIN" : "ENOTFOUND";
  } else name = code;
  const e = new Error(`${syscall} ${name}${hostname ? ` ${hostname}` : ""}`) as SystemError;
  e.errno = errno;
  e.code = name;
  e.syscall = syscall;
  if (hostname) e.hostname = hostname;
  return e;
}

/**
 * A socket's system error as node:net and node:dgram report them: with an address, Node's ExceptionWithHostPort
 * ("connect ECONNREFUSED 127.0.0.1:9"; errno, code, syscall, address, port), without one its ErrnoException
 * ("read ECONNRESET", "write EPIPE"; errno, code, syscall).
 */
export function sysError(code: string, syscall: string, address?: string, port?: number): SystemError {
  return address === undefined ? errnoException(code, syscall) : exceptionWithHostPort(code, syscall, address, port);
}

