// examples/udp-echo — a UDP echo server on port 7 (QEMU: --net user,hostfwd=udp:PORT-:7). It echoes every
// datagram back to its sender and logs a line per datagram.
import dgram from "node:dgram";

const port = Number(process.env.PORT ?? 7);
const socket = dgram.createSocket("udp4");
socket.on("message", (msg, rinfo) => {
  console.log(`${rinfo.address}:${rinfo.port} sent ${msg.length} bytes`);
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.on("listening", () => console.log(`udp echo listening on port ${socket.address().port}`));
socket.bind(port);
