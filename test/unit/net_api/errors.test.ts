// libos/internal/errors.ts and libos/http/_errors.ts against host Node 20's own constructors: each case is built by
// ours and, in a child `node --expose-internals`, by lib/internal/errors.js (codes.ERR_*, ErrnoException,
// ExceptionWithHostPort, UVExceptionWithHostPort, DNSException); class, message, String(err) and the own enumerable
// properties in their order must be the same.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import * as http from "../../../libos/http/_errors.ts";
import * as errors from "../../../libos/internal/errors.ts";

/** One case: how host Node builds it (source run in the child), and how we do. */
interface Case { node: string; ours: () => Error }

const LIBUV: Record<string, number> = {
  ECONNREFUSED: -111, ECONNRESET: -104, ETIMEDOUT: -110, EPIPE: -32, EADDRINUSE: -98, ENETUNREACH: -101,
  EHOSTUNREACH: -113, EAFNOSUPPORT: -97, EACCES: -13, ENOBUFS: -105, EINVAL: -22, EADDRNOTAVAIL: -99,
};

const cases: Case[] = [];
const argTypeCases: [string, string | string[], string][] = [
  ["chunk", ["string", "Buffer", "Uint8Array"], "5"],
  ["name", "string", "undefined"],
  ["options", "object", "'x'"],
  ["options.agent", ["Agent-like Object", "undefined", "false"], "5"],
  ["headers", ["Headers", "Map"], "[1, 2]"],
  ["listener", "Function", "null"],
  ["value", ["string", "number", "Array"], "Symbol('s')"],
  ["first argument", ["object", "Buffer"], "12n"],
  ["x", ["string", "object", "Buffer"], "-0"],
  ["cb", "function", "function namedFn() {}"],
  ["cb", "function", "() => {}"],
  ["s", "string", "'a string that is longer than twenty-eight characters'"],
  ["s", "string", "\"it's\""],
  // (An empty null-prototype object differs: Node says "[Object: null prototype] {}", libos/util/errors.ts leaves
  // out the "{}"; left to that file's owner.)
  ["o", "string", "Object.assign(Object.create(null), { a: 1 })"],
  ["o", "string", "new Map()"],
];
for (const [name, expected, value] of argTypeCases) {
  cases.push({
    node: `new codes.ERR_INVALID_ARG_TYPE(${JSON.stringify(name)}, ${JSON.stringify(expected)}, ${value})`,
    ours: () => http.invalidArgType(name, expected as string[], (0, eval)(`(${value})`)),
  });
}
for (const [name, value, reason] of [["headers", "['a', 'b', 'c']", undefined], ["scheduling", "'x'", "must be one of: 'fifo', 'lifo'"],
  ["family", "5", "must be one of: 0, 4, 6"], ["options.x", "{ a: 1, b: [1, 2] }", undefined]] as const) {
  cases.push({
    node: `new codes.ERR_INVALID_ARG_VALUE(${JSON.stringify(name)}, ${value}${reason ? `, ${JSON.stringify(reason)}` : ""})`,
    ours: () => http.invalidArgValue(name, (0, eval)(`(${value})`), reason),
  });
}
for (const code of Object.keys(LIBUV)) {
  cases.push({ node: `new ErrnoException(${LIBUV[code]}, "read")`, ours: () => errors.sysError(code, "read") });
  cases.push({ node: `new ExceptionWithHostPort(${LIBUV[code]}, "connect", "10.0.0.2", 80)`, ours: () => errors.sysError(code, "connect", "10.0.0.2", 80) });
}
cases.push(
  { node: `new ExceptionWithHostPort(-98, "bind", "0.0.0.0", 0)`, ours: () => errors.exceptionWithHostPort("EADDRINUSE", "bind", "0.0.0.0", 0) },
  { node: `new ExceptionWithHostPort(-111, "connect", undefined)`, ours: () => errors.exceptionWithHostPort("ECONNREFUSED", "connect", undefined) },
  { node: `new ExceptionWithHostPort(-111, "connect", "1.2.3.4", 5, "1.2.3.5:6")`, ours: () => errors.exceptionWithHostPort("ECONNREFUSED", "connect", "1.2.3.4", 5, "1.2.3.5:6") },
  { node: `new UVExceptionWithHostPort(-98, "listen", "0.0.0.0", 80)`, ours: () => errors.uvExceptionWithHostPort("EADDRINUSE", "listen", "0.0.0.0", 80) },
  { node: `new UVExceptionWithHostPort(-97, "listen", "::1", 0)`, ours: () => errors.uvExceptionWithHostPort("EAFNOSUPPORT", "listen", "::1", 0) },
  { node: `new UVExceptionWithHostPort(-13, "listen", "0.0.0.0", 80)`, ours: () => errors.uvExceptionWithHostPort("EACCES", "listen", "0.0.0.0", 80) },
  { node: `new DNSException(-3008, "getaddrinfo", "nx.test")`, ours: () => errors.dnsException(errors.UV_EAI_NONAME, "getaddrinfo", "nx.test") },
  { node: `new DNSException(-3001, "getaddrinfo", "slow.test")`, ours: () => errors.dnsException(errors.UV_EAI_AGAIN, "getaddrinfo", "slow.test") },
  { node: `new DNSException("ENOTFOUND", "queryA", "nx.test")`, ours: () => errors.dnsException("ENOTFOUND", "queryA", "nx.test") },
  { node: `new DNSException("ETIMEOUT", "queryA", "slow.test")`, ours: () => errors.dnsException("ETIMEOUT", "queryA", "slow.test") },
  { node: `new codes.ERR_HTTP_HEADERS_SENT("set")`, ours: () => http.headersSent("set") },
  { node: `new codes.ERR_INVALID_HTTP_TOKEN("Header name", "a b")`, ours: () => http.invalidToken("Header name", "a b") },
  { node: `new codes.ERR_HTTP_INVALID_HEADER_VALUE("x\\n", "foo")`, ours: () => http.invalidHeaderValue("x\n", "foo") },
  { node: `new codes.ERR_INVALID_CHAR("header content", "foo")`, ours: () => http.invalidChar("header content", "foo") },
  { node: `new codes.ERR_HTTP_INVALID_STATUS_CODE(99)`, ours: () => http.invalidStatusCode(99) },
  { node: `new codes.ERR_STREAM_WRITE_AFTER_END()`, ours: () => http.writeAfterEnd() },
  { node: `new codes.ERR_STREAM_DESTROYED("write")`, ours: () => http.streamDestroyed("write") },
  { node: `new codes.ERR_STREAM_NULL_VALUES()`, ours: () => http.nullValues() },
  { node: `new codes.ERR_STREAM_ALREADY_FINISHED("end")`, ours: () => http.alreadyFinished("end") },
  { node: `new codes.ERR_HTTP_TRAILER_INVALID()`, ours: () => http.trailerInvalid() },
  { node: `new codes.ERR_HTTP_SOCKET_ASSIGNED()`, ours: () => http.socketAssigned() },
  { node: `new codes.ERR_HTTP_CONTENT_LENGTH_MISMATCH(3, 5)`, ours: () => http.contentLengthMismatch(3, 5) },
  { node: `new codes.ERR_HTTP_BODY_NOT_ALLOWED()`, ours: () => http.bodyNotAllowed() },
  { node: `new codes.ERR_INVALID_PROTOCOL("ftp:", "http:")`, ours: () => http.invalidProtocol("ftp:", "http:") },
  { node: `new codes.ERR_UNESCAPED_CHARACTERS("Request path")`, ours: () => http.unescapedCharacters("Request path") },
  { node: `new codes.ERR_HTTP_REQUEST_TIMEOUT()`, ours: () => http.requestTimeout() },
  { node: `new codes.ERR_METHOD_NOT_IMPLEMENTED("_write()")`, ours: () => http.notImplemented("_write()") },
  { node: `new ConnResetException("socket hang up")`, ours: () => http.connReset("socket hang up") },
);

/** What is compared: class, message, String(err), own enumerable properties in order. */
const describeError = (e: Error) => ({ name: e.name, message: e.message, text: String(e), props: Object.entries(e) });

function hostNodeErrors(): ReturnType<typeof describeError>[] {
  const script = `
    const { codes, ErrnoException, ExceptionWithHostPort, UVExceptionWithHostPort, DNSException, ConnResetException } = require('internal/errors');
    const d = (e) => ({ name: e.name, message: e.message, text: String(e), props: Object.entries(e) });
    process.stdout.write(JSON.stringify([${cases.map((c) => `d(${c.node})`).join(",\n")}]));`;
  return JSON.parse(execFileSync(process.execPath, ["--expose-internals", "-e", script], { encoding: "utf8" }));
}

describe("Node-style errors against host Node's lib/internal/errors.js", () => {
  it(`${cases.length} errors: class, message, toString and own properties match`, () => {
    const theirs = hostNodeErrors();
    // JSON drops undefined values in props; compare the same way.
    const ours = JSON.parse(JSON.stringify(cases.map((c) => describeError(c.ours()))));
    const differ = cases.map((c, i) => ({ case: c.node, ours: ours[i], theirs: theirs[i] }))
      .filter((d) => JSON.stringify(d.ours) !== JSON.stringify(d.theirs));
    expect(differ).toEqual([]);
  });

  it("sysError: the errno table covers every code the stack raises; others are UNKNOWN (-4094)", () => {
    for (const [code, errno] of Object.entries(LIBUV)) expect(errors.errnoOf(code)).toBe(errno);
    expect(errors.errnoOf("EWHATEVER")).toBe(-4094);
    expect(Object.keys(errors.sysError("ECONNRESET", "read"))).toEqual(["errno", "code", "syscall"]);
    // ExceptionWithHostPort keeps an address key even when it is undefined, as Node's.
    expect(Object.keys(errors.exceptionWithHostPort("ECONNREFUSED", "connect", undefined))).toEqual(["errno", "code", "syscall", "address"]);
  });
});
