// The benchmark's reference packet counter: pcap in both byte orders and resolutions, pcapng
// with a timestamp resolution option, any chunking of the input, and truncation.
import { deepStrictEqual, strictEqual, throws } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { captureFacts, RecordWalker } from './capture-facts.ts';

function u32(n: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(n);
  else b.writeUInt32BE(n);
  return b;
}

function u16(n: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(n);
  else b.writeUInt16BE(n);
  return b;
}

/** A pcap file: 24-byte header, then per record ts_sec, ts_frac, caplen, origlen and the bytes. */
function pcap(le: boolean, nano: boolean, records: { sec: number; frac: number; cap: number; orig: number }[]): Buffer {
  const parts = [
    u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, le),
    u16(2, le), // version major
    u16(4, le), // version minor
    u32(0, le), // thiszone
    u32(0, le), // sigfigs
    u32(65535, le), // snaplen
    u32(1, le), // linktype: Ethernet
  ];
  for (const r of records) parts.push(u32(r.sec, le), u32(r.frac, le), u32(r.cap, le), u32(r.orig, le), Buffer.alloc(r.cap, 0xab));
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const len = 12 + body.length;
  return Buffer.concat([u32(type, true), u32(len, true), body, u32(len, true)]);
}

/** A little-endian pcapng file: SHB, one IDB with if_tsresol = 10^-9, two EPBs. */
function pcapng(): Buffer {
  const shb = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d, true), u16(1, true), u16(0, true), Buffer.alloc(8, 0xff)]));
  const idb = block(
    1,
    Buffer.concat([
      u16(1, true), // linktype
      u16(0, true), // reserved
      u32(0, true), // snaplen
      u16(9, true), // option if_tsresol
      u16(1, true), // length 1
      Buffer.from([9, 0, 0, 0]), // 10^-9, padded
      u16(0, true), // opt_endofopt
      u16(0, true),
    ]),
  );
  const epb = (tsNs: bigint, cap: number, orig: number) =>
    block(6, Buffer.concat([u32(0, true), u32(Number(tsNs >> 32n), true), u32(Number(tsNs & 0xffffffffn), true), u32(cap, true), u32(orig, true), Buffer.alloc((cap + 3) & ~3)]));
  return Buffer.concat([shb, idb, epb(1_700_000_000_000_000_000n, 60, 60), epb(1_700_000_002_500_000_000n, 10, 1514)]);
}

function walk(file: Buffer, chunk: number): RecordWalker {
  const w = new RecordWalker();
  for (let i = 0; i < file.length; i += chunk) w.feed(file.subarray(i, i + chunk));
  w.end();
  return w;
}

const RECORDS = [
  { sec: 100, frac: 500_000, cap: 60, orig: 60 },
  { sec: 99, frac: 0, cap: 20, orig: 1514 },
  { sec: 103, frac: 250_000, cap: 0, orig: 64 },
];

test('pcap in both byte orders, any chunking', () => {
  for (const le of [true, false]) {
    const file = pcap(le, false, RECORDS);
    for (const chunk of [1, 3, 16, 17, file.length]) {
      const w = walk(file, chunk);
      strictEqual(w.format, 'pcap');
      strictEqual(w.packets, 3);
      strictEqual(w.dataBytes, 60 + 1514 + 64);
      strictEqual(w.capturedBytes, 80);
      deepStrictEqual(w.linktypes, [1]);
      strictEqual(w.firstTs, 99);
      strictEqual(w.lastTs, 103.25);
    }
  }
});

test('pcap with nanosecond timestamps', () => {
  const w = walk(pcap(true, true, [{ sec: 5, frac: 250_000_000, cap: 4, orig: 4 }]), 7);
  strictEqual(w.firstTs, 5.25);
});

test('pcapng with if_tsresol, any chunking', () => {
  const file = pcapng();
  for (const chunk of [1, 5, 64, file.length]) {
    const w = walk(file, chunk);
    strictEqual(w.format, 'pcapng');
    strictEqual(w.packets, 2);
    strictEqual(w.dataBytes, 1574);
    strictEqual(w.capturedBytes, 70);
    strictEqual(w.firstTs, 1_700_000_000);
    strictEqual(w.lastTs, 1_700_000_002.5);
  }
});

test('a truncated file is an error, not a short count', () => {
  const file = pcap(true, false, RECORDS);
  throws(() => walk(file.subarray(0, file.length - 1), 1000), /truncated/);
  throws(() => walk(Buffer.from('hello world, not a capture'), 1000), /not a pcap/);
});

test('captureFacts reads plain and gzip-compressed files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-test-'));
  try {
    const file = pcap(true, false, RECORDS);
    writeFileSync(join(dir, 'a.pcap'), file);
    writeFileSync(join(dir, 'a.pcap.gz'), gzipSync(file));
    const plain = await captureFacts(join(dir, 'a.pcap'));
    const gz = await captureFacts(join(dir, 'a.pcap.gz'));
    strictEqual(plain.packets, 3);
    strictEqual(plain.fileBytes, file.length);
    strictEqual(plain.compressed, false);
    strictEqual(gz.packets, 3);
    strictEqual(gz.compressed, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
