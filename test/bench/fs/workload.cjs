// test/bench/fs/workload.cjs — the file-system workload of `npm run bench -- fs`: one plain JavaScript script that
// runs unchanged under Node (host, Linux guest) and in a unijs image, using only node:fs's synchronous calls. It runs
// in two phases, each on a fresh start of its runtime (a guest boots twice over the same volume), so that the read
// phase's first reads are cold in the guest by construction (nothing read since boot/mount):
//   write: for each round, a new file of MB MiB in 1 MiB writes, then fsync (seq-R.bin); then the random-read file
//          (rand.bin, RAND_MB MiB, the same way); then, for each round, FILES files of FILE_BYTES bytes in a new folder,
//          each opened, written, fsynced and closed (create + fsync); last a marker file (done.json) with the
//          parameters, fsynced. A guest picks the phase by that marker: absent → write, present → read.
//   read:  for each round, seq-R.bin read in 1 MiB reads (cold: first read since mount), then read again at once
//          ("re-read": what the runtime's caches kept of it), then OPS 4 KiB reads of rand.bin at seeded offsets,
//          each round's offsets distinct from every other round's (so mostly first touches: cold in the guest).
// Every 4 KiB block written carries a stamp (magic, file id, block index) that reads check; a mismatch is counted.
// Only the fs calls are timed (stamping and checking happen between them). The result is one line on stdout:
//   FSBENCH {"phase":...}        (or FSBENCH-SKIP {"reason":...} / FSBENCH-ERROR {"error":...}, exit 3 / 1)
// Arguments: --dir D --mb N --rand-mb N --ops N --files N --file-bytes N --rounds N [--phase write|read|auto]
//            [--expect-volume] (the folder's parent must be the root of a fresh ext4 volume: it holds lost+found).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const MiB = 1024 * 1024;
const BLOCK = 4096;
const MAGIC = 0x46534245;            // "FSBE"
const RAND_FILE_ID = 1000;           // seq-R.bin has file id R; small files are not stamped per block

function options(argv) {
  const o = { dir: "/data/fs-bench", mb: 64, randMb: 64, ops: 1000, files: 300, fileBytes: 1024, rounds: 3,
    phase: "auto", expectVolume: false };
  const names = { "--dir": "dir", "--mb": "mb", "--rand-mb": "randMb", "--ops": "ops", "--files": "files",
    "--file-bytes": "fileBytes", "--rounds": "rounds", "--phase": "phase" };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--expect-volume") { o.expectVolume = true; continue; }
    const key = names[argv[i]];
    if (!key) throw new Error(`unknown argument '${argv[i]}'`);
    const v = argv[++i];
    o[key] = key === "dir" || key === "phase" ? v : Number(v);
  }
  for (const k of ["mb", "randMb", "ops", "files", "fileBytes", "rounds"]) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`--${k} must be a whole number ≥ 1, not ${o[k]}`);
  }
  if (o.ops * o.rounds > (o.randMb * MiB) / BLOCK / 2) throw new Error("--ops × --rounds must be at most half of rand.bin's 4 KiB blocks");
  return o;
}

function emit(tag, value) {
  console.log(`${tag} ${JSON.stringify(value)}`);
}

const now = () => performance.now();
const round3 = (x) => Math.round(x * 1000) / 1000;

function stamp(buf, fileId, firstBlock) {
  for (let off = 0, b = firstBlock; off < buf.length; off += BLOCK, b++) {
    buf.writeUInt32LE(MAGIC, off);
    buf.writeUInt32LE(fileId, off + 4);
    buf.writeUInt32LE(b, off + 8);
  }
}

/** The number of 4 KiB blocks in buf[0, n) whose stamp is not (fileId, firstBlock + i). */
function badStamps(buf, n, fileId, firstBlock) {
  let bad = 0;
  for (let off = 0, b = firstBlock; off < n; off += BLOCK, b++) {
    if (buf.readUInt32LE(off) !== MAGIC || buf.readUInt32LE(off + 4) !== fileId || buf.readUInt32LE(off + 8) !== b) bad++;
  }
  return bad;
}

/** Writes `mb` MiB of stamped blocks in 1 MiB writes, then fsyncs: the fs calls' time, split into writes and fsync. */
function writeFile(file, fileId, mb, buf) {
  let writeMs = 0;
  const t0 = now();
  const fd = fs.openSync(file, "w");
  writeMs += now() - t0;
  for (let i = 0; i < mb; i++) {
    stamp(buf, fileId, i * (MiB / BLOCK));
    const t = now();
    for (let off = 0; off < MiB;) off += fs.writeSync(fd, buf, off, MiB - off, null);
    writeMs += now() - t;
  }
  const t1 = now();
  fs.fsyncSync(fd);
  const fsyncMs = now() - t1;
  const t2 = now();
  fs.closeSync(fd);
  writeMs += now() - t2;
  return { writeMs: round3(writeMs), fsyncMs: round3(fsyncMs) };
}

/** Reads a whole file in 1 MiB reads: the fs calls' time, bytes, and blocks whose stamp was wrong. */
function readFile(file, fileId, buf) {
  let ms = 0, bytes = 0, bad = 0;
  const t0 = now();
  const fd = fs.openSync(file, "r");
  ms += now() - t0;
  for (;;) {
    const t = now();
    let n = 0;
    for (;;) {                              // a whole MiB (or to the end), so stamps line up
      const got = fs.readSync(fd, buf, n, MiB - n, null);
      if (got === 0) break;
      n += got;
      if (n === MiB) break;
    }
    ms += now() - t;
    if (n === 0) break;
    bad += badStamps(buf, n, fileId, bytes / BLOCK);
    bytes += n;
    if (n < MiB) break;
  }
  const t1 = now();
  fs.closeSync(fd);
  ms += now() - t1;
  return { ms: round3(ms), bytes, bad };
}

/** A seeded generator of numbers in [0, 1) (the same sequence in every runtime). */
function prng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** Round r's `ops` distinct block numbers: b ≡ r (mod rounds), so no two rounds share a block. */
function randomBlocks(o, r) {
  const perRound = Math.floor((o.randMb * MiB) / BLOCK / o.rounds);
  const rnd = prng(0x5eed + r);
  const seen = new Set();
  const out = [];
  while (out.length < o.ops) {
    const b = Math.floor(rnd() * perRound) * o.rounds + r;
    if (!seen.has(b)) { seen.add(b); out.push(b); }
  }
  return out;
}

function randomReads(file, blocks, buf) {
  let ms = 0, bad = 0;
  const fd = fs.openSync(file, "r");
  for (const b of blocks) {
    const t = now();
    const n = fs.readSync(fd, buf, 0, BLOCK, b * BLOCK);
    ms += now() - t;
    bad += n === BLOCK ? badStamps(buf, BLOCK, RAND_FILE_ID, b) : 1;
  }
  fs.closeSync(fd);
  return { ms: round3(ms), ops: blocks.length, bad };
}

function smallFiles(folder, count, size, round) {
  fs.mkdirSync(folder);
  const data = Buffer.alloc(size, 0x61 + (round % 26));
  const t0 = now();
  for (let i = 0; i < count; i++) {
    const fd = fs.openSync(path.join(folder, `f-${String(i).padStart(6, "0")}`), "w");
    for (let off = 0; off < size;) off += fs.writeSync(fd, data, off, size - off, null);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  return { ms: round3(now() - t0), files: count };
}

function params(o) {
  return { mb: o.mb, randMb: o.randMb, ops: o.ops, files: o.files, fileBytes: o.fileBytes, rounds: o.rounds };
}

function writePhase(o, buf) {
  fs.mkdirSync(o.dir, { recursive: true });
  const seq = [];
  for (let r = 0; r < o.rounds; r++) seq.push(writeFile(path.join(o.dir, `seq-${r}.bin`), r, o.mb, buf));
  const rand = writeFile(path.join(o.dir, "rand.bin"), RAND_FILE_ID, o.randMb, buf);
  const small = [];
  for (let r = 0; r < o.rounds; r++) small.push(smallFiles(path.join(o.dir, `small-${r}`), o.files, o.fileBytes, r));
  const fd = fs.openSync(path.join(o.dir, "done.json"), "w");
  const text = Buffer.from(JSON.stringify(params(o)));
  for (let off = 0; off < text.length;) off += fs.writeSync(fd, text, off, text.length - off, null);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return { seq, rand, small };
}

function readPhase(o, buf) {
  const done = JSON.parse(fs.readFileSync(path.join(o.dir, "done.json"), "utf8"));
  if (JSON.stringify(done) !== JSON.stringify(params(o))) {
    throw new Error(`the write phase ran with ${JSON.stringify(done)}, this read phase with ${JSON.stringify(params(o))}`);
  }
  const cold = [], warm = [], random = [];
  for (let r = 0; r < o.rounds; r++) {
    const file = path.join(o.dir, `seq-${r}.bin`);
    cold.push(readFile(file, r, buf));
    warm.push(readFile(file, r, buf));
    random.push(randomReads(path.join(o.dir, "rand.bin"), randomBlocks(o, r), buf));
  }
  return { cold, warm, random };
}

function main() {
  let o;
  try {
    o = options(process.argv.slice(2));
  } catch (e) {
    emit("FSBENCH-ERROR", { error: `bad arguments: ${e.message}` });
    process.exitCode = 1;
    return;
  }
  const runtime = process.versions.unijs ? `unijs ${process.versions.unijs}` : `node ${process.version}`;
  if (o.expectVolume) {
    const lost = path.join(path.dirname(o.dir), "lost+found");
    let ok = false;
    try { ok = fs.statSync(lost).isDirectory(); } catch { ok = false; }
    if (!ok) {
      emit("FSBENCH-SKIP", { runtime, reason: `${lost} is not there: no fresh ext4 volume is mounted at ${path.dirname(o.dir)}` });
      process.exitCode = 3;
      return;
    }
  }
  let phase = o.phase;
  if (phase === "auto") phase = fs.existsSync(path.join(o.dir, "done.json")) ? "read" : "write";
  const buf = Buffer.alloc(MiB, 0x5a);
  try {
    const t0 = now();
    const figures = phase === "write" ? writePhase(o, buf) : readPhase(o, buf);
    emit("FSBENCH", { phase, runtime, params: params(o), totalMs: round3(now() - t0), ...figures });
  } catch (e) {
    emit("FSBENCH-ERROR", { phase, runtime, error: `${e && e.code ? e.code + " " : ""}${e && e.message ? e.message : String(e)}`,
      stack: e && e.stack ? String(e.stack).split("\n").slice(0, 8).join("\n") : undefined });
    process.exitCode = 1;
  }
}

main();
