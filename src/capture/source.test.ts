import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { PalisadeError } from '../core/errors.ts';
import type { RawFrame } from './frame.ts';
import { expandInputs, readCapture, sniffFormat } from './source.ts';

// ---- fixtures ------------------------------------------------------------------------------

function hex(s: string): Uint8Array {
  const t = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// Little-endian µs pcap, Ethernet, two records.
const PCAP = hex(`
  d4 c3 b2 a1   # magic: pcap, µs, little-endian
  02 00 04 00   # version 2.4
  00 00 00 00   # thiszone
  00 00 00 00   # sigfigs
  ff ff 00 00   # snaplen 65535
  01 00 00 00   # linktype 1
  00 f1 53 65   # record @24: ts_sec 1700000000
  40 e2 01 00   #   ts_usec 123456
  04 00 00 00   #   caplen 4
  3c 00 00 00   #   wirelen 60
  de ad be ef   #   data
  01 f1 53 65   # record @44: ts_sec 1700000001
  00 00 00 00   #   ts_usec 0
  02 00 00 00   #   caplen 2
  02 00 00 00   #   wirelen 2
  ca fe         #   data
`);

// Little-endian pcapng: SHB, IDB (linktype 101), one EPB.
const PCAPNG = hex(`
  0a 0d 0d 0a   # SHB @0: block type
  1c 00 00 00   #   total length 28
  4d 3c 2b 1a   #   byte-order magic, little-endian
  01 00 00 00   #   version 1.0
  ff ff ff ff ff ff ff ff   # section length: not given
  1c 00 00 00   #   total length 28
  01 00 00 00   # IDB @28: block type
  14 00 00 00   #   total length 20
  65 00 00 00   #   linktype 101, reserved
  00 00 00 00   #   snaplen: none
  14 00 00 00   #   total length 20
  06 00 00 00   # EPB @48: block type
  24 00 00 00   #   total length 36
  00 00 00 00   #   interface 0
  00 00 00 00   #   timestamp high
  40 42 0f 00   #   timestamp low: 1000000 µs = 1 s
  03 00 00 00   #   caplen 3
  03 00 00 00   #   wirelen 3
  45 00 00 00   #   data 45 00 00 + padding
  24 00 00 00   #   total length 36
`);

interface Got {
  frames: { ts: number; linktype: number; caplen: number; fileOffset: number; bytes: string }[];
  error: unknown;
}

async function read(path: string, opts?: Parameters<typeof readCapture>[2]): Promise<Got & { info?: Awaited<ReturnType<typeof readCapture>> }> {
  const got: Got & { info?: Awaited<ReturnType<typeof readCapture>> } = { frames: [], error: undefined };
  const sink = {
    frame(f: RawFrame) {
      got.frames.push({
        ts: f.ts,
        linktype: f.linktype,
        caplen: f.caplen,
        fileOffset: f.fileOffset,
        bytes: Buffer.from(f.data.subarray(f.offset, f.offset + f.caplen)).toString('hex'),
      });
    },
  };
  try {
    got.info = await readCapture(path, sink, opts);
  } catch (e) {
    got.error = e;
  }
  return got;
}

function assertPalisade(e: unknown, code: string, offset?: number): asserts e is PalisadeError {
  assert.ok(e instanceof PalisadeError, `expected PalisadeError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (offset !== undefined) assert.equal(e.offset, offset, e.message);
}

let dir = '';
const file = (name: string) => join(dir, name);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-capture-'));
  await writeFile(file('a.pcap'), PCAP);
  await writeFile(file('b.pcapng'), PCAPNG);
  await writeFile(file('a.pcap.gz'), gzipSync(PCAP));
  await writeFile(file('b.pcapng.gz'), gzipSync(PCAPNG));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PCAP_FRAMES = [
  { ts: 1700000000.123456, linktype: 1, caplen: 4, fileOffset: 24, bytes: 'deadbeef' },
  { ts: 1700000001, linktype: 1, caplen: 2, fileOffset: 44, bytes: 'cafe' },
];
const PCAPNG_FRAMES = [{ ts: 1, linktype: 101, caplen: 3, fileOffset: 48, bytes: '450000' }];

// ---- sniffFormat ---------------------------------------------------------------------------

test('sniffFormat recognises every magic, and nothing from too few bytes', () => {
  for (const [h, want] of [
    ['d4c3b2a1', 'pcap'],
    ['a1b2c3d4', 'pcap'],
    ['4d3cb2a1', 'pcap'],
    ['a1b23c4d', 'pcap'],
    ['34cdb2a1', 'pcap'],
    ['a1b2cd34', 'pcap'],
    ['0a0d0d0a', 'pcapng'],
    ['1f8b', 'gzip'],
    ['1f8b0800', 'gzip'],
    ['d4c3b2', undefined],
    ['', undefined],
    ['7f454c46', undefined],
  ] as const) {
    assert.equal(sniffFormat(hex(h)), want, h);
  }
});

// ---- readCapture ---------------------------------------------------------------------------

test('readCapture reads pcap, pcapng and their gzip-compressed forms, whatever the chunk size', async () => {
  for (const [name, frames, format, compressed, linktypes, bytes] of [
    ['a.pcap', PCAP_FRAMES, 'pcap', false, [1], PCAP.length],
    ['b.pcapng', PCAPNG_FRAMES, 'pcapng', false, [101], PCAPNG.length],
    ['a.pcap.gz', PCAP_FRAMES, 'pcap', true, [1], PCAP.length],
    ['b.pcapng.gz', PCAPNG_FRAMES, 'pcapng', true, [101], PCAPNG.length],
  ] as const) {
    for (const chunkSize of [undefined, 1, 3, 64]) {
      const progress: number[] = [];
      const got = await read(file(name), { chunkSize, onProgress: (n) => progress.push(n) });
      assert.equal(got.error, undefined, `${name} ${chunkSize}`);
      assert.deepEqual(got.frames, frames, `${name} ${chunkSize}`);
      assert.deepEqual(got.info, { format, compressed, frames: frames.length, bytes, linktypes: [...linktypes] });
      // Progress counts bytes read from disk, never goes back, and ends at the file size.
      assert.ok(progress.every((n, i) => i === 0 || n >= progress[i - 1]));
      assert.equal(progress.at(-1), readFileSync(file(name)).length);
    }
  }
});

test('a damaged capture: frames before the damage are delivered, then the error', async () => {
  await writeFile(file('cut.pcap'), PCAP.subarray(0, 50));
  await writeFile(file('cut.pcap.gz'), gzipSync(PCAP.subarray(0, 50)));
  for (const name of ['cut.pcap', 'cut.pcap.gz']) {
    const got = await read(file(name), { chunkSize: 7 });
    assert.deepEqual(got.frames, PCAP_FRAMES.slice(0, 1));
    assertPalisade(got.error, 'E_TRUNCATED', 44);
    assert.ok(got.error.message.startsWith(file(name)), got.error.message);
    assert.equal(got.error.file, file(name));
  }
});

/** A gzip member written field by field, so that header options and damage can be placed exactly. */
function gzipMember(data: Uint8Array, opts: { flags?: number; crc?: number; size?: number } = {}): Uint8Array {
  const flags = opts.flags ?? 0;
  const parts: Uint8Array[] = [
    hex('1f 8b'), // magic
    hex('08'), // compression method: deflate
    Uint8Array.of(flags), // FTEXT 1, FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16
    hex('00 00 00 00'), // mtime
    hex('00'), // extra flags
    hex('03'), // OS: Unix
  ];
  if (flags & 4) parts.push(hex('05 00'), hex('41 42 01 00 ff')); // XLEN 5, one subfield "AB" of 1 byte + 1 spare byte
  if (flags & 8) parts.push(new TextEncoder().encode('capture.pcap\0')); // FNAME
  if (flags & 16) parts.push(new TextEncoder().encode('from the SPAN port\0')); // FCOMMENT
  if (flags & 2) parts.push(hex('12 34')); // header CRC-16 (not checked)
  parts.push(deflateRawSync(data)); // the deflate data
  const trailer = new DataView(new ArrayBuffer(8));
  trailer.setUint32(0, opts.crc ?? crc32(data), true); // CRC-32 of the data
  trailer.setUint32(4, opts.size ?? data.length, true); // size of the data mod 2^32
  parts.push(new Uint8Array(trailer.buffer));
  return Buffer.concat(parts);
}

test('gzip: header options, several members, trailing garbage, any chunk size', async () => {
  const cases: [string, Uint8Array][] = [
    ['options.gz', gzipMember(PCAP, { flags: 2 | 4 | 8 | 16 })],
    ['members.gz', Buffer.concat([gzipMember(PCAP.subarray(0, 30), { flags: 8 }), gzipMember(PCAP.subarray(30, 31)), gzipMember(PCAP.subarray(31))])],
    ['zeros.gz', Buffer.concat([gzipSync(PCAP), new Uint8Array(100)])],
    ['garbage.gz', Buffer.concat([gzipSync(PCAP), new TextEncoder().encode('trailing garbage from a transfer tool')])],
    ['empty-member.gz', Buffer.concat([gzipMember(PCAP), gzipMember(new Uint8Array(0))])],
  ];
  for (const [name, bytes] of cases) {
    await writeFile(file(name), bytes);
    for (const chunkSize of [1, 2, 5, 64, undefined]) {
      const got = await read(file(name), { chunkSize });
      assert.equal(got.error, undefined, `${name} ${chunkSize}: ${String(got.error)}`);
      assert.deepEqual(got.frames, PCAP_FRAMES, `${name} ${chunkSize}`);
      assert.equal(got.info?.compressed, true);
    }
  }
});

test('gzip damage is E_GZIP at the exact compressed offset, after every frame before it', async () => {
  const good = gzipMember(PCAP, { flags: 8 });
  const trailerAt = good.length - 8;
  const deflateAt = 10 + 'capture.pcap\0'.length;
  const badMethod = Uint8Array.from(good);
  badMethod[2] = 7;
  const badFlags = Uint8Array.from(good);
  badFlags[3] = 0x28; // a reserved bit
  const badDeflate = Uint8Array.from(good);
  badDeflate[deflateAt] = 0xff; // block type 3: invalid
  const cases: [string, Uint8Array, number, number, RegExp][] = [
    ['method.gz', badMethod, 2, 0, /unknown compression method 7/],
    ['flags.gz', badFlags, 3, 0, /reserved header flags/],
    ['deflate.gz', badDeflate, deflateAt, 0, /in the compressed data/],
    // The data is complete: all frames are delivered, then the check fails.
    ['crc.gz', gzipMember(PCAP, { flags: 8, crc: 0x12345678 }), trailerAt, 2, /CRC-32 of the data is [0-9a-f]{8}, the trailer says 12345678/],
    ['size.gz', gzipMember(PCAP, { flags: 8, size: 7 }), trailerAt + 4, 2, /the trailer says 7/],
    ['cut-header.gz', good.subarray(0, 15), 15, 0, /ends inside a gzip member/],
    ['cut-trailer.gz', good.subarray(0, trailerAt + 3), trailerAt + 3, 2, /ends inside a gzip member/],
  ];
  for (const [name, bytes, offset, frames, message] of cases) {
    await writeFile(file(name), bytes);
    for (const chunkSize of [1, 16, undefined]) {
      const got = await read(file(name), { chunkSize });
      assertPalisade(got.error, 'E_GZIP', offset);
      assert.match(got.error.message, message, name);
      assert.ok(got.error.message.startsWith(`${file(name)}: gzip stream is corrupt at compressed byte ${offset} `), got.error.message);
      assert.equal(got.frames.length, frames, `${name} ${chunkSize}`);
    }
  }
  // Cut inside the deflate data: zlib reports where it stopped; the frames it could decode are delivered.
  await writeFile(file('cut-data.gz'), good.subarray(0, trailerAt - 5));
  const cut = await read(file('cut-data.gz'), { chunkSize: 3 });
  assertPalisade(cut.error, 'E_GZIP');
  assert.ok(cut.error.offset! >= deflateAt && cut.error.offset! <= trailerAt, cut.error.message);
  assert.match(cut.error.message, /unexpected end of file/);
});

test('a damaged capture inside a good gzip stream is the capture error, not E_GZIP', async () => {
  const bad = Uint8Array.from(PCAP);
  bad.set([0xff, 0xff, 0xff, 0x7f], 32); // caplen of record 1: 2 GB
  await writeFile(file('corrupt-inside.gz'), gzipSync(bad));
  const got = await read(file('corrupt-inside.gz'), { chunkSize: 4 });
  assertPalisade(got.error, 'E_CORRUPT_RECORD', 24);
});

test('not a capture, empty, compressed twice, too short: the right error', async () => {
  await writeFile(file('notes.txt'), 'hello world\n');
  await writeFile(file('empty'), '');
  await writeFile(file('twice.gz'), gzipSync(gzipSync(PCAP)));
  await writeFile(file('empty.gz'), gzipSync(new Uint8Array(0)));
  await writeFile(file('short.pcap'), hex('d4c3'));
  await writeFile(file('header-only.pcap'), PCAP.subarray(0, 10));
  const cases = [
    ['notes.txt', 'E_BAD_MAGIC', /68656c6c/],
    ['empty', 'E_BAD_MAGIC', /file is empty/],
    ['twice.gz', 'E_BAD_MAGIC', /compressed again/],
    ['empty.gz', 'E_BAD_MAGIC', /decompressed content is empty/],
    ['short.pcap', 'E_TRUNCATED', /truncated at byte 0/],
    ['header-only.pcap', 'E_TRUNCATED', /file header needs 24 bytes, 10 left/],
  ] as const;
  for (const [name, code, message] of cases) {
    const got = await read(file(name));
    assertPalisade(got.error, code);
    assert.match(got.error.message, message, name);
    assert.ok(got.error.message.includes(file(name)), got.error.message);
  }
});

test('missing file, a directory given to readCapture', async () => {
  const missing = await read(file('nope.pcap'));
  assertPalisade(missing.error, 'E_INPUT_NOT_FOUND');
  assert.match(missing.error.message, /nope\.pcap: no such file/);
  const d = await read(dir);
  assertPalisade(d.error, 'E_INPUT_UNREADABLE');
  assert.match(d.error.message, /directory/);
});

/**
 * Permissions do not apply to root, so as root the check runs in a child process switched to
 * the unprivileged user nobody (setpriv, from util-linux); it prints the error code it got.
 */
function codeAsNobody(call: string): string {
  const src = new URL('./source.ts', import.meta.url).href;
  const script = `import { readCapture, expandInputs } from '${src}';
try { await ${call}; console.log('no error'); } catch (e) { console.log(e.code ?? String(e)); }`;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, `setpriv failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}
const isRoot = process.getuid?.() === 0;

test('an unreadable file is E_INPUT_UNREADABLE', async () => {
  await writeFile(file('secret.pcap'), PCAP);
  await chmod(file('secret.pcap'), 0o000);
  if (isRoot) {
    await chmod(dir, 0o755); // let nobody reach the file, not read it
    assert.equal(codeAsNobody(`readCapture(${JSON.stringify(file('secret.pcap'))}, { frame() {} })`), 'E_INPUT_UNREADABLE');
  } else assertPalisade((await read(file('secret.pcap'))).error, 'E_INPUT_UNREADABLE');
});

test('memory does not grow with the file: one chunk buffer is reused', async () => {
  // 40 MB of 1500-byte records, read in 1 MiB chunks.
  const n = 26_000;
  const rec = new Uint8Array(16 + 1500);
  const v = new DataView(rec.buffer);
  v.setUint32(8, 1500, true);
  v.setUint32(12, 1500, true);
  const big = new Uint8Array(24 + n * rec.length);
  big.set(PCAP.subarray(0, 24));
  for (let i = 0; i < n; i++) big.set(rec, 24 + i * rec.length);
  await writeFile(file('big.pcap'), big);
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let frames = 0;
  const info = await readCapture(
    file('big.pcap'),
    {
      frame() {
        if (++frames % 1000 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      },
    },
    { chunkSize: 1 << 20 },
  );
  assert.equal(info.frames, n);
  assert.ok(peak < 8 << 20, `array buffers grew by ${peak} bytes`);
});

// ---- expandInputs --------------------------------------------------------------------------

test('expandInputs walks directories, keeps captures sorted by path bytes, skips the rest', async () => {
  const root = file('tree');
  await mkdir(join(root, 'a'), { recursive: true });
  await writeFile(join(root, 'b.pcap'), PCAP);
  await writeFile(join(root, 'B.bin'), PCAP); // a capture whatever its name
  await writeFile(join(root, 'a', 'x.pcapng'), PCAPNG);
  await writeFile(join(root, 'a-b.cap.gz'), gzipSync(PCAP));
  await writeFile(join(root, 'é.pcap'), PCAP);
  await writeFile(join(root, 'a', 'notes.txt'), 'not a capture');
  await writeFile(join(root, 'a', 'empty'), '');
  await symlink(root, join(root, 'loop')); // a cycle: walked once
  await symlink(join(root, 'nowhere'), join(root, 'dangling'));
  await writeFile(file('explicit.txt'), 'given by name: kept as is');

  const got = await expandInputs([file('explicit.txt'), root]);
  assert.deepEqual(
    got.files.map((f) => f.path),
    [
      file('explicit.txt'),
      join(root, 'B.bin'), // 'B' 0x42 sorts before 'a' 0x61
      join(root, 'a-b.cap.gz'), // '-' 0x2d before '/' 0x2f
      join(root, 'a', 'x.pcapng'),
      join(root, 'b.pcap'),
      join(root, 'é.pcap'), // UTF-8 0xc3 last
    ],
  );
  assert.equal(got.files[1].size, PCAP.length);
  assert.equal(got.files[0].size, 'given by name: kept as is'.length);
  assert.deepEqual(got.skipped.map((f) => f.path).sort(), [join(root, 'a', 'empty'), join(root, 'a', 'notes.txt'), join(root, 'dangling')]);
});

test('expandInputs errors: missing path, directory without captures', async () => {
  await assert.rejects(expandInputs([file('missing')]), (e) => {
    assertPalisade(e, 'E_INPUT_NOT_FOUND');
    assert.match(e.message, /missing/);
    return true;
  });
  await mkdir(file('junk'), { recursive: true });
  await writeFile(file('junk/readme.md'), '# nothing here');
  await assert.rejects(expandInputs([file('junk')]), (e) => {
    assertPalisade(e, 'E_INPUT_EMPTY_DIR');
    assert.match(e.message, /1 other file was skipped/);
    return true;
  });
  await mkdir(file('void'), { recursive: true });
  await assert.rejects(expandInputs([file('void')]), (e) => (assertPalisade(e, 'E_INPUT_EMPTY_DIR'), true));
});

test('expandInputs: unreadable directory is E_INPUT_UNREADABLE', async () => {
  await mkdir(file('locked'), { recursive: true });
  await chmod(file('locked'), 0o000);
  try {
    if (isRoot) {
      await chmod(dir, 0o755);
      assert.equal(codeAsNobody(`expandInputs([${JSON.stringify(file('locked'))}])`), 'E_INPUT_UNREADABLE');
    } else await assert.rejects(expandInputs([file('locked')]), (e) => (assertPalisade(e, 'E_INPUT_UNREADABLE'), true));
  } finally {
    await chmod(file('locked'), 0o755);
  }
});

// ---- the corpus of public captures ---------------------------------------------------------

const CORPUS = '/work/shared/corpus';

test('every capture in the corpus reads like capinfos says', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`${CORPUS} not present`);
    return;
  }
  const paths = (readdirSync(CORPUS, { recursive: true }) as string[]).filter((p) => /\.(pcap|pcapng|cap)$/i.test(p)).sort();
  assert.ok(paths.length > 400, `found ${paths.length} captures`);

  // MANIFEST.md marks captures that end in the middle of a packet.
  const truncated = new Set<string>();
  for (const line of readFileSync(join(CORPUS, 'MANIFEST.md'), 'utf8').split('\n')) {
    if (line.startsWith('|') && line.includes('last packet truncated')) truncated.add(line.split('|')[1].trim());
  }

  const results = new Map<string, { frames: number; error: unknown }>();
  for (const p of paths) {
    let frames = 0;
    let error: unknown;
    try {
      await readCapture(join(CORPUS, p), { frame: () => void frames++ });
    } catch (e) {
      error = e;
    }
    results.set(p, { frames, error });
  }

  await t.test('no exception but PalisadeError; only the truncated ones fail, with E_TRUNCATED', () => {
    for (const [p, r] of results) {
      if (truncated.has(p)) {
        assertPalisade(r.error, 'E_TRUNCATED');
      } else {
        assert.equal(r.error, undefined, `${p}: ${String(r.error)}`);
      }
    }
  });

  await t.test('frame counts equal capinfos -c', (t) => {
    const which = spawnSync('capinfos', ['-v'], { encoding: 'utf8' });
    if (which.error !== undefined) {
      t.skip('capinfos not installed');
      return;
    }
    // One run over all files: table output, one "path<TAB>count" line each.
    const out = spawnSync('capinfos', ['-c', '-M', '-T', '-r', ...paths], { cwd: CORPUS, encoding: 'utf8', maxBuffer: 64 << 20 });
    const counts = new Map<string, number>();
    for (const line of out.stdout.split('\n')) {
      const tab = line.lastIndexOf('\t');
      if (tab > 0) counts.set(line.slice(0, tab), Number(line.slice(tab + 1)));
    }
    assert.equal(counts.size, paths.length, out.stderr);
    for (const [p, r] of results) assert.equal(r.frames, counts.get(p), p);
  });
});
