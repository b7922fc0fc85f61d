// examples/https-server — an HTTPS microservice unikernel: GET / says hello, GET /bulk?bytes=N streams N bytes of a
// repeating pattern with backpressure (the download `npm run bench -- tls` times). The key and certificate are PEM
// files: TLS_KEY and TLS_CERT name them, by default certs/key.pem and certs/cert.pem next to the app's entry — in
// an image, embed that folder with `--assets certs`. PORT (default 8443) is where it listens; with HTTP_PORT set, the
// same routes are also served over plain HTTP there (the bench compares the two downloads). Layer: example app.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { dirname, join } from "node:path";

const port = Number(process.env.PORT ?? 8443);
const here = dirname(process.argv[1] ?? ".");
const keyFile = process.env.TLS_KEY ?? join(here, "certs/key.pem");
const certFile = process.env.TLS_CERT ?? join(here, "certs/cert.pem");
const PATTERN = Buffer.from("unijs streams bytes over TLS with backpressure. ".repeat(340));

function bulk(res: http.ServerResponse, total: number): void {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(total) });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(PATTERN.length, total - sent);
      sent += n;
      if (!res.write(n === PATTERN.length ? PATTERN : PATTERN.subarray(0, n))) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "https://localhost");
  if (req.method === "GET" && url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    res.end(`Hello from unijs${(req.socket as { encrypted?: boolean }).encrypted ? " over TLS" : ""}!\n`);
  } else if (req.method === "GET" && url.pathname === "/bulk") {
    bulk(res, Math.max(0, Math.min(Number(url.searchParams.get("bytes") ?? 1 << 20), 2 ** 31)));
  } else {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`no route for ${req.method} ${url.pathname}\n`);
  }
}

const server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, route);
server.keepAliveTimeout = 30_000;
server.listen(port, () => console.log(`https-server listening on port ${port} (key ${keyFile}, certificate ${certFile})`));
if (process.env.HTTP_PORT) {
  const plain = http.createServer(route);
  plain.keepAliveTimeout = 30_000;
  plain.listen(Number(process.env.HTTP_PORT), () => console.log(`https-server: plain HTTP on port ${process.env.HTTP_PORT}`));
}
