import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPalisadeError, type PalisadeError } from '../core/errors.ts';
import type { FrameSink, RawFrame } from './frame.ts';
import { LiveCapture, PcapRotator, PcapStream, TcpdumpStderr, fileStamp, findTcpdump, parseTcpdumpStats, tcpdumpArgs } from './live.ts';
import { PcapParser } from './pcap.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-live-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---- tcpdump's stderr ---------------------------------------------------------------------
// Texts captured from Debian's tcpdump 4.99.3 / libpcap 1.10.3 on Linux, unless noted.

/** `tcpdump -U -w - -i lo -Z root`, some TCP and UDP on lo, SIGUSR1, then SIGINT. */
const REAL_RUN =
  'tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n' +
  'tcpdump: 0 packets captured, 24 packets received by filter, 0 packets dropped by kernel\n' +
  '12 packets captured\n' +
  '24 packets received by filter\n' +
  '0 packets dropped by kernel\n';

/** The same, interrupted before any packet. */
const REAL_IDLE = 'tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n';

const REAL_NO_DEVICE = 'tcpdump: nosuchif: No such device exists\n(No such device exists)\n';
const REAL_BAD_FILTER = "tcpdump: can't parse filter expression: syntax error\n";
const REAL_NO_PERMISSION = "tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n";

// tcpdump prints "dropped by interface" only when libpcap reports a non-zero ps_ifdrop, which
// lo never does; these follow tcpdump.c info() (verbose = at exit, non-verbose = SIGUSR1),
// including its singular "packet" for 1.
const IFDROP_AT_EXIT = '1 packet captured\n5 packets received by filter\n1 packet dropped by kernel\n3 packets dropped by interface\n';
const IFDROP_ON_USR1 = 'tcpdump: 1 packet captured, 5 packets received by filter, 1 packet dropped by kernel, 3 packets dropped by interface\n';
/** tcpdump 4.9 (Debian 9/10) said "capture size" instead of "snapshot length". */
const OLD_LISTENING = 'tcpdump: listening on eth0, link-type EN10MB (Ethernet), capture size 262144 bytes\n';

test('drop counts: the report tcpdump prints at exit, after a SIGUSR1 one', () => {
  const r = new TcpdumpStderr();
  const seen: unknown[] = [];
  r.onReport = (s) => seen.push(s);
  r.push(REAL_RUN);
  // The multi-line report is published once it is clear no "dropped by interface" line follows.
  assert.equal(seen.length, 1);
  r.end();
  assert.deepEqual(seen, [
    { captured: 0, receivedByFilter: 24, droppedByKernel: 0, droppedByInterface: null },
    { captured: 12, receivedByFilter: 24, droppedByKernel: 0, droppedByInterface: null },
  ]);
  assert.equal(r.reports, 2);
  assert.deepEqual(r.stats, { captured: 12, receivedByFilter: 24, droppedByKernel: 0, droppedByInterface: null });
  assert.equal(r.listening, true);
  assert.equal(r.listeningLine, 'listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes');
  // Drop counts are not kept as messages.
  assert.deepEqual(r.messages(), ['tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes']);
});

test('drop counts: an idle capture, and interface drops in both forms', () => {
  assert.deepEqual(parseTcpdumpStats(REAL_IDLE), { captured: 0, receivedByFilter: 0, droppedByKernel: 0, droppedByInterface: null });
  const want = { captured: 1, receivedByFilter: 5, droppedByKernel: 1, droppedByInterface: 3 };
  assert.deepEqual(parseTcpdumpStats(IFDROP_AT_EXIT), want);
  assert.deepEqual(parseTcpdumpStats(IFDROP_ON_USR1), want);
  // The interface line completes the multi-line report at once.
  const r = new TcpdumpStderr();
  r.push(IFDROP_AT_EXIT);
  assert.equal(r.reports, 1);
  // Another program name (tcpdump run through a different argv[0]) and CRLF.
  assert.deepEqual(parseTcpdumpStats(IFDROP_ON_USR1.replace('tcpdump:', 'tcpdump.real:').replace('\n', '\r\n')), want);
});

test('drop counts: the output does not depend on how stderr is split', () => {
  const text = REAL_RUN + IFDROP_ON_USR1;
  const whole = new TcpdumpStderr();
  whole.push(text);
  whole.end();
  for (let cut = 0; cut <= text.length; cut++) {
    const r = new TcpdumpStderr();
    const got: unknown[] = [];
    r.onReport = (s) => got.push(s);
    r.push(text.slice(0, cut));
    r.push(text.slice(cut));
    r.end();
    assert.equal(r.reports, 3, `cut at ${cut}`);
    assert.deepEqual(r.stats, whole.stats, `cut at ${cut}`);
    assert.equal(got.length, 3);
  }
  // One character at a time.
  const r = new TcpdumpStderr();
  for (const ch of text) r.push(ch);
  r.end();
  assert.deepEqual(r.stats, whole.stats);
});

test('drop counts: error texts are messages, not counts', () => {
  for (const text of [REAL_NO_DEVICE, REAL_BAD_FILTER, REAL_NO_PERMISSION]) {
    const r = new TcpdumpStderr();
    r.push(text);
    r.end();
    assert.equal(r.stats, null);
    assert.equal(r.listening, false);
    assert.deepEqual(r.messages(), text.trimEnd().split('\n'));
  }
  // A line that merely mentions packets is not a count.
  assert.equal(parseTcpdumpStats('tcpdump: warning: 3 packets captured, maybe\n'), null);
  assert.equal(parseTcpdumpStats('12 packets captured\n'), null); // incomplete: no filter/kernel counts
  const old = new TcpdumpStderr();
  old.push(OLD_LISTENING);
  assert.equal(old.listening, true);
});

test('tcpdump arguments: pcap to stdout, flushed per packet, no privilege drop, filter after --', () => {
  assert.deepEqual(tcpdumpArgs({ iface: 'eth1' }), ['-U', '-w', '-', '-i', 'eth1', '-s', '262144', '-Z', 'root']);
  assert.deepEqual(tcpdumpArgs({ iface: 'lo', snaplen: 96, bufferKiB: 8192, filter: 'tcp port 502' }), [
    '-U', '-w', '-', '-i', 'lo', '-s', '96', '-Z', 'root', '-B', '8192', '--', 'tcp port 502',
  ]);
  assert.deepEqual(tcpdumpArgs({ iface: 'lo', filter: '  ' }).includes('--'), false);
});

test('file names are the UTC time the file was opened', () => {
  assert.equal(fileStamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '20250102T030405Z');
});

// ---- rotation ------------------------------------------------------------------------------

const HEADER_LEN = 24;

/** A little-endian microsecond pcap (magic d4c3b2a1, v2.4, snaplen 262144, Ethernet) with records of the given captured sizes. */
function buildPcap(sizes: number[]): { bytes: Uint8Array; records: Uint8Array[] } {
  const parts: Uint8Array[] = [];
  const h = new DataView(new ArrayBuffer(HEADER_LEN));
  h.setUint32(0, 0xa1b2c3d4, true); // magic, written little-endian
  h.setUint16(4, 2, true); // version major
  h.setUint16(6, 4, true); // version minor
  h.setInt32(8, 0, true); // thiszone
  h.setUint32(12, 0, true); // sigfigs
  h.setUint32(16, 262144, true); // snaplen
  h.setUint32(20, 1, true); // linktype: Ethernet
  parts.push(new Uint8Array(h.buffer));
  const records: Uint8Array[] = [];
  sizes.forEach((n, i) => {
    const r = new Uint8Array(16 + n);
    const dv = new DataView(r.buffer);
    dv.setUint32(0, 1_700_000_000 + i, true); // ts seconds
    dv.setUint32(4, (i * 7919) % 1_000_000, true); // ts microseconds
    dv.setUint32(8, n, true); // caplen
    dv.setUint32(12, n + (i % 3), true); // wirelen (sometimes longer: snapped)
    for (let j = 0; j < n; j++) r[16 + j] = (i * 31 + j) & 0xff;
    records.push(r);
    parts.push(r);
  });
  const total = parts.reduce((a, p) => a + p.length, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  return { bytes, records };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

class Collect implements FrameSink {
  frames: { ts: number; caplen: number; wirelen: number; first: number }[] = [];
  frame(f: RawFrame): void {
    this.frames.push({ ts: f.ts, caplen: f.caplen, wirelen: f.wirelen, first: f.caplen > 0 ? f.data[f.offset] : -1 });
  }
}

/** Reads a pcap file back with PcapParser: it must be whole and valid. */
function readBack(path: string): { header: Uint8Array; records: number; body: Uint8Array } {
  const b = new Uint8Array(readFileSync(path));
  const p = new PcapParser({ name: path });
  const c = new Collect();
  p.push(b, c);
  p.finish(); // throws E_TRUNCATED if a record was cut
  assert.equal(p.linktype, 1);
  assert.equal(p.snaplen, 262144);
  return { header: b.subarray(0, HEADER_LEN), records: c.frames.length, body: b.subarray(HEADER_LEN) };
}

const SIZES = [60, 0, 1514, 1, 9000, 42, 70000, 60, 60, 1514, 300, 5, 128, 64000, 60, 1514, 2, 999, 60, 60, 1514, 77, 3000, 60];
const CHUNKS = [1, 7, 13, 24, 100, 4093, 3, 65536, 17, 1500];

function feed(stream: PcapStream, bytes: Uint8Array, chunkSizes: number[], between?: (i: number) => void): void {
  let off = 0;
  let i = 0;
  while (off < bytes.length) {
    const n = chunkSizes[i % chunkSizes.length];
    // A fresh copy per chunk, as a pipe delivers them: nothing may keep a view of an old chunk.
    stream.push(bytes.slice(off, off + n));
    off += n;
    between?.(i++);
  }
}

const LIMIT = 5000;

test('rotation by size: every file a valid pcap, the records in order, frames delivered as parsed', (t) => {
  const dir = tempDir(t);
  const { bytes, records } = buildPcap(SIZES);
  // Reference: the frames a plain parser delivers.
  const ref = new Collect();
  const rp = new PcapParser();
  rp.push(bytes, ref);

  const rot = new PcapRotator({ dir, rotateBytes: LIMIT, keepFiles: 1000, now: () => Date.UTC(2025, 5, 1, 12, 0, 0) });
  const sink = new Collect();
  const stream = new PcapStream(sink, rot);
  feed(stream, bytes, CHUNKS);
  stream.finish();
  rot.close();

  assert.deepEqual(sink.frames, ref.frames);
  const files = rot.files;
  assert.ok(files.length >= 5, `expected several files, got ${files.length}`);
  assert.deepEqual(readdirSync(dir).sort(), files.map((f) => f.slice(dir.length + 1)).sort());
  // One clock second: the names after the first carry -1, -2, …
  assert.equal(files[0], join(dir, 'capture-20250601T120000Z.pcap'));
  assert.equal(files[1], join(dir, 'capture-20250601T120000Z-1.pcap'));

  const bodies: Uint8Array[] = [];
  let n = 0;
  let recIdx = 0;
  files.forEach((f, i) => {
    const back = readBack(f);
    assert.deepEqual(back.header, bytes.subarray(0, HEADER_LEN), `${f}: header`);
    assert.ok(back.records > 0, `${f}: no records`);
    bodies.push(back.body);
    n += back.records;
    // The tcpdump -C rule: a file is cut once it has reached the limit, so every file but the
    // last reaches it, and without its last record it was still below it.
    const size = statSync(f).size;
    recIdx += back.records;
    if (i < files.length - 1) {
      assert.ok(size >= LIMIT, `${f}: ${size} bytes, below the limit`);
      assert.ok(size - records[recIdx - 1].length < LIMIT, `${f}: ${size} bytes, cut late`);
    }
  });
  assert.equal(n, SIZES.length);
  assert.deepEqual(concat(bodies), bytes.subarray(HEADER_LEN));
  assert.equal(rot.records, SIZES.length);
});

test('rotation does not depend on chunk sizes', (t) => {
  const { bytes } = buildPcap(SIZES);
  let expected: string[] | null = null;
  for (const chunks of [[1], [2, 3], [HEADER_LEN], [16], [17, 1], [bytes.length], [5000, 1]]) {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-live-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const rot = new PcapRotator({ dir, rotateBytes: 12_345, keepFiles: 1000, now: () => 0 });
    const stream = new PcapStream(new Collect(), rot);
    feed(stream, bytes, chunks);
    stream.finish();
    rot.close();
    const sizes = rot.files.map((f) => `${f.slice(dir.length)}:${statSync(f).size}`);
    if (expected === null) expected = sizes;
    else assert.deepEqual(sizes, expected, `chunks ${chunks}`);
    assert.deepEqual(concat(rot.files.map((f) => readBack(f).body)), bytes.subarray(HEADER_LEN));
  }
});

test('rotation by time: at a record boundary once the file is old enough; tick() cuts an idle file that holds packets', (t) => {
  const dir = tempDir(t);
  const { bytes } = buildPcap(SIZES);
  let now = Date.UTC(2025, 5, 1, 12, 0, 0);
  const rot = new PcapRotator({ dir, rotateSeconds: 60, keepFiles: 1000, now: () => now });
  const stream = new PcapStream(new Collect(), rot);
  // Two minutes between chunks of 20000 bytes.
  feed(stream, bytes, [20_000], () => (now += 120_000));
  rot.tick();
  const files = rot.files;
  assert.ok(files.length >= 4, `got ${files.length} files`);
  assert.equal(files[0], join(dir, 'capture-20250601T120000Z.pcap'));
  // Records 0-5 came at 12:00; record 6 (70016 bytes) was complete only with the chunk of 12:08.
  assert.equal(files[1], join(dir, 'capture-20250601T120800Z.pcap'));
  // Each file was started at least 60 s after the one before.
  const times = files.map((f) => /(\d{8}T\d{6}Z)/.exec(f)![1]).map((x) => Date.parse(`${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 11)}:${x.slice(11, 13)}:${x.slice(13)}`));
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 60_000, files[i]);
  // The last file already held records and is older than 60 s: tick() started a new, empty one.
  const last = files[files.length - 1];
  assert.equal(statSync(last).size, HEADER_LEN);
  // An empty file is never rotated, however old.
  now += 3_600_000;
  rot.tick();
  assert.equal(rot.files.length, files.length);
  stream.finish();
  rot.close();
  assert.deepEqual(concat(rot.files.map((f) => readBack(f).body)), bytes.subarray(HEADER_LEN));
});

test('retention keeps the newest K files, counting earlier runs, and touches no other file', (t) => {
  const dir = tempDir(t);
  const older = join(dir, 'capture-20000101T000000Z.pcap');
  const olderSuffixed = join(dir, 'capture-20000101T000000Z-1.pcap');
  const other = join(dir, 'notes.txt');
  const alien = join(dir, 'capture-old.pcap');
  for (const f of [older, olderSuffixed, other, alien]) writeFileSync(f, 'x');
  const { bytes } = buildPcap(SIZES);
  let now = Date.UTC(2025, 5, 1, 12, 0, 0);
  const rot = new PcapRotator({ dir, rotateBytes: 15_000, keepFiles: 3, now: () => (now += 1000) });
  const stream = new PcapStream(new Collect(), rot);
  feed(stream, bytes, [999]);
  stream.finish();
  rot.close();
  const kept = readdirSync(dir).filter((f) => f.endsWith('.pcap') && f !== 'capture-old.pcap').sort();
  assert.equal(kept.length, 3);
  assert.deepEqual(kept, rot.files.map((f) => f.slice(dir.length + 1)).sort());
  assert.ok(rot.deleted >= 2);
  // The earlier run's files went first (the unsuffixed one before its -1), others stay.
  assert.deepEqual(readdirSync(dir).includes('capture-20000101T000000Z.pcap'), false);
  assert.deepEqual(readdirSync(dir).includes('capture-20000101T000000Z-1.pcap'), false);
  assert.equal(readFileSync(other, 'utf8'), 'x');
  assert.equal(readFileSync(alien, 'utf8'), 'x');
});

test('no rotator: frames only, no file', (t) => {
  const dir = tempDir(t);
  const { bytes } = buildPcap(SIZES);
  const sink = new Collect();
  const stream = new PcapStream(sink, null);
  feed(stream, bytes, CHUNKS);
  stream.finish();
  assert.equal(sink.frames.length, SIZES.length);
  assert.deepEqual(readdirSync(dir), []);
});

test('a stream cut inside a record: the files hold only whole records', (t) => {
  const dir = tempDir(t);
  const { bytes } = buildPcap(SIZES.slice(0, 8));
  const rot = new PcapRotator({ dir, keepFiles: 5 });
  const stream = new PcapStream(new Collect(), rot);
  const cut = bytes.length - 30;
  feed(stream, bytes.subarray(0, cut), [777]);
  assert.throws(() => stream.finish(), (e: unknown) => isPalisadeError(e) && e.code === 'E_TRUNCATED');
  rot.close();
  const back = readBack(rot.files[0]);
  assert.equal(back.records, 7);
});

// ---- starting tcpdump -----------------------------------------------------------------------

function isStartError(...words: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isPalisadeError(e), `not a PalisadeError: ${String(e)}`);
    const pe = e as PalisadeError;
    assert.equal(pe.code, 'E_CAPTURE_START');
    assert.equal(pe.exitCode, 5);
    for (const w of words) assert.ok(pe.message.includes(w), `"${w}" missing in: ${pe.message}`);
    return true;
  };
}

test('a missing tcpdump fails fast with E_CAPTURE_START and says how to install it', async () => {
  await assert.rejects(
    LiveCapture.start({ iface: 'lo', sink: new Collect(), tcpdump: '/nonexistent/palisade-test/tcpdump' }),
    isStartError('/nonexistent/palisade-test/tcpdump', 'not found', 'apt-get install tcpdump'),
  );
});

test('tcpdump is looked up on PATH first; an explicit path is taken as given', (t) => {
  const dir = tempDir(t);
  const bin = join(dir, 'tcpdump');
  writeFileSync(bin, '#!/bin/sh\n');
  chmodSync(bin, 0o755);
  assert.equal(findTcpdump(undefined, `/nonexistent-palisade:${dir}`), bin);
  assert.equal(findTcpdump('/opt/x/tcpdump', dir), '/opt/x/tcpdump');
  // Not executable: skipped (the sbin directories are searched next; this machine may have none).
  chmodSync(bin, 0o644);
  let found: string | null = null;
  try {
    found = findTcpdump(undefined, dir);
  } catch (e) {
    assert.ok(isStartError('tcpdump was not found', 'apt-get install tcpdump')(e));
  }
  assert.notEqual(found, bin);
});

/** A stand-in tcpdump (a Node script) that behaves as the real one does in one situation. */
function fakeTcpdump(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!${process.execPath}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('tcpdump refusing to open the interface: its words are quoted with what to do', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const noPerm = fakeTcpdump(dir, 'no-perm', `process.stderr.write(${JSON.stringify(REAL_NO_PERMISSION)}); process.exit(1);`);
  await assert.rejects(
    LiveCapture.start({ iface: 'lo', sink: new Collect(), tcpdump: noPerm }),
    isStartError("You don't have permission to perform this capture", 'run palisade as root', 'setcap cap_net_raw'),
  );
  const noDev = fakeTcpdump(dir, 'no-dev', `process.stderr.write(${JSON.stringify(REAL_NO_DEVICE)}); process.exit(1);`);
  await assert.rejects(LiveCapture.start({ iface: 'nosuchif', sink: new Collect(), tcpdump: noDev }), isStartError('No such device exists', 'tcpdump -D'));
  const badFilter = fakeTcpdump(dir, 'bad-filter', `process.stderr.write(${JSON.stringify(REAL_BAD_FILTER)}); process.exit(1);`);
  await assert.rejects(LiveCapture.start({ iface: 'lo', filter: 'tcp port', sink: new Collect(), tcpdump: badFilter }), isStartError("can't parse filter expression", '--filter'));
});

/** A fake tcpdump that listens, writes a pcap to stdout, and answers SIGUSR1/SIGINT as tcpdump does. */
function fakeCapture(dir: string, pcap: Uint8Array, opts: { dieAfterMs?: number } = {}): string {
  const file = join(dir, 'input.pcap');
  writeFileSync(file, pcap);
  return fakeTcpdump(
    dir,
    'fake-capture',
    `
const fs = require('node:fs');
const data = fs.readFileSync(${JSON.stringify(file)});
process.stderr.write('tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\\n');
// In pieces, as a pipe delivers them.
for (let off = 0; off < data.length; off += 1000) fs.writeSync(1, data.subarray(off, off + 1000));
process.on('SIGUSR1', () => process.stderr.write('tcpdump: 7 packets captured, 9 packets received by filter, 2 packets dropped by kernel\\n'));
const end = () => { process.stderr.write('7 packets captured\\n9 packets received by filter\\n2 packets dropped by kernel\\n'); process.exit(0); };
process.on('SIGINT', end);
process.on('SIGTERM', end);
${opts.dieAfterMs === undefined ? 'setInterval(() => {}, 1000);' : `setTimeout(() => { process.stderr.write('tcpdump: pcap_loop: The interface disappeared\\n'); process.exit(1); }, ${opts.dieAfterMs});`}
`,
  );
}

test('a capture stopped with stop(): every frame, stats from SIGUSR1 and from the exit report', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const { bytes } = buildPcap(SIZES);
  const bin = fakeCapture(dir, bytes);
  const sink = new Collect();
  const rot = new PcapRotator({ dir: join(dir, 'pcap'), keepFiles: 3 });
  const cap = await LiveCapture.start({ iface: 'lo', sink, rotator: rot, tcpdump: bin });
  assert.equal(cap.running, true);
  assert.equal(cap.stderr.listening, true);
  // Bounded: a capture that stops delivering fails the test with what it got, not a hang.
  const until = Date.now() + 20_000;
  while (sink.frames.length < SIZES.length) {
    assert.ok(Date.now() < until, `${sink.frames.length} of ${SIZES.length} frames after 20 s (running: ${cap.running}, stderr: ${JSON.stringify(cap.stderr.messages())})`);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(await cap.requestStats(5000), { captured: 7, receivedByFilter: 9, droppedByKernel: 2, droppedByInterface: null });
  cap.stop();
  const end = await cap.done;
  rot.close();
  assert.equal(end.error, null);
  assert.equal(end.exitCode, 0);
  assert.equal(end.truncated, false);
  assert.deepEqual(end.stats, { captured: 7, receivedByFilter: 9, droppedByKernel: 2, droppedByInterface: null });
  assert.equal(cap.stderr.reports, 2);
  assert.equal(cap.running, false);
  assert.deepEqual(readBack(rot.files[0]).body, bytes.subarray(HEADER_LEN));
});

test('tcpdump dying on its own is E_CAPTURE_FAILED quoting its stderr', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const { bytes } = buildPcap(SIZES.slice(0, 3));
  const sink = new Collect();
  const cap = await LiveCapture.start({ iface: 'lo', sink, tcpdump: fakeCapture(dir, bytes, { dieAfterMs: 200 }) });
  const end = await cap.done;
  assert.ok(end.error !== null);
  assert.equal(end.error.code, 'E_CAPTURE_FAILED');
  assert.equal(end.error.exitCode, 5);
  assert.ok(end.error.message.includes('The interface disappeared'), end.error.message);
  assert.ok(end.error.message.includes('exit code 1'), end.error.message);
  assert.equal(sink.frames.length, 3);
});
