// Trees: opendir/Dir (read, readSync, bufferSize, recursive, close twice), rm/rmSync/rmdir recursive, cp/cpSync
// with its options and refusals, readdir recursive through symlinks.
export default async function (t) {
  const { fs, fsp, step, stepAsync, log, sorted, cb } = t;
  const tree = (base) => {
    fs.mkdirSync(`${base}/a/b`, { recursive: true });
    fs.mkdirSync(`${base}/c`);
    fs.writeFileSync(`${base}/top.txt`, "top");
    fs.writeFileSync(`${base}/a/one.txt`, "one");
    fs.writeFileSync(`${base}/a/b/two.txt`, "two");
    fs.symlinkSync("a/one.txt", `${base}/link`);
    fs.symlinkSync("a", `${base}/dirlink`);
    fs.chmodSync(`${base}/a/one.txt`, 0o640);
  };
  tree("src");
  const list = (dir) => sorted(fs.readdirSync(dir, { recursive: true }));

  step("readdirSync recursive (follows symlinked dirs)", () => list("src"));
  step("opendirSync", () => {
    const d = fs.opendirSync("src", { bufferSize: 2 });
    const names = [];
    let e;
    while ((e = d.readSync()) !== null) names.push(e);
    d.closeSync();
    return [d.path, sorted(names)];
  });
  step("opendirSync recursive", () => {
    const d = fs.opendirSync("src", { recursive: true });
    const names = [];
    let e;
    while ((e = d.readSync()) !== null) names.push(`${e.parentPath}/${e.name}`);
    d.closeSync();
    return sorted(names);
  });
  step("opendirSync closed twice", () => { const d = fs.opendirSync("src"); d.closeSync(); d.closeSync(); });
  step("opendirSync read after close", () => { const d = fs.opendirSync("src"); d.closeSync(); d.readSync(); });
  step("opendirSync file", () => fs.opendirSync("src/top.txt"));
  step("opendirSync missing", () => fs.opendirSync("missing"));
  step("opendirSync bad bufferSize", () => fs.opendirSync("src", { bufferSize: 0 }));
  await cb("opendir", (done) => fs.opendir("src", (err, d) => {
    d.read((e1, first) => {
      d.read((e2, second) => {
        d.close((e3) => done(e1, typeof first.name, e2, typeof second.name, e3));
      });
    });
  }));
  await cb("opendir missing", (done) => fs.opendir("missing", done));
  await stepAsync("Dir read promise", async () => {
    const d = await fsp.opendir("src/a");
    const got = [];
    for (let e = await d.read(); e !== null; e = await d.read()) got.push(e.name);
    await d.close();
    return sorted(got);
  });
  await stepAsync("Dir close promise twice", async () => { const d = await fsp.opendir("src"); await d.close(); return d.close(); });
  await stepAsync("Dir concurrent readSync", async () => {
    const d = fs.opendirSync("src", { bufferSize: 1 });
    d.read(() => {});
    try { d.readSync(); return "no error"; } catch (e) { return e; } finally { await new Promise((r) => t.setTimeout(r, 1)); d.closeSync(); }
  });

  step("cpSync file", () => { fs.cpSync("src/top.txt", "out/top.txt"); return fs.readFileSync("out/top.txt", "utf8"); });
  step("cpSync dir without recursive", () => fs.cpSync("src", "dst"));
  step("cpSync recursive", () => { fs.cpSync("src", "dst", { recursive: true }); return [list("dst"), fs.readlinkSync("dst/link"), (fs.statSync("dst/a/one.txt").mode & 0o777).toString(8)]; });
  step("cpSync again onto links", () => fs.cpSync("src/link", "dst/link"));
  fs.mkdirSync("flat");
  fs.writeFileSync("flat/only.txt", "v1");
  step("cpSync flat", () => { fs.cpSync("flat", "flat2", { recursive: true }); return fs.readFileSync("flat2/only.txt", "utf8"); });
  step("cpSync again (force)", () => { fs.writeFileSync("flat2/only.txt", "changed"); fs.cpSync("flat", "flat2", { recursive: true }); return fs.readFileSync("flat2/only.txt", "utf8"); });
  step("cpSync errorOnExist", () => fs.cpSync("flat", "flat2", { recursive: true, force: false, errorOnExist: true }));
  step("cpSync no force keeps", () => { fs.writeFileSync("flat2/only.txt", "kept"); fs.cpSync("flat", "flat2", { recursive: true, force: false }); return fs.readFileSync("flat2/only.txt", "utf8"); });
  step("cpSync filter", () => { fs.cpSync("src", "filtered", { recursive: true, filter: (s) => !s.endsWith("two.txt") }); return list("filtered"); });
  step("cpSync filter promise", () => fs.cpSync("src", "f2", { recursive: true, filter: async () => true }));
  step("cpSync into itself", () => fs.cpSync("src", "src/a/inner", { recursive: true }));
  step("cpSync same", () => fs.cpSync("src/top.txt", "src/top.txt"));
  step("cpSync dir over file", () => fs.cpSync("src/a", "src/top.txt", { recursive: true }));
  step("cpSync file over dir", () => fs.cpSync("src/top.txt", "src/c"));
  step("cpSync missing", () => fs.cpSync("missing", "x"));
  step("cpSync dereference", () => { fs.cpSync("src/link", "deref.txt", { dereference: true }); return fs.lstatSync("deref.txt").isFile(); });
  step("cpSync verbatimSymlinks", () => { fs.cpSync("src/link", "verb", { verbatimSymlinks: true }); return fs.readlinkSync("verb"); });
  step("cpSync symlink resolved", () => { fs.cpSync("src/link", "resolved"); return fs.readlinkSync("resolved").replace(t.root, "<root>"); });
  step("cpSync preserveTimestamps", () => { fs.utimesSync("src/top.txt", 1000, 2000); fs.cpSync("src/top.txt", "ts.txt", { preserveTimestamps: true }); return fs.statSync("ts.txt").mtimeMs; });
  step("cpSync bad options", () => fs.cpSync("src", "x", { recursive: "yes" }));
  step("cpSync incompatible", () => fs.cpSync("src", "x", { dereference: true, verbatimSymlinks: true }));
  step("cpSync bad mode", () => fs.cpSync("src/top.txt", "x", { mode: 9 }));
  step("cpSync COPYFILE_EXCL", () => fs.cpSync("src/top.txt", "out/top.txt", { mode: fs.constants.COPYFILE_EXCL }));
  await stepAsync("promises.cp", async () => { await fsp.cp("src", "pdst", { recursive: true, filter: async (s) => !s.endsWith("b") }); return list("pdst"); });
  await stepAsync("promises.cp dir without recursive", () => fsp.cp("src", "pdst2"));
  await stepAsync("promises.cp into itself", () => fsp.cp("src", "src/c/x", { recursive: true }));
  await cb("cp callback", (done) => fs.cp("src/a", "cdst", { recursive: true }, (err) => done(err, list("cdst"))));
  await cb("cp callback missing", (done) => fs.cp("missing", "cdst2", done));

  step("rmSync file", () => { fs.rmSync("out/top.txt"); return fs.existsSync("out/top.txt"); });
  step("rmSync dir", () => fs.rmSync("dst"));
  step("rmSync missing", () => fs.rmSync("missing"));
  step("rmSync missing force", () => fs.rmSync("missing", { force: true }));
  step("rmSync -r", () => { fs.rmSync("dst", { recursive: true }); return fs.existsSync("dst"); });
  step("rmSync -rf missing", () => fs.rmSync("dst", { recursive: true, force: true }));
  step("rmSync symlink to dir", () => { fs.rmSync("src/dirlink", { recursive: true }); return [fs.existsSync("src/dirlink"), fs.existsSync("src/a/one.txt")]; });
  step("rmSync bad options", () => fs.rmSync("x", 5));
  step("rmSync bad force", () => fs.rmSync("x", { force: "y" }));
  step("rmSync bad retries", () => fs.rmSync("x", { maxRetries: -1 }));
  step("rmdirSync recursive", () => { fs.rmdirSync("filtered", { recursive: true }); return fs.existsSync("filtered"); });
  step("rmdirSync recursive missing", () => fs.rmdirSync("filtered", { recursive: true }));
  step("rmdirSync recursive file", () => fs.rmdirSync("src/top.txt", { recursive: true }));
  await cb("rm -r callback", (done) => fs.rm("pdst", { recursive: true }, (err) => done(err, fs.existsSync("pdst"))));
  await cb("rmdir recursive callback", (done) => fs.rmdir("cdst", { recursive: true }, (err) => done(err, fs.existsSync("cdst"))));
  await stepAsync("promises rm -r", async () => { await fsp.rm("src", { recursive: true }); return fs.existsSync("src"); });
  step("left", () => sorted(fs.readdirSync(".")));
}
