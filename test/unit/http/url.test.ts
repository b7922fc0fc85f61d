// node:url against Node 20's own: WHATWG URL parsing (a table of tricky inputs plus a seeded fuzz), every setter,
// URLSearchParams, and the legacy parse/format/resolve, fileURLToPath/pathToFileURL, domainToASCII, urlToHttpOptions.
import * as nodeUrl from "node:url";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/prng.ts";
import * as url from "../../../libos/url/index.ts";

const parts = (u: URL | url.URL) => [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash];

function both<T>(f: (U: typeof URL) => T): [T | string, T | string] {
  const run = (U: typeof URL) => { try { return f(U); } catch (e) { return "THROW " + (e as { code?: string }).code; } };
  return [run(url.URL as unknown as typeof URL), run(URL)];
}

const INPUTS: [string, string?][] = [
  ["http://example.com/a/b?c=d#e"], ["HTTP://EXAMPLE.COM:80/"], ["https://user:pa ss@h.com:8443/p%20q?x y#z w"],
  ["http://a/b/../c/./d"], ["http://a/%2e%2E/x"], ["http://a/b/%2e"], ["file:///C:/x/../y"], ["file:///C:/../.."], ["file://localhost/etc"],
  ["mailto:a@b.c"], ["data:text/plain,hi there"], ["ws://[::1]:80/"], ["wss://[::1]:443/"], ["http://[2001:db8::ff00:42:8329]/"],
  ["http://[1:0:0:0:0:0:0:1]/"], ["http://[::ffff:192.168.0.1]/"], ["http://[1::2::3]/"], ["http://[1:2:3:4:5:6:7:8:9]/"],
  ["http://0x7f.1/"], ["http://2130706433/"], ["http://0177.0.0.1/"], ["http://1.2.3.4.5/"], ["http://256.0.0.1/"], ["http://1.2.3.09/"],
  ["http://a b/"], ["http:\\\\a\\b"], ["  http://x/  "], ["\t\nhttp://x/\ty"], ["http://a/b c/"], ["http://a/^`{}|"], ["http://a/?'\"<>`"],
  ["?q", "http://a/b?c#d"], ["#f", "http://a/b?c#d"], ["../../x", "http://a/b/c/d"], ["//h/p", "https://a/"], ["/p", "file:///C:/a/b"],
  ["", "http://a/b?c#d"], [".", "http://a/b/c"], ["..", "http://a/b/c"], ["g;x?y#s", "http://a/b/c/d;p?q"], ["../../../g", "http://a/b/c/d;p?q"],
  ["http://münchen.de/"], ["http://xn--mnchen-3ya.de/"], ["http://EXAMPLE.com./"], ["http://a/\u00e9?\u00e9#\u00e9"], ["http://ex%41mple.com/"],
  ["non-special://host/p?q'#f"], ["non-special:/p"], ["non-special:p/../q"], ["foo://"], ["foo://h:12/"], ["http://"], ["http://a:99999/"],
  ["http://a:0080/"], ["http://a:/"], ["https://a:443/"], ["ftp://a:21/"], ["javascript:alert(1)"], ["blob:https://a.com/uuid"],
  ["http://@a/"], ["http://:@a/"], ["http://u@/"], ["http://u:p@h@i/"], ["sc://ñ"], ["sc://a b/"], ["http://[::1.2.3.4]/"], ["http://[1:0::]/"],
  ["http://a.b.c.0x/"], ["http://a.0x1g/"], ["C|/foo", "file:///"], ["file:c:\\foo\\bar.html", "file:///tmp/mock/path"], ["http://a/?%zz"],
  ["http://a/%zz"], ["https://x/\ud800"], ["a:\t foo.com", "http://example.org/foo/bar"], ["http://f:21/ b ? d # e ", "http://example.org/foo/bar"],
  ["x", "mailto:a@b"], ["#x", "mailto:a@b"], ["http://a/#frag with space"], ["http://a%00b/"], ["http://a<b/"], ["http://[www.google.com]/"],
  ["relative"], ["//no-scheme"], ["http://a/b?c=d&e=f g"], ["HTTPS://a.b/C?D#E"], ["h://x/%2F"], ["http://a/..%2f"],
];

describe("WHATWG URL matches Node's", () => {
  it.each(INPUTS.map((c, i) => [i, ...c] as const))("parses case %i: %s (base %s)", (_i, input, base) => {
    const [mine, node] = both((U) => parts(new U(input, base)));
    expect(mine).toEqual(node);
  });

  it("a seeded fuzz of 3,000 URL-like strings parses (or fails) the same", () => {
    const r = new SeededRandom(42);
    const atoms = ["http:", "https:", "file:", "ws:", "foo:", "//", "/", "\\", "?", "#", "@", ":", ".", "..", "%2e", "%", "a", "B", "1", "80",
      "[", "]", "::1", "0x10", " ", "\t", "é", "ü", "xn--", "-", "=", "&", "'", "\"", "<", "^", "|", "~", "127.0.0.1", "%41", "%zz"];
    const diffs: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let s = "";
      for (let n = 1 + r.int(12); n > 0; n--) s += atoms[r.int(atoms.length)];
      const base = r.int(3) === 0 ? "http://base.test/dir/file?q#h" : undefined;
      const [mine, node] = both((U) => parts(new U(s, base)).join("|"));
      if (mine !== node) diffs.push(`${JSON.stringify(s)} mine=${mine} node=${node}`);
    }
    expect(diffs).toEqual([]);
  });

  it("path-absolute references against special bases (the parser's fast path) parse the same: 3,000 seeded", () => {
    const r = new SeededRandom(7);
    const atoms = ["/", "/", "a", "Z", "9", ".", "..", "%2e", "%2E", "%", "?", "?", "#", "=", "&", "'", "\"", "<", ">", "`", "{", "}",
      "|", "^", "~", "\\", " ", "\t", "é", "\u0000", "\u007f", ";", ",", "@", ":", "+", "!", "$", "(", "*", "[", "]"];
    const bases = ["http://localhost", "https://u:p@h.test:8443/x/y?q#f", "ws://h/", "file:///C:/a", "http://h"];
    const diffs: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let s = "/";
      for (let n = r.int(10); n > 0; n--) s += atoms[r.int(atoms.length)];
      const base = bases[r.int(bases.length)];
      const [mine, node] = both((U) => parts(new U(s, base)).join("|"));
      if (mine !== node) diffs.push(`${JSON.stringify(s)} base ${base} mine=${mine} node=${node}`);
    }
    expect(diffs).toEqual([]);
  });

  const SETTERS: [string, keyof URL, string][] = [
    ["http://a/b", "protocol", "https"], ["http://a/b", "protocol", "foo"], ["foo://a/b", "protocol", "http"], ["http://a:8080/", "protocol", "file"],
    ["http://a/b", "username", "us er@"], ["file:///x", "username", "u"], ["http://a/b", "password", "p:w"], ["http://a/b", "host", "x.org:81"],
    ["http://a/b", "host", "x.org:80"], ["http://a/b", "host", ""], ["http://a/b", "hostname", "y:1"], ["http://a/b", "hostname", "[::1]"],
    ["http://a/b", "port", "8080"], ["http://a/b", "port", "80"], ["http://a:1/b", "port", ""], ["http://a/b", "port", "12ab"], ["http://a/b", "port", "99999"],
    ["http://a/b", "pathname", "/c d/../e"], ["mailto:x", "pathname", "y"], ["http://a/b", "search", "q=1 2"], ["http://a/b?q", "search", ""],
    ["http://a/b", "search", "??x#y"], ["http://a/b", "hash", "h i"], ["http://a/b#h", "hash", ""], ["http://a/b", "href", "https://n/"],
    ["data:a  ", "hash", "x"], ["sc:opaque  #f", "hash", ""],
  ];
  it.each(SETTERS)("setter on %s: %s = %s", (start, key, value) => {
    const [mine, node] = both((U) => { const u = new U(start); (u as unknown as Record<string, string>)[key] = value; return parts(u); });
    expect(mine).toEqual(node);
  });

  it("URLSearchParams: constructors, mutation, sort, iteration, size, and the URL follows", () => {
    const [mine, node] = both((U) => {
      const P = U === URL ? URLSearchParams : (url.URLSearchParams as unknown as typeof URLSearchParams);
      const out: unknown[] = [];
      const p = new P("?a=1&b=2&a=3&c=%20x+y&d");
      out.push(p.get("a"), p.getAll("a"), p.get("c"), p.has("d"), p.has("a", "3"), p.size, p.toString());
      p.append("e", "é &=+"); p.delete("a", "1"); p.set("b", "9"); p.sort();
      out.push([...p], [...p.keys()], [...p.values()], p.toString());
      out.push(new P({ x: "1", y: "2" }).toString(), new P([["k", "v"], ["k", "w"]]).toString(), new P(new P("z=1")).toString());
      const u = new U("http://h/p?x=1");
      u.searchParams.append("y", "a b");
      out.push(u.href, u.search);
      u.search = "?m=2";
      out.push(u.searchParams.get("m"), u.searchParams.get("x"));
      u.searchParams.delete("m");
      out.push(u.href);
      return out;
    });
    expect(mine).toEqual(node);
  });
});

describe("legacy url API matches Node's", () => {
  const LEGACY = ["http://user:pass@host.com:8080/p/a/t/h?query=string#hash", "/path?x=1&y=2", "//host/path", "host.com/path", "http://a.com",
    "HTTP://A.COM/B?C", "mailto:user@example.com", "javascript:alert('x')", "http://x.com/a b?c d#e f", "http://x.com\\a\\b?c\\d",
    "  http://trim.me/  ", "http://[::1]:3000/x", "http://a@b@c/", "http://a.com:/x", "file:///etc/passwd", "http://münchen.de/ä",
    "?only=query", "#only-hash", "http://a_b.com/", "http://-a.com/", "https://x.com/%7Euser/", "http://x.com/'\"<>`{}|^", "ws://h/p"];
  it.each(LEGACY)("url.parse(%s) with and without query parsing and slashesDenoteHost", (input) => {
    for (const [q, s] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      expect(JSON.parse(JSON.stringify(url.parse(input, q, s)))).toEqual(JSON.parse(JSON.stringify(nodeUrl.parse(input, q, s))));
    }
  });

  it("url.format of objects, strings and URLs (with options)", () => {
    const objs: Record<string, unknown>[] = [
      { protocol: "https", hostname: "x.org", pathname: "/p", query: { a: [1, 2], b: "c d" } },
      { protocol: "http:", host: "h:1", pathname: "a#b?c", search: "q=1#", hash: "h" },
      { protocol: "mailto", pathname: "u@x.org" }, { protocol: "file", pathname: "/etc" }, { hostname: "::1", port: 8 },
      { protocol: "http", auth: "us er:p@ss", hostname: "h" }, { slashes: true, host: "x", pathname: "y" },
    ];
    for (const o of objs) expect(url.format(o)).toBe(nodeUrl.format(o as never));
    expect(url.format("http://A.com/x y")).toBe(nodeUrl.format("http://A.com/x y"));
    const u = "https://u:p@例え.jp:8443/a?b#c";
    for (const opts of [undefined, { auth: false }, { fragment: false, search: false }, { unicode: true }]) {
      expect(url.format(new url.URL(u), opts)).toBe(nodeUrl.format(new URL(u), opts));
    }
  });

  const BASE = "http://a/b/c/d;p?q";
  const RFC = ["g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s", "g?y#s", ";x", "g;x", "g;x?y#s", "", ".", "./", "..", "../",
    "../g", "../..", "../../", "../../g", "../../../g", "../../../../g", "/./g", "/../g", "g.", ".g", "g..", "..g", "./../g", "./g/.", "g/./h",
    "g/../h", "g;x=1/./y", "g;x=1/../y", "g?y/./x", "g?y/../x", "g#s/./x", "g#s/../x", "http:g"];
  it.each(RFC)("url.resolve(BASE, %s) (RFC 3986 examples)", (rel) => {
    expect(url.resolve(BASE, rel)).toBe(nodeUrl.resolve(BASE, rel));
  });

  it("url.resolve beyond the RFC table", () => {
    const pairs = [["http://example.com/", "/one"], ["http://example.com/one", "/two"], ["http://example.com/one/", "two"],
      ["mailto:a@b.com", "c@d.com"], ["http://a.com/b", "https://c.com/d"], ["http://a.com/b", "//c.com/d"], ["/a/b", "../c"],
      ["http://u:p@a.com/b", "/c"], ["http://a.com", "?x"], ["file:///a/b", "c"], ["http://a.com/b/", "../../../c"]];
    for (const [from, to] of pairs) expect(url.resolve(from, to)).toBe(nodeUrl.resolve(from, to));
  });
});

describe("file URLs, domains and http options match Node's", () => {
  it("fileURLToPath and pathToFileURL", () => {
    for (const u of ["file:///a%20b/%C3%BC", "file://localhost/x", "file:///tmp/a%23b%3Fc"]) expect(url.fileURLToPath(u)).toBe(nodeUrl.fileURLToPath(u));
    for (const bad of ["file:///a%2Fb", "file://host/a", "http://x/a"]) {
      const codes = [url, nodeUrl].map((m) => { try { m.fileURLToPath(bad); return "none"; } catch (e) { return (e as { code: string }).code; } });
      expect(codes[0]).toBe(codes[1]);
    }
    for (const p of ["/a b/c%d#e?f\\g", "/x/", "/ü", "/tmp/x\ny"]) expect(url.pathToFileURL(p).href).toBe(nodeUrl.pathToFileURL(p).href);
  });

  it("domainToASCII and domainToUnicode", () => {
    for (const d of ["example.com", "EXAMPLE.com", "münchen.de", "bücher.example", "日本語.jp", "xn--mnchen-3ya.de", "xn--iñvalid.com", "a..b", ""]) {
      expect([d, url.domainToASCII(d)]).toEqual([d, nodeUrl.domainToASCII(d)]);
      expect([d, url.domainToUnicode(d)]).toEqual([d, nodeUrl.domainToUnicode(d)]);
    }
  });

  it("urlToHttpOptions", () => {
    for (const u of ["http://u%20s:p@[::1]:8080/a?b#c", "https://h/", "http://h:80/x"]) {
      expect({ ...url.urlToHttpOptions(new url.URL(u)) }).toEqual({ ...nodeUrl.urlToHttpOptions(new URL(u)) });
    }
  });

  it("errors carry Node's code and input", () => {
    const e = (() => { try { new url.URL("nope"); } catch (err) { return err as TypeError & { code: string; input: string }; } })();
    expect(e).toBeInstanceOf(TypeError);
    expect([e?.code, e?.input, e?.message]).toEqual(["ERR_INVALID_URL", "nope", "Invalid URL"]);
    expect(url.URL.canParse("http://x")).toBe(true);
    expect(url.URL.canParse("x")).toBe(false);
  });
});
