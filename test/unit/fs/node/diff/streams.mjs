// ReadStream and WriteStream: events and their order ('open', 'ready', 'data', 'end', 'finish', 'close'),
// start/end, highWaterMark chunks, encodings, fd and FileHandle sources, backpressure, errors, autoClose.
export default async function (t) {
  const { fs, fsp, log } = t;
  const data = new Uint8Array(200_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  fs.writeFileSync("big", data);
  fs.writeFileSync("small", "0123456789");

  const collect = (label, stream, { events = ["open", "ready", "end", "close", "error"] } = {}) => new Promise((resolve) => {
    const seen = [];
    let bytes = 0, chunks = 0, text = "";
    for (const e of events) stream.on(e, (...a) => {
      seen.push(e === "open" ? `open(${typeof a[0]})` : e === "error" ? `error(${a[0].code})` : e);
      if (e === "close" || (e === "error" && !stream.autoClose)) {
        log(label, seen.join(","), bytes, chunks, text.slice(0, 40), stream.bytesRead, stream.pending);
        resolve();
      }
    });
    stream.on("data", (c) => { chunks++; bytes += c.length; if (typeof c === "string") text += c; });
  });

  await collect("read all", fs.createReadStream("big"));
  await collect("read hwm 1000", fs.createReadStream("big", { highWaterMark: 1000 }));
  await collect("read start/end", fs.createReadStream("small", { start: 2, end: 5, encoding: "utf8" }));
  await collect("read start only", fs.createReadStream("small", { start: 7, encoding: "utf8" }));
  await collect("read end 0", fs.createReadStream("small", { end: 0, encoding: "utf8" }));
  await collect("read string options", fs.createReadStream("small", "hex"));
  await collect("read url", fs.createReadStream(new URL(`file://${t.root}/small`), { encoding: "latin1" }));
  await collect("read missing", fs.createReadStream("missing"));
  await collect("read dir", fs.createReadStream("."));
  const fd = fs.openSync("small", "r");
  await collect("read fd", fs.createReadStream(null, { fd, encoding: "utf8" }));
  log("fd closed after", (() => { try { fs.fstatSync(fd); return "open"; } catch (e) { return e.code; } })());
  const fd2 = fs.openSync("small", "r");
  const keep = fs.createReadStream("", { fd: fd2, autoClose: false, encoding: "utf8" });
  await new Promise((resolve) => { keep.on("data", () => {}); keep.on("end", () => { log("autoClose false end", keep.destroyed); resolve(); }); });
  log("autoClose false fd", (() => { try { fs.fstatSync(fd2); return "open"; } catch (e) { return e.code; } })());
  fs.closeSync(fd2);
  const fh = await fsp.open("small");
  await collect("read FileHandle", fh.createReadStream({ encoding: "utf8", start: 1 }));
  log("FileHandle after stream", fh.fd);

  for (const [label, fn] of [
    ["bad start", () => fs.createReadStream("small", { start: -1 })],
    ["start > end", () => fs.createReadStream("small", { start: 5, end: 2 })],
    ["bad end", () => fs.createReadStream("small", { end: "a" })],
    ["bad fd", () => fs.createReadStream("small", { fd: "a" })],
    ["bad path", () => fs.createReadStream(5)],
    ["write bad start", () => fs.createWriteStream("w", { start: -2 })],
    ["write bad flush", () => fs.createWriteStream("w", { flush: 1 })],
  ]) {
    try {
      fn();
      log(label, "no error");
    } catch (e) {
      log(label, e);
    }
  }

  const rs = fs.createReadStream("big", { highWaterMark: 4096 });
  log("ReadStream class", rs instanceof fs.ReadStream, typeof rs.close, rs.path, rs.flags, rs.mode.toString(8), rs.start, rs.end, rs.autoClose);
  await new Promise((resolve) => {
    let first = true;
    rs.on("data", () => {
      if (!first) return;
      first = false;
      rs.close((err) => { log("close(cb) on reading stream", err && `${err.code}: ${err.message}`, rs.destroyed); resolve(); });
    });
  });

  const ws = fs.createWriteStream("out");
  log("WriteStream class", ws instanceof fs.WriteStream, ws.path, ws.flags, ws.pending, ws.bytesWritten);
  const wEvents = [];
  for (const e of ["open", "ready", "finish", "close"]) ws.on(e, (a) => wEvents.push(e === "open" ? `open(${typeof a})` : e));
  let drains = 0;
  ws.on("drain", () => drains++);
  const closed = new Promise((resolve) => ws.on("close", resolve));
  const results = [];
  for (let i = 0; i < 5; i++) results.push(ws.write(new Uint8Array(6000).fill(65 + i)));
  results.push(ws.write("tail", "utf8"));
  ws.end("!");
  await closed;
  log("write stream", results, wEvents.join(","), ws.bytesWritten, drains, fs.statSync("out").size);
  log("write stream content", fs.readFileSync("out").subarray(29990));

  const ws2 = fs.createWriteStream("out", { flags: "r+", start: 2, encoding: "hex" });
  ws2.write("4142");
  await new Promise((resolve) => ws2.end(resolve));
  log("write start", fs.readFileSync("out").subarray(0, 6));

  const ws3 = fs.createWriteStream("missing-dir/x");
  await new Promise((resolve) => ws3.on("error", (e) => { log("write open error", e); resolve(); }));
  await t.wait(5);
  log("write open error state", ws3.destroyed, ws3.closed);

  const ws4 = fs.createWriteStream("appended", { flags: "a" });
  ws4.write("a");
  ws4.write("b");
  await new Promise((resolve) => ws4.close(resolve));
  log("close(cb) on write stream", fs.readFileSync("appended", "utf8"), ws4.closed);
  await new Promise((resolve) => ws4.close(() => { log("close(cb) again", ws4.closed); resolve(); }));

  const wh = await fsp.open("via-handle", "w");
  const ws5 = wh.createWriteStream();
  ws5.end("handle data");
  await new Promise((resolve) => ws5.on("close", resolve));
  log("write FileHandle", fs.readFileSync("via-handle", "utf8"), wh.fd);

  const ws6 = fs.createWriteStream("corked");
  ws6.cork();
  ws6.write("1");
  ws6.write("2");
  ws6.write("3");
  t.nextTick(() => ws6.uncork());
  await new Promise((resolve) => ws6.end(resolve));
  log("corked writes", fs.readFileSync("corked", "utf8"), ws6.bytesWritten);

  const src = fs.createReadStream("big", { highWaterMark: 16384 });
  const dst = fs.createWriteStream("copy");
  await new Promise((resolve, reject) => { src.pipe(dst); dst.on("close", resolve); dst.on("error", reject); });
  const a = fs.readFileSync("big"), b = fs.readFileSync("copy");
  log("pipe copy", a.length === b.length && a.every((x, i) => x === b[i]));
}
