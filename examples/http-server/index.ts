// examples/http-server — an HTTP microservice unikernel: GET / says hello, POST /echo sends the request body back
// (JSON bodies are parsed and answered as JSON; anything else is streamed back as it arrives), GET /stream?bytes=N
// streams N bytes of a repeating pattern with backpressure. `npm start` boots it with port 8080 forwarded to
// 127.0.0.1:8080.
import http from "node:http";

const port = Number(process.env.PORT ?? 8080);
const PATTERN = Buffer.from("unijs streams bytes with backpressure. ".repeat(400));

function stream(res: http.ServerResponse, total: number): void {
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

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method === "GET" && url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    res.end("Hello from unijs!\n");
  } else if (req.method === "POST" && url.pathname === "/echo") {
    if ((req.headers["content-type"] ?? "").startsWith("application/json")) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ echo: body, bytes: Buffer.concat(chunks).length }));
        } catch (e) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: (e as Error).message }));
        }
      });
    } else {
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/octet-stream" });
      req.pipe(res);
    }
  } else if (req.method === "GET" && url.pathname === "/stream") {
    stream(res, Math.max(0, Math.min(Number(url.searchParams.get("bytes") ?? 1 << 20), 2 ** 31)));
  } else {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`no route for ${req.method} ${url.pathname}\n`);
  }
});

// Idle keep-alive connections stay open 30 s (Node's default is 5 s): under software emulation a burst of requests can
// keep a client busy long enough that it would reuse a connection the server is just closing.
server.keepAliveTimeout = 30_000;
server.listen(port, () => console.log(`http-server listening on port ${port} (from the host: http://127.0.0.1:${port}/)`));
