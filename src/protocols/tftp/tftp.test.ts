// TFTP: packets built byte by byte from RFC 1350 / RFC 2347-2349, run through the engine as a
// request flow (client → port 69) and the data flow the server opens from a new port, with
// the tftp record they must give: read and write transfers, options and OACK, errors,
// retransmitted requests, the size check, block numbers past 65535, data flows that belong to
// no request, expiry and the cap of the expectation table; the probe; truncation at every
// offset; IP fragmentation; fuzzing.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes, runSession } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint, type SessionContext } from '../../dissect/types.ts';
import { Engine } from '../../pipeline/engine.ts';
import { probeTftp, tftp } from './index.ts';
import { PROBLEM, TftpPacket, parseTftp } from './parser.ts';
import { EXPECT_SECONDS, MAX_EXPECTED, Transfer, clearExpected, expect } from './transfers.ts';

const enc = new TextEncoder();
const z = (s: string) => concat(enc.encode(s), new Uint8Array([0])); // a NUL-terminated string

/** RRQ "firmware.bin" octet, asking blksize 1024 and tsize 0. */
const RRQ = concat(
  hex`00 01  // opcode 1: RRQ`,
  z('firmware.bin'), // file name
  z('octet'), // mode
  z('blksize'), z('1024'), // option blksize = 1024 (RFC 2348)
  z('tsize'), z('0'), // option tsize = 0: the server is to tell the size (RFC 2349)
);
const data = (block: number, n: number, fill = 0x41) => concat(new Uint8Array([0, 3, block >> 8, block & 255]), new Uint8Array(n).fill(fill));
const ack = (block: number) => new Uint8Array([0, 4, block >> 8, block & 255]);
const error = (code: number, m: string) => concat(new Uint8Array([0, 5, code >> 8, code & 255]), z(m));
const oack = (...pairs: string[]) => concat(hex`00 06`, ...pairs.map(z));
const rrq = (name: string, mode = 'octet') => concat(hex`00 01`, z(name), z(mode));
const wrq = (name: string, ...opts: string[]) => concat(hex`00 02`, z(name), z('octet'), ...opts.map(z));

const CLIENT = [192, 0, 2, 10];
const SERVER = [192, 0, 2, 20];

interface Pkt {
  from: 'client' | 'server';
  sport: number;
  dport: number;
  bytes: Uint8Array;
  /** Seconds after the previous packet (default 0.01). */
  dt?: number;
}

function ethIpUdp(src: number[], dst: number[], sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const udpLen = 8 + payload.length;
  const ipLen = 20 + udpLen;
  return concat(
    new Uint8Array([0, 1, 2, 3, 4, src[3], 0, 1, 2, 3, 4, dst[3], 0x08, 0x00]),
    new Uint8Array([0x45, 0, ipLen >> 8, ipLen & 255, 0, 1, 0, 0, 64, 17, 0, 0, ...src, ...dst]),
    new Uint8Array([sport >> 8, sport & 255, dport >> 8, dport & 255, udpLen >> 8, udpLen & 255, 0, 0]),
    payload,
  );
}

function rawFrame(bytes: Uint8Array, ts: number): RawFrame {
  const f = new RawFrame();
  f.data = bytes;
  f.offset = 0;
  f.caplen = f.wirelen = bytes.length;
  f.linktype = LINKTYPE.ETHERNET;
  f.ts = ts;
  return f;
}

interface Out {
  tftp: Record<string, unknown>[];
  conn: Record<string, unknown>[];
  events: Record<string, number>;
  internal: number;
}

function runFrames(frames: Uint8Array[], times: number[]): Out {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([tftp]) });
  frames.forEach((b, i) => e.frame(rawFrame(b, times[i])));
  e.finish();
  const c = e.counters().dissectors.tftp;
  return {
    tftp: out.filter(([t]) => t === 'tftp').map(([, r]) => r),
    conn: out.filter(([t]) => t === 'conn').map(([, r]) => r),
    events: c?.events ?? {},
    internal: c?.internal_errors ?? 0,
  };
}

function run(pkts: Pkt[]): Out {
  let ts = 1700000000;
  const times: number[] = [];
  const frames = pkts.map((p) => {
    ts += p.dt ?? 0.01;
    times.push(ts);
    return p.from === 'client' ? ethIpUdp(CLIENT, SERVER, p.sport, p.dport, p.bytes) : ethIpUdp(SERVER, CLIENT, p.sport, p.dport, p.bytes);
  });
  return runFrames(frames, times);
}

const C = 50618; // client port
const S = 3445; // the server's port for the transfer
const req = (bytes: Uint8Array, dt?: number): Pkt => ({ from: 'client', sport: C, dport: 69, bytes, dt });
const fromServer = (bytes: Uint8Array, dt?: number): Pkt => ({ from: 'server', sport: S, dport: C, bytes, dt });
const fromClient = (bytes: Uint8Array, dt?: number): Pkt => ({ from: 'client', sport: C, dport: S, bytes, dt });

beforeEach(() => clearExpected());

test('the RRQ byte array: file name, mode, options', () => {
  const p = new TftpPacket();
  assert.equal(parseTftp(RRQ, 0, RRQ.length, p), PROBLEM.NONE);
  assert.equal(p.opcode, 1);
  assert.equal(new TextDecoder().decode(RRQ.subarray(p.nameOff, p.nameOff + p.nameLen)), 'firmware.bin');
  assert.equal(p.options, 2);
});

test('a read transfer: the request flow and the data flow make one record with both uids', () => {
  const r = run([
    req(rrq('rfc1350.txt')),
    fromServer(data(1, 512)),
    fromClient(ack(1)),
    fromServer(data(2, 100)),
    fromClient(ack(2)),
  ]);
  assert.equal(r.internal, 0);
  assert.equal(r.tftp.length, 1);
  const t = r.tftp[0];
  const [reqConn, dataConn] = r.conn;
  assert.equal(t.uid, reqConn.uid);
  assert.equal(t['id.orig_h'], '192.0.2.10');
  assert.equal(t['id.orig_p'], C);
  assert.equal(t['id.resp_h'], '192.0.2.20');
  assert.equal(t['id.resp_p'], 69);
  assert.equal(t.ts, 1700000000.01);
  assert.equal(t.wrq, false);
  assert.equal(t.fname, 'rfc1350.txt');
  assert.equal(t.mode, 'octet');
  assert.equal(t.uid_data, dataConn.uid);
  assert.equal(t.size, 612);
  assert.equal(t.block_sent, 2);
  assert.equal(t.block_acked, 2);
  assert.equal(t.error_code, undefined);
  assert.equal(t.blksize, 512);
  assert.equal(t.complete, true);
  assert.equal(t.requests, 1);
  // Both flows count as TFTP.
  assert.equal(reqConn.service, 'tftp');
  assert.equal(dataConn.service, 'tftp');
  assert.deepEqual(r.events, {});
});

test('a write transfer with options: OACK sets the block size; the declared tsize is checked', () => {
  const pkts = (tsize: string) => [
    { from: 'client' as const, sport: C, dport: 69, bytes: wrq('plc.cfg', 'blksize', '1024', 'tsize', tsize) },
    fromServer(oack('blksize', '1024', 'tsize', tsize)),
    fromClient(data(1, 1024)),
    fromServer(ack(1)),
    fromClient(data(2, 476)),
    fromServer(ack(2)),
  ];
  let r = run(pkts('1500'));
  const t = r.tftp[0];
  assert.equal(t.wrq, true);
  assert.equal(t.fname, 'plc.cfg');
  assert.deepEqual(t.options, ['blksize=1024', 'tsize=1500']);
  assert.deepEqual(t.oack, ['blksize=1024', 'tsize=1500']);
  assert.equal(t.blksize, 1024);
  assert.equal(t.tsize, 1500);
  assert.equal(t.size, 1500);
  assert.equal(t.complete, true);
  assert.deepEqual(r.events, {});
  clearExpected();
  r = run(pkts('2000'));
  assert.deepEqual(r.events, { size_mismatch: 1 });
  assert.equal(r.tftp[0].size, 1500);
});

test('an ERROR from the server ends the transfer with its code, name and message', () => {
  const r = run([req(rrq('missing.bin')), fromServer(error(1, 'File not found'))]);
  const t = r.tftp[0];
  assert.equal(t.error_code, 1);
  assert.equal(t.error_name, 'file_not_found');
  assert.equal(t.error_msg, 'File not found');
  assert.equal(t.complete, false);
  assert.equal(t.size, 0);
  assert.equal(typeof t.uid_data, 'string');
});

test('a retransmitted request is counted, not a second transfer; a different request is', () => {
  const r = run([req(rrq('a.bin')), req(rrq('a.bin'), 1), fromServer(data(1, 10)), fromClient(ack(1)), req(rrq('b.bin'), 1)]);
  assert.deepEqual(r.tftp.map((t) => [t.fname, t.requests, t.size, t.complete]), [['a.bin', 2, 10, true], ['b.bin', 1, 0, false]]);
});

test('a transfer without an answer is written when its flow ends', () => {
  const r = run([req(rrq('silent.bin'))]);
  assert.equal(r.tftp.length, 1);
  assert.equal(r.tftp[0].uid_data, undefined);
  assert.equal(r.conn[0].service, undefined);
});

test('DATA on a flow that no request announced is not TFTP; nor is a flow from the right port between other hosts', () => {
  let r = run([fromServer(data(1, 512)), fromClient(ack(1))]);
  assert.equal(r.tftp.length, 0);
  assert.equal(r.conn[0].service, undefined);
  clearExpected();
  // The client's port is expected, but the data comes from a third host.
  const frames = [
    ethIpUdp(CLIENT, SERVER, C, 69, rrq('x.bin')),
    ethIpUdp([192, 0, 2, 99], CLIENT, S, C, data(1, 100)),
  ];
  r = runFrames(frames, [1700000000, 1700000000.01]);
  assert.equal(r.tftp.length, 1);
  assert.equal(r.tftp[0].uid_data, undefined);
  assert.equal(r.conn.find((c) => c['id.orig_h'] === '192.0.2.99')?.service, undefined);
});

test(`a data flow that starts more than ${EXPECT_SECONDS} s after its request is not joined to it`, () => {
  const r = run([req(rrq('late.bin')), fromServer(data(1, 10), EXPECT_SECONDS + 1), fromClient(ack(1))]);
  assert.equal(r.tftp.length, 1);
  assert.equal(r.tftp[0].uid_data, undefined);
  assert.equal(r.tftp[0].size, 0);
});

test('block numbers past 65535 keep counting (a server answering from port 69 itself)', () => {
  const chunks = [{ isOrig: true, bytes: concat(hex`00 01`, z('big.img'), z('octet'), z('blksize'), z('8')) }];
  const r0 = runSession(tftp, [...chunks, { isOrig: false, bytes: oack('blksize', '8') }, { isOrig: true, bytes: ack(0) }], { transport: 'udp', flow: { respP: 69 } });
  assert.equal(r0.records[0][1].blksize, 8);
  clearExpected();
  const blocks = 70000;
  const all = [...chunks, { isOrig: false, bytes: oack('blksize', '8') }, { isOrig: true, bytes: ack(0) }];
  for (let b = 1; b <= blocks; b++) {
    all.push({ isOrig: false, bytes: data(b & 0xffff, b === blocks ? 3 : 8) });
    all.push({ isOrig: true, bytes: ack(b & 0xffff) });
  }
  const r = runSession(tftp, all, { transport: 'udp', flow: { respP: 69 } });
  const t = r.records[0][1];
  assert.equal(t.block_sent, blocks);
  assert.equal(t.block_acked, blocks);
  assert.equal(t.size, (blocks - 1) * 8 + 3);
  assert.equal(t.complete, true);
  assert.deepEqual(r.events, []);
});

test('a skipped block raises missing_blocks; duplicates are counted once', () => {
  const r = run([req(rrq('f')), fromServer(data(1, 512)), fromServer(data(1, 512)), fromServer(data(3, 20)), fromClient(ack(3))]);
  assert.deepEqual(r.events, { missing_blocks: 1 });
  assert.equal(r.tftp[0].size, 532);
  assert.equal(r.tftp[0].block_sent, 3);
});

test(`the expectation table is capped at ${MAX_EXPECTED}: the oldest request is no longer followed`, () => {
  const pkts: Pkt[] = [];
  for (let i = 0; i <= MAX_EXPECTED; i++) pkts.push({ from: 'client', sport: 10000 + i, dport: 69, bytes: rrq(`f${i}`), dt: 0.001 });
  pkts.push({ from: 'server', sport: 3000, dport: 10000, bytes: data(1, 5) }); // the first request's data: no longer expected
  pkts.push({ from: 'server', sport: 3001, dport: 10000 + MAX_EXPECTED, bytes: data(1, 5) }); // the last one's: joined
  const r = run(pkts);
  assert.equal(r.events.too_many_pending, 1);
  const first = r.tftp.find((t) => t.fname === 'f0')!;
  const last = r.tftp.find((t) => t.fname === `f${MAX_EXPECTED}`)!;
  assert.equal(first.uid_data, undefined);
  assert.equal(typeof last.uid_data, 'string');
});

test('probe: a whole RRQ/WRQ on port 69; DATA/ACK/OACK/ERROR only towards an expected port, and only a first one', () => {
  const hint = (portMatch: boolean, dstPort = 69, srcPort = C): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort, dstPort });
  assert.equal(probeTftp(RRQ, 0, RRQ.length, hint(true)), PROBE.YES);
  assert.equal(probeTftp(RRQ, 0, RRQ.length, hint(false)), PROBE.NO);
  const badMode = rrq('x', 'binary');
  assert.equal(probeTftp(badMode, 0, badMode.length, hint(true)), PROBE.NO);
  const noNul = concat(hex`00 01`, enc.encode('x'), z('octet')).subarray(0, 9);
  assert.equal(probeTftp(noNul, 0, noNul.length, hint(true)), PROBE.NO);
  const empty = concat(hex`00 01 00`, z('octet'));
  assert.equal(probeTftp(empty, 0, empty.length, hint(true)), PROBE.NO);
  const d1 = data(1, 100);
  assert.equal(probeTftp(d1, 0, d1.length, hint(false, C, S)), PROBE.NO); // nothing expected
  // A request from port C waits for its data flow:
  const fake = { ts: 1700000000, flow: { uid: 'CReq', origH: '192.0.2.10', origP: C, respH: '192.0.2.20', respP: 69 } } as unknown as SessionContext;
  expect(new Transfer(fake, false, 'x', 'octet', [], -1, -1));
  const yes = (b: Uint8Array, h = hint(false, C, S)) => probeTftp(b, 0, b.length, h);
  assert.equal(yes(d1), PROBE.YES);
  assert.equal(yes(d1, hint(false, S, C)), PROBE.YES); // the client's packet, if the server's first one was missed
  assert.equal(yes(data(2, 100)), PROBE.NO); // not a first block
  assert.equal(yes(ack(0)), PROBE.YES);
  assert.equal(yes(ack(2)), PROBE.NO);
  assert.equal(yes(concat(ack(0), hex`00`)), PROBE.NO); // an ACK is 4 bytes
  assert.equal(yes(error(1, 'File not found')), PROBE.YES);
  assert.equal(yes(error(9, 'x')), PROBE.NO);
  assert.equal(yes(oack('blksize', '1024')), PROBE.YES);
  assert.equal(yes(hex`00 06`), PROBE.NO); // an OACK without options
  assert.equal(yes(hex`00 07 00 01`), PROBE.NO);
  assert.equal(yes(d1, hint(false, 4000, 4001)), PROBE.NO); // other ports
});

test('truncation at every offset: no exception; a cut request is recorded only when it ends on a string boundary, with the options it holds', () => {
  for (const full of [RRQ, error(2, 'Access violation'), oack('blksize', '1024'), data(1, 20)]) {
    for (const cut of prefixes(full)) {
      clearExpected();
      const r = runSession(tftp, [{ isOrig: true, bytes: cut }], { transport: 'udp', flow: { respP: 69 } });
      if (full !== RRQ || r.records.length === 0) continue;
      // A cut that ends on a string boundary is a shorter, valid request: its options are those it holds.
      assert.equal(cut[cut.length - 1], 0, `${cut.length} bytes`);
      const opts = r.records[0][1].options as string[];
      assert.deepEqual(opts, ['blksize=1024', 'tsize=0'].slice(0, opts.length));
    }
  }
});

function fragments(b: Uint8Array, size: number, src: number[], dst: number[], sport: number, dport: number): Uint8Array[] {
  const udpLen = 8 + b.length;
  const udp = concat(new Uint8Array([sport >> 8, sport & 255, dport >> 8, dport & 255, udpLen >> 8, udpLen & 255, 0, 0]), b);
  const out: Uint8Array[] = [];
  for (let o = 0; o < udp.length; o += size) {
    const part = udp.subarray(o, Math.min(o + size, udp.length));
    const ipLen = 20 + part.length;
    const flags = (o + size < udp.length ? 0x2000 : 0) | (o / 8);
    out.push(concat(new Uint8Array([0, 1, 2, 3, 4, src[3], 0, 1, 2, 3, 4, dst[3], 0x08, 0x00]),
      new Uint8Array([0x45, 0, ipLen >> 8, ipLen & 255, 0x77, 0x77, flags >> 8, flags & 255, 64, 17, 0, 0, ...src, ...dst]), part));
  }
  return out;
}

test('IP fragments of the DATA packets give the same record, at every fragment size', () => {
  const without = (o: Out) => o.tftp.map(({ ts: _t, uid: _u, uid_data: _d, last_ts: _l, ...rest }) => rest);
  const whole = without(run([req(rrq('frag.bin')), fromServer(data(1, 300)), fromClient(ack(1))]));
  assert.equal(whole[0].size, 300);
  for (let size = 8; size < 312; size += 8) {
    clearExpected();
    const frames = [ethIpUdp(CLIENT, SERVER, C, 69, rrq('frag.bin')), ...fragments(data(1, 300), size, SERVER, CLIENT, S, C), ethIpUdp(CLIENT, SERVER, C, S, ack(1))];
    assert.deepEqual(without(runFrames(frames, frames.map((_, i) => 1700000000 + i * 0.01))), whole, `${size}-byte fragments`);
  }
});

test('fuzz: random datagrams on request and data flows never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 60 })), { minLength: 1, maxLength: 8 }), (ds) => {
      clearExpected();
      const pkts: Pkt[] = [req(RRQ)];
      for (const [server, b] of ds) pkts.push(server ? fromServer(concat(hex`00`, b)) : fromClient(concat(hex`00`, b)));
      return run(pkts).internal === 0;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(RRQ.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
      clearExpected();
      const b = RRQ.slice();
      for (const [i, x] of flips) b[i] ^= x;
      return run([req(b), fromServer(data(1, 30)), fromClient(ack(1))]).internal === 0;
    }),
    { numRuns: 300 },
  );
});
