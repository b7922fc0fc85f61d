// Seeded mutations of valid HTTP requests for the fuzz tests: byte flips, inserted delimiters and digits,
// deletions, duplications, truncation, header injection, bogus lengths and chunk sizes.
import { SeededRandom } from "../../sim/prng.ts";

export const CORPUS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /path/to?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
  "POST /submit HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
  "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
  "HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  "GET /10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  "PUT /p HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
  "DELETE /d HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nCookie: b=2\r\nSet-Cookie: x\r\n\r\n",
  "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nPOST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nz",
  "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  "CONNECT host:443 HTTP/1.1\r\nHost: host:443\r\n\r\n",
  "PATCH /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
  "GET /fold HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n",
];

const INTERESTING = ["\r", "\n", "\r\n", ":", " ", "\t", "\0", "\x7f", "\xff", "0", "9", "-1", "ffffffff", "chunked",
  "Content-Length: ", "Transfer-Encoding: chunked\r\n", "\r\n\r\n", "%", "?", "#", "HTTP/1.1", "Host: x\r\n", ";", ","];

/** One mutation of a random corpus entry (latin1 string). */
export function mutate(r: SeededRandom): string {
  let s = CORPUS[r.int(CORPUS.length)];
  const rounds = 1 + r.int(4);
  for (let i = 0; i < rounds; i++) {
    const at = r.int(s.length + 1);
    switch (r.int(9)) {
      case 0: { // flip a byte
        if (!s.length) break;
        const p = r.int(s.length);
        s = s.slice(0, p) + String.fromCharCode(s.charCodeAt(p) ^ (1 << r.int(8))) + s.slice(p + 1);
        break;
      }
      case 1: s = s.slice(0, at) + INTERESTING[r.int(INTERESTING.length)] + s.slice(at); break;
      case 2: s = s.slice(0, at) + s.slice(at + 1 + r.int(8)); break;
      case 3: { const len = r.int(20); s = s.slice(0, at) + s.slice(at, at + len).repeat(2 + r.int(3)) + s.slice(at + len); break; }
      case 4: s = s.slice(0, at); break;
      case 5: s = s.replace(/\r\n\r\n/, `\r\nX-${r.int(1000)}: ${"v".repeat(r.int(3) === 0 ? 17000 : r.int(50))}\r\n\r\n`); break;
      case 6: s = s.replace(/Content-Length: \d+/, `Content-Length: ${["-1", "1e3", "99999999999999999999", " 5", "0x5", String(r.int(30))][r.int(6)]}`); break;
      case 7: s = s.replace(/\r\n(\d|[0-9a-f]+;ext=1)\r\n/, `\r\n${["zz", "-1", "1000", " 5", "5 ; x", "fffffffffffffff"][r.int(6)]}\r\n`); break;
      default: { // random bytes
        let junk = "";
        for (let k = r.int(12); k > 0; k--) junk += String.fromCharCode(r.int(256));
        s = s.slice(0, at) + junk + s.slice(at);
      }
    }
  }
  return s;
}

/** Splits `s` into 1–4 pieces at random points. */
export function pieces(r: SeededRandom, s: string): string[] {
  const cuts = [0, ...Array.from({ length: r.int(4) }, () => r.int(s.length + 1)).sort((a, b) => a - b), s.length];
  const out: string[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1] > cuts[i]) out.push(s.slice(cuts[i], cuts[i + 1]));
  return out.length ? out : [s];
}
