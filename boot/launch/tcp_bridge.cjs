// boot/launch/tcp_bridge.cjs — one guest connection through QEMU user networking's guestfwd "cmd:" form (QEMU starts
// this once per connection, with the connection on stdin/stdout): joins it to a TCP connection to 127.0.0.1:PORT,
// and closes each direction when the other side closes it. The plain "tcp:" form is a single character device,
// so only a guest's first connection would reach the host. Plain CommonJS: it runs under the host's Node alone.
"use strict";
const net = require("node:net");
const port = Number(process.argv[2]);
const sock = net.connect(port, "127.0.0.1");
process.stdin.pipe(sock);
sock.pipe(process.stdout);
sock.on("error", () => process.exit(0));
sock.on("close", () => process.exit(0));
process.stdin.on("error", () => sock.destroy());
process.stdout.on("error", () => sock.destroy());
