// Flow table tests: Zeek's conn_state and history for the classic TCP exchanges, the
// originator choice, timeouts, port reuse, the flow cap, and the reassembled streams the
// dissectors will get (equal to what was sent, whatever the segmentation and order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { tcpFrame, udpFrame, type TcpSpec } from '../../test/support/build.ts';
import type { ConnRecord } from '../events/conn-fields.ts';
import { Engine } from '../pipeline/engine.ts';
import { defaultRegistry } from '../protocols/index.ts';
import type { Flow } from './flow.ts';
import type { FlowConfig, FlowListener } from './flow-table.ts';

const C = '10.0.0.1';
const S = '10.0.0.2';

function run(packets: Parameters<typeof tcpFrame>[0][], cfg: Partial<FlowConfig> = {}, listener: FlowListener | null = null): ConnRecord[] {
  const out: ConnRecord[] = [];
  const e = new Engine({ write: (_t, r) => out.push(r as ConnRecord) }, { flow: cfg, listener });
  for (const p of packets) e.frame(tcpFrame(p));
  e.finish();
  return out;
}

/** A client→server exchange: handshake, one request and reply, and a close. */
function session(t0: number, opts: { close?: 'fin' | 'rst-orig' | 'rst-resp' | 'none' } = {}): TcpSpec[] {
  const req = new TextEncoder().encode('GET');
  const rep = new TextEncoder().encode('OK!!');
  const p: TcpSpec[] = [
    { src: C, dst: S, sport: 40000, dport: 502, seq: 1000, flags: 'S', ts: t0 },
    { src: S, dst: C, sport: 502, dport: 40000, seq: 5000, ack: 1001, flags: 'SA', ts: t0 + 0.01 },
    { src: C, dst: S, sport: 40000, dport: 502, seq: 1001, ack: 5001, flags: 'A', ts: t0 + 0.02 },
    { src: C, dst: S, sport: 40000, dport: 502, seq: 1001, ack: 5001, flags: 'PA', payload: req, ts: t0 + 0.03 },
    { src: S, dst: C, sport: 502, dport: 40000, seq: 5001, ack: 1004, flags: 'PA', payload: rep, ts: t0 + 0.04 },
  ];
  const close = opts.close ?? 'fin';
  if (close === 'fin') {
    p.push({ src: C, dst: S, sport: 40000, dport: 502, seq: 1004, ack: 5005, flags: 'FA', ts: t0 + 0.05 });
    p.push({ src: S, dst: C, sport: 502, dport: 40000, seq: 5005, ack: 1005, flags: 'FA', ts: t0 + 0.06 });
    p.push({ src: C, dst: S, sport: 40000, dport: 502, seq: 1005, ack: 5006, flags: 'A', ts: t0 + 0.07 });
  } else if (close === 'rst-orig') p.push({ src: C, dst: S, sport: 40000, dport: 502, seq: 1004, flags: 'R', ts: t0 + 0.05 });
  else if (close === 'rst-resp') p.push({ src: S, dst: C, sport: 502, dport: 40000, seq: 5005, flags: 'R', ts: t0 + 0.05 });
  return p;
}

test('a full session closed by FIN: SF, ShADdFf, sizes from sequence numbers', () => {
  const [r] = run(session(100));
  assert.equal(r.conn_state, 'SF');
  assert.equal(r.history, 'ShADdFf'); // no pure ACK from the server, so no 'a'
  assert.deepEqual([r['id.orig_h'], r['id.orig_p'], r['id.resp_h'], r['id.resp_p']], [C, 40000, S, 502]);
  assert.deepEqual([r.orig_bytes, r.resp_bytes, r.orig_pkts, r.resp_pkts], [3, 4, 5, 3]);
  assert.deepEqual([r.orig_ip_bytes, r.resp_ip_bytes], [5 * 40 + 3, 3 * 40 + 4]);
  assert.equal(r.duration, 0.06); // as in Zeek: the last ACK, after both FINs, does not extend the connection
  assert.equal(r.missed_bytes, 0);
});

test('resets: RSTO and RSTR; rejected: REJ; unanswered: S0; mid-stream: OTH', () => {
  assert.equal(run(session(100, { close: 'rst-orig' }))[0].conn_state, 'RSTO');
  assert.equal(run(session(100, { close: 'rst-resp' }))[0].conn_state, 'RSTR');
  const rej = run([
    { src: C, dst: S, sport: 40000, dport: 502, seq: 1, flags: 'S', ts: 1 },
    { src: S, dst: C, sport: 502, dport: 40000, seq: 0, ack: 2, flags: 'RA', ts: 1.01 },
  ]);
  assert.deepEqual([rej[0].conn_state, rej[0].history], ['REJ', 'Sr']);
  const s0 = run([{ src: C, dst: S, sport: 40000, dport: 502, seq: 1, flags: 'S', ts: 1 }]);
  assert.deepEqual([s0[0].conn_state, s0[0].history, s0[0].duration], ['S0', 'S', undefined]);
  const mid = run(session(100).slice(3, 5));
  assert.deepEqual([mid[0].conn_state, mid[0].history], ['OTH', 'Dd']);
});

test('the originator is the client even when the server speaks first (Zeek flips: ^)', () => {
  const r = run(session(100).slice(4, 5).concat(session(100).slice(5)));
  assert.equal(r[0]['id.orig_p'], 40000);
  assert.equal(r[0]['id.resp_p'], 502);
  assert.ok(r[0].history!.startsWith('^'));
});

test('an unanswered SYN ends 5 s later: a retransmission after that is a new attempt', () => {
  const syn = (ts: number): TcpSpec => ({ src: C, dst: S, sport: 40000, dport: 502, seq: 1, flags: 'S', ts });
  const r = run([syn(0), syn(3), syn(9)]);
  assert.deepEqual(r.map((x) => [x.conn_state, x.orig_pkts]), [['S0', 2], ['S0', 1]]);
});

test('port reuse: a new SYN after a closed session starts a new connection', () => {
  const again = session(100.5).map((p) => (p.src === C ? { ...p, seq: p.seq + 777 } : { ...p, ack: p.ack === undefined ? undefined : p.ack + 777 }));
  const r = run([...session(100), ...again]);
  assert.equal(r.length, 2);
  assert.ok(r.every((x) => x.conn_state === 'SF'));
});

test('a flow that replaces an ended one (port reuse, timeout) is found by its own key afterwards', () => {
  // Regression: the new flow once took the hash of whatever key was looked up before it.
  const other: TcpSpec = { src: '10.9.9.9', dst: S, sport: 41000, dport: 80, seq: 7, flags: 'S', ts: 100.2 };
  const again = session(100.5).map((p) => (p.src === C ? { ...p, seq: p.seq + 777 } : { ...p, ack: p.ack === undefined ? undefined : p.ack + 777 }));
  const r = run([...session(100), other, ...again]);
  assert.deepEqual(r.map((x) => [x['id.orig_p'], x.conn_state, x.orig_pkts]).sort(), [[40000, 'SF', 5], [40000, 'SF', 5], [41000, 'S0', 1]]);
  // The same after a timeout instead of a reuse.
  const u = new Uint8Array(4);
  const out: ConnRecord[] = [];
  const e = new Engine({ write: (_t, rec) => out.push(rec as ConnRecord) }, { registry: defaultRegistry() });
  e.frame(udpFrame(C, S, 5000, 6000, u, 0));
  e.frame(udpFrame('10.8.8.8', S, 5001, 6001, u, 1));
  for (const ts of [100, 100.5, 101]) e.frame(udpFrame(C, S, 5000, 6000, u, ts));
  e.finish();
  assert.deepEqual(out.map((x) => [x['id.orig_p'], x.orig_pkts]).sort(), [[5000, 1], [5000, 3], [5001, 1]]);
});

test('UDP: orig/resp by first packet unless it comes from a server port; timeouts split flows', () => {
  const out: ConnRecord[] = [];
  const e = new Engine({ write: (_t, r) => out.push(r as ConnRecord) }, { registry: defaultRegistry() });
  const q = new Uint8Array(10);
  e.frame(udpFrame(S, C, 53, 33333, q, 10)); // a reply seen first: the client is still the originator
  e.frame(udpFrame(C, S, 33333, 53, q, 10.5));
  e.frame(udpFrame(C, S, 33333, 53, q, 100)); // 89.5 s later: a new flow
  e.finish();
  assert.deepEqual(out.map((r) => [r['id.orig_h'], r['id.resp_p'], r.conn_state, r.history, r.orig_pkts, r.resp_pkts]), [
    [C, 53, 'SF', '^dD', 1, 1],
    [C, 53, 'S0', 'D', 1, 0],
  ]);
});

test('the flow cap ends the flow nearest its timeout and counts it', () => {
  const out: ConnRecord[] = [];
  const e = new Engine({ write: (_t, r) => out.push(r as ConnRecord) }, { flow: { maxFlows: 3 }, registry: defaultRegistry() });
  for (let i = 0; i < 10; i++) e.frame(udpFrame(C, S, 30000 + i, 9999, new Uint8Array(4), 50 + i * 0.1));
  assert.equal(e.table.activeFlows, 3);
  assert.equal(e.table.stats.flowsEvicted, 7);
  e.finish();
  assert.equal(out.length, 10);
});

/** Collects the reassembled streams per direction. */
class Collector implements FlowListener {
  orig: number[] = [];
  resp: number[] = [];
  gaps = 0;
  flowStart(): void {}
  flowEnd(): void {}
  udpData(): void {}
  tcpData(_f: Flow, isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    (isOrig ? this.orig : this.resp).push(...d.subarray(off, off + len));
  }
  tcpGap(_f: Flow, _isOrig: boolean, len: number): void {
    this.gaps += len;
  }
}

test('reassembled streams equal the bytes sent, whatever the segmentation and order', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 3000 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.array(fc.nat(), { maxLength: 60 }),
      fc.boolean(),
      (data, cuts, isn, swaps, withHandshake) => {
        const segs: TcpSpec[] = [];
        let at = 0;
        let i = 0;
        while (at < data.length) {
          const n = Math.min(cuts[i++ % cuts.length], data.length - at);
          segs.push({ src: C, dst: S, sport: 40000, dport: 502, seq: (isn + 1 + at) >>> 0, ack: 1, flags: 'PA', payload: data.subarray(at, at + n), ts: 10 });
          at += n;
        }
        // Shuffle the data segments (a few retransmitted copies too).
        for (const s of swaps) {
          const a = s % segs.length;
          const b = (s >>> 8) % segs.length;
          [segs[a], segs[b]] = [segs[b], segs[a]];
        }
        if (swaps.length > 0) segs.push({ ...segs[swaps[0] % segs.length] });
        const hs: TcpSpec[] = withHandshake
          ? [
              { src: C, dst: S, sport: 40000, dport: 502, seq: isn, flags: 'S', ts: 10 },
              { src: S, dst: C, sport: 502, dport: 40000, seq: 0, ack: (isn + 1) >>> 0, flags: 'SA', ts: 10 },
            ]
          : [];
        const c = new Collector();
        run([...hs, ...segs.map((s, k) => ({ ...s, ts: 10 + k * 1e-4 }))], {}, c);
        if (withHandshake) {
          assert.equal(c.gaps, 0);
          assert.deepEqual(c.orig, [...data]);
        } else {
          // Mid-stream pickup starts at the first segment seen: what follows it is exact.
          assert.equal(c.orig.length + c.gaps <= data.length, true);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('fuzz: random TCP packets in random order never throw, and every flow gets a record', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          dir: fc.boolean(),
          seq: fc.integer({ min: 0, max: 0xffffffff }),
          ack: fc.integer({ min: 0, max: 0xffffffff }),
          flags: fc.subarray(['S', 'A', 'F', 'R', 'P', 'U']).map((a) => a.join('')),
          len: fc.nat(50),
          dt: fc.double({ min: 0, max: 20, noNaN: true }),
          port: fc.integer({ min: 1, max: 3 }),
        }),
        { maxLength: 60 },
      ),
      (pkts) => {
        let ts = 1000;
        const specs: TcpSpec[] = pkts.map((p) => {
          ts += p.dt;
          return p.dir
            ? { src: C, dst: S, sport: 40000 + p.port, dport: 502, seq: p.seq, ack: p.ack, flags: p.flags, payload: new Uint8Array(p.len), ts }
            : { src: S, dst: C, sport: 502, dport: 40000 + p.port, seq: p.seq, ack: p.ack, flags: p.flags, payload: new Uint8Array(p.len), ts };
        });
        const out: ConnRecord[] = [];
        const e = new Engine({ write: (_t, r) => out.push(r as ConnRecord) }, { registry: defaultRegistry() });
        for (const s of specs) e.frame(tcpFrame(s));
        e.finish();
        assert.equal(e.internalErrors, 0, e.firstInternalError);
        assert.equal(out.length, e.table.stats.flowsCreated);
        assert.equal(out.reduce((a, r) => a + (r.orig_pkts ?? 0) + (r.resp_pkts ?? 0), 0), specs.length);
        for (const r of out) assert.match(r.conn_state!, /^(S0|S1|SF|REJ|S2|S3|RSTO|RSTR|RSTOS0|RSTRH|SH|SHR|OTH)$/);
      },
    ),
    { numRuns: 2_000 },
  );
});
