// When callbacks and promises run, where Node defines it: never synchronously (except where Node itself calls
// back at once: exists() with a bad path, an already-aborted readFile, recursive readdir), after the nextTicks
// and promise jobs of the code that made the call, in the poll phase (so an immediate set inside runs before a
// timeout of 0 set inside), and a zero-length read through nextTick.
export default async function (t) {
  const { fs, fsp, log } = t;
  fs.writeFileSync("f", "data");
  await t.wait(1);           // from here on, both engines run this code as a promise continuation
  await new Promise((resolve) => {
    const order = [];
    fs.stat("f", () => {
      order.push("stat callback");
      t.setTimeout(() => order.push("timeout set in callback"), 0);
      t.setImmediate(() => {
        order.push("immediate set in callback");
        t.setTimeout(() => { log("order 1", order); resolve(); }, 2);
      });
      t.nextTick(() => order.push("tick set in callback"));
      Promise.resolve().then(() => order.push("promise job set in callback"));
    });
    t.nextTick(() => order.push("tick"));
    Promise.resolve().then(() => order.push("promise job"));
    order.push("after call");
  });

  await new Promise((resolve) => {
    const order = [];
    fs.read(fs.openSync("f", "r"), new Uint8Array(4), 0, 0, null, () => order.push("zero-length read"));
    fs.readFile("f", () => { order.push("readFile"); log("order 2", order); resolve(); });
    t.nextTick(() => order.push("tick"));
    fs.exists(5, (e) => order.push(`exists(bad path) ${e}`));
    fs.readFile("f", { signal: { aborted: true } }, (e) => order.push(`aborted readFile ${e.name}`));
    fs.readdir(".", { recursive: true }, () => order.push("recursive readdir"));
    order.push("after calls");
  });

  await new Promise((resolve) => {
    const order = [];
    fsp.stat("f").then(() => { order.push("promise stat"); log("order 3", order); resolve(); });
    Promise.resolve().then(() => order.push("promise job"));
    t.nextTick(() => order.push("tick"));
    order.push("after call");
  });

  await new Promise((resolve) => {
    const order = [];
    fs.writeFile("g", "x", () => {
      order.push("writeFile");
      fs.readFile("g", "utf8", (err, s) => {
        order.push(`readFile ${s}`);
        t.setImmediate(() => order.push("immediate"));
        t.setTimeout(() => { log("order 4", order); resolve(); }, 1);
      });
    });
  });

  const errors = await Promise.all([
    new Promise((resolve) => fs.stat("missing", (err) => resolve(err.code))),
    new Promise((resolve) => fs.readFile("missing", (err) => resolve(err.code))),
    fsp.readFile("missing").catch((err) => `promise ${err.code}`),
  ]);
  log("errors passed, not thrown", errors);
}
