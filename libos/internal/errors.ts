// libos/internal/errors.ts — the one import for Node-style errors in the network modules (dns, dgram, net, http):
// - Node's coded errors (ERR_*: the class, an enumerable `code`, NodeError's "TypeError [CODE]: message" toString,
//   and lib/internal/errors.js's exact messages: ERR_INVALID_ARG_TYPE's type/instance/other lists and its
//   "Received ..." descriptions, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE). Their implementation is
//   libos/util/errors.ts, which events, util, assert and the rest already use; it is re-exported here unchanged.
// - Node's system errors as lib/internal/errors.js builds them for sockets and name lookups, with the same
//   properties in the same order (util.inspect prints them): ErrnoException ("read ECONNRESET"),
//   ExceptionWithHostPort ("connect ECONNREFUSED 127.0.0.1:9"), UVExceptionWithHostPort ("listen EADDRINUSE:
//   address already in use 0.0.0.0:80") and DNSException ("getaddrinfo ENOTFOUND example.invalid"), over a small
//   table of the errno values and libuv descriptions the network stack raises (util.getSystemErrorMap, in
//   libos/util/system_errors.ts, has all of them; this table stays small because every network image carries it).
// Layer: libos. Depends on libos/util/errors.ts.

export { determineSpecificType, invalidArgType, invalidArgValue, nodeError, outOfRange, type CodedError } from "../util/errors.ts";

/** A Node system error: Error with errno/code/syscall and, for sockets, address/port, for lookups hostname. */
export type SystemError = Error & { errno?: number; code: string; syscall: string; address?: string; port?: number; hostname?: string };

/** Linux errno values (negative, as libuv reports them) and libuv's descriptions, by code. */
const ERRNO: Record<string, readonly [number, string]> = {
  EACCES: [-13, "permission denied"],
  EADDRINUSE: [-98, "address already in use"],
  EADDRNOTAVAIL: [-99, "address not available"],
  EAFNOSUPPORT: [-97, "address family not supported"],
  EAGAIN: [-11, "resource temporarily unavailable"],
  EBADF: [-9, "bad file descriptor"],
  ECONNABORTED: [-103, "software caused connection abort"],
  ECONNREFUSED: [-111, "connection refused"],
  ECONNRESET: [-104, "connection reset by peer"],
  EHOSTUNREACH: [-113, "host is unreachable"],
  EINVAL: [-22, "invalid argument"],
  EMSGSIZE: [-90, "message too long"],
  ENETDOWN: [-100, "network is down"],
  ENETUNREACH: [-101, "network is unreachable"],
  ENOBUFS: [-105, "no buffer space available"],
  ENOTCONN: [-107, "socket is not connected"],
  EPIPE: [-32, "broken pipe"],
  ETIMEDOUT: [-110, "connection timed out"],
  EAI_AGAIN: [-3001, "temporary failure"],
  EAI_NODATA: [-3007, "no address"],
  EAI_NONAME: [-3008, "unknown node or service"],
};

/** libuv's code for a name that does not resolve (getaddrinfo): Node reports it as ENOTFOUND. */
export const UV_EAI_NONAME = -3008;
/** libuv's code for a lookup that failed for now (no answer from the DNS servers). */
export const UV_EAI_AGAIN = -3001;

/** The negative errno of `code` ("ECONNREFUSED" → -111); libuv's UNKNOWN (-4094) for a code outside the table. */
export function errnoOf(code: string): number {
  return ERRNO[code]?.[0] ?? -4094;
}

/** The code of a negative errno (-111 → "ECONNREFUSED"), or "UNKNOWN". */
function codeOf(errno: number): string {
  for (const code in ERRNO) if (ERRNO[code][0] === errno) return code;
  return "UNKNOWN";
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
  const e = new Error(`${syscall} ${code}: ${ERRNO[code]?.[1] ?? "unknown error"}${hostPort(address, port)}`) as SystemError;
  e.code = code;
  e.errno = errnoOf(code);
  e.syscall = syscall;
  e.address = address;
  if (port) e.port = port;
  return e;
}

/**
 * Node's DNSException. `code`: a libuv number for getaddrinfo (UV_EAI_NONAME → code "ENOTFOUND", errno -3008;
 * UV_EAI_AGAIN → "EAI_AGAIN"), or a c-ares code string for the resolver's queries ("ENOTFOUND", "ETIMEOUT",
 * "ESERVFAIL", ...; errno stays undefined, as in Node). "`syscall` `code` `hostname`".
 */
export function dnsException(code: number | string, syscall: string, hostname?: string): SystemError {
  let errno: number | undefined;
  let name: string;
  if (typeof code === "number") {
    errno = code;
    name = code === UV_EAI_NONAME || code === ERRNO.EAI_NODATA[0] ? "ENOTFOUND" : codeOf(code);
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

