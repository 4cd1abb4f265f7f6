// The dissect stage with toy protocols: probing (port first, content, MAYBE waits for more
// bytes), replay of what was kept, conn service after valid messages both ways, the guard
// against dissector bugs, weird records and their per-flow cap, children, layer-2 dispatch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpFrame, udpFrame, type TcpSpec } from '../../test/support/build.ts';
import { Engine } from '../pipeline/engine.ts';
import { Registry } from './registry.ts';
import { StreamFramer } from './stream.ts';
import { FLOW_HEADER_FIELDS, PROBE, type L2ProtocolDef, type ProtocolDef, type Session, type SessionContext, type SharedState } from './types.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (d: Uint8Array, off: number, len: number) => new TextDecoder().decode(d.subarray(off, off + len));

/** "TOY" protocol: messages are "T" + one length byte + that many bytes of text. */
function toy(opts: { id?: string; ports?: number[]; throwOn?: string; child?: boolean } = {}): ProtocolDef {
  const id = opts.id ?? 'toy';
  return {
    id,
    tcpPorts: opts.ports ?? [7777],
    udpPorts: opts.ports ?? [7777],
    probe(d, off, len) {
      if (len < 1) return PROBE.MAYBE;
      if (d[off] !== 0x54) return PROBE.NO;
      if (len < 2) return PROBE.MAYBE;
      return len >= 2 + d[off + 1] ? PROBE.YES : PROBE.MAYBE;
    },
    create(ctx: SessionContext): Session {
      const framer = new StreamFramer({
        pduLength: (d, off, avail) => (avail < 1 ? 0 : d[off] !== 0x54 ? -1 : avail < 2 ? 0 : 2 + d[off + 1]),
        pdu(isOrig, d, off, len) {
          const text = dec(d, off + 2, len - 2);
          if (text === opts.throwOn) throw new Error('toy bug');
          if (text === 'bad') {
            ctx.event('bad_message', text, isOrig);
            return;
          }
          ctx.valid(isOrig);
          ctx.record(id, { is_orig: isOrig, text });
        },
        skipped(isOrig, n) {
          ctx.event('resync', `${n} bytes`, isOrig);
        },
      });
      return {
        data: (isOrig, d, off, len) => framer.data(isOrig, d, off, len),
        gap: (isOrig, len) => framer.gap(isOrig, len),
        end: () => {},
      };
    },
    records: { [id]: [...FLOW_HEADER_FIELDS, { name: 'is_orig', type: 'bool' }, { name: 'text', type: 'string' }] },
    events: { bad_message: 'a message saying bad', resync: 'bytes skipped to find a header' },
  };
}

const msg = (s: string) => new Uint8Array([0x54, s.length, ...enc(s)]);

function conversation(dport: number, parts: [boolean, Uint8Array][]): TcpSpec[] {
  const C = '10.0.0.1';
  const S = '10.0.0.2';
  let cs = 1001;
  let ss = 5001;
  let t = 10;
  const p: TcpSpec[] = [
    { src: C, dst: S, sport: 40000, dport, seq: 1000, flags: 'S', ts: t },
    { src: S, dst: C, sport: dport, dport: 40000, seq: 5000, ack: 1001, flags: 'SA', ts: (t += 0.01) },
    { src: C, dst: S, sport: 40000, dport, seq: 1001, ack: 5001, flags: 'A', ts: (t += 0.01) },
  ];
  for (const [isOrig, payload] of parts) {
    if (isOrig) {
      p.push({ src: C, dst: S, sport: 40000, dport, seq: cs, ack: ss, flags: 'PA', payload, ts: (t += 0.01) });
      cs += payload.length;
    } else {
      p.push({ src: S, dst: C, sport: dport, dport: 40000, seq: ss, ack: cs, flags: 'PA', payload, ts: (t += 0.01) });
      ss += payload.length;
    }
  }
  p.push({ src: C, dst: S, sport: 40000, dport, seq: cs, ack: ss, flags: 'FA', ts: (t += 0.01) });
  p.push({ src: S, dst: C, sport: dport, dport: 40000, seq: ss, ack: cs + 1, flags: 'FA', ts: (t += 0.01) });
  p.push({ src: C, dst: S, sport: 40000, dport, seq: cs + 1, ack: ss + 1, flags: 'A', ts: t + 0.01 });
  return p;
}

function run(reg: Registry, packets: TcpSpec[]) {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: reg });
  for (const p of packets) e.frame(tcpFrame(p));
  e.finish();
  const of = (t: string) => out.filter(([ty]) => ty === t).map(([, r]) => r);
  return { out, of, counters: e.counters() };
}

test('a protocol on its port: records with the flow header, service once both sides were valid', () => {
  const r = run(new Registry([toy()]), conversation(7777, [[true, msg('hello')], [false, msg('world')]]));
  const toys = r.of('toy');
  assert.deepEqual(toys.map((t) => t.text), ['hello', 'world']);
  const conn = r.of('conn')[0];
  assert.equal(conn.service, 'toy');
  assert.equal(toys[0].uid, conn.uid);
  assert.deepEqual([toys[0]['id.orig_h'], toys[0]['id.orig_p'], toys[0]['id.resp_h'], toys[0]['id.resp_p']], ['10.0.0.1', 40000, '10.0.0.2', 7777]);
  assert.equal(Object.keys(toys[0]).slice(0, 6).join(), 'ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p');
  assert.deepEqual(r.counters.dissectors.toy, { flows: 1, confirmed: 1, rejected: 0, records: { toy: 2 }, events: {}, internal_errors: 0 });
});

test('valid messages one way only: records, but the flow does not count as the protocol', () => {
  const r = run(new Registry([toy()]), conversation(7777, [[true, msg('hello')], [false, enc('nope')]]));
  assert.deepEqual(r.of('toy').map((t) => t.text), ['hello']);
  assert.equal(r.of('conn')[0].service, undefined);
});

test('found by content on another port; a first message split over chunks is probed whole and replayed', () => {
  const m = msg('split message');
  const r = run(new Registry([toy()]), conversation(9999, [[true, m.subarray(0, 1)], [true, m.subarray(1, 5)], [true, m.subarray(5)], [false, msg('ok')]]));
  assert.deepEqual(r.of('toy').map((t) => t.text), ['split message', 'ok']);
  assert.equal(r.of('conn')[0].service, 'toy');
});

test('the port protocol is tried first; content probes decide between the others', () => {
  const a = toy({ id: 'toy_a', ports: [1111] });
  const b = toy({ id: 'toy_b', ports: [2222] });
  const r = run(new Registry([a, b]), conversation(2222, [[true, msg('x')], [false, msg('y')]]));
  assert.equal(r.of('toy_a').length, 0);
  assert.equal(r.of('toy_b').length, 2);
  assert.equal(r.of('conn')[0].service, 'toy_b');
});

test('a flow no probe claims is left alone', () => {
  const r = run(new Registry([toy()]), conversation(7777, [[true, enc('GET / HTTP/1.1\r\n\r\n')], [false, enc('HTTP/1.1 200 OK\r\n\r\n')]]));
  assert.equal(r.of('toy').length, 0);
  assert.equal(r.counters.dissectors.toy, undefined);
});

test('a bug in a dissector is contained to its flow: counted, weird record, other flows go on', () => {
  const reg = new Registry([toy({ throwOn: 'boom' })]);
  const r = run(reg, [...conversation(7777, [[true, msg('boom')], [true, msg('after')]])]);
  assert.equal(r.of('toy').length, 0);
  assert.equal(r.counters.dissectors.toy.internal_errors, 1);
  assert.equal(r.counters.internalErrors, 1);
  const w = r.of('weird');
  assert.equal(w.length, 1);
  assert.equal(w[0].name, 'toy.internal_error');
  assert.equal(w[0].uid, r.of('conn')[0].uid);
});

test('events: counted, written as weird records, at most 5 per flow and name', () => {
  const bad = Array.from({ length: 8 }, () => [true, msg('bad')] as [boolean, Uint8Array]);
  const r = run(new Registry([toy()]), conversation(7777, [[true, msg('ok')], ...bad]));
  assert.equal(r.counters.dissectors.toy.events.bad_message, 8);
  const w = r.of('weird');
  assert.equal(w.length, 5);
  assert.deepEqual(Object.keys(w[0]), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'name', 'addl', 'notice', 'peer', 'source', 'direction']);
  assert.equal(w[0].name, 'toy.bad_message');
  assert.equal(w[0].direction, 'orig');
});

test('garbage between messages: skipped until the next valid header, reported once per loss', () => {
  const r = run(new Registry([toy()]), conversation(7777, [[true, msg('one')], [true, enc('\x01\x02\x03')], [true, msg('two')]]));
  assert.deepEqual(r.of('toy').map((t) => t.text), ['one', 'two']);
  assert.equal(r.counters.dissectors.toy.events.resync, 1);
});

test('UDP: each datagram is one message', () => {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([toy()]) });
  e.frame(udpFrame('10.0.0.1', '10.0.0.2', 5000, 7777, msg('ping'), 1));
  e.frame(udpFrame('10.0.0.2', '10.0.0.1', 7777, 5000, msg('pong'), 1.1));
  e.finish();
  assert.deepEqual(out.filter(([t]) => t === 'toy').map(([, r]) => r.text), ['ping', 'pong']);
  assert.equal(out.find(([t]) => t === 'conn')![1].service, 'toy');
});

test('children: a parent opens the child that claims its payload; both count', () => {
  const child: ProtocolDef = {
    ...toy({ id: 'inner', ports: [] }),
    tcpPorts: undefined,
    udpPorts: undefined,
    parents: ['outer'],
  };
  const outer: ProtocolDef = {
    id: 'outer',
    tcpPorts: [3333],
    probe: (d, off, len) => (len >= 1 && d[off] === 0x4f ? PROBE.YES : PROBE.NO),
    create(ctx) {
      let kid: Session | null = null;
      return {
        data(isOrig, d, off, len) {
          // "O" + an inner message
          if (d[off] !== 0x4f) return;
          ctx.valid(isOrig);
          kid ??= ctx.openChild('outer', isOrig, d, off + 1, len - 1);
          kid?.data(isOrig, d, off + 1, len - 1);
        },
        gap() {},
        end() {},
      };
    },
    records: {},
    events: {},
  };
  const wrap = (s: string) => new Uint8Array([0x4f, ...msg(s)]);
  const r = run(new Registry([outer, child]), conversation(3333, [[true, wrap('in')], [false, wrap('out')]]));
  assert.deepEqual(r.of('inner').map((t) => t.text), ['in', 'out']);
  assert.equal(r.of('conn')[0].service, 'outer,inner');
});

test('layer 2: frames dispatched by EtherType', () => {
  const seen: number[] = [];
  const l2: L2ProtocolDef = {
    id: 'l2toy',
    ethertypes: [0x88cc],
    create(ctx) {
      let frames = 0;
      return {
        frame(p) {
          seen.push(p.ethertype);
          frames++;
          ctx.record('l2toy', { ts: ctx.ts, len: p.end - p.l2PayloadOff });
        },
        end() {
          ctx.record('l2toy', { ts: ctx.ts, len: frames });
        },
      };
    },
    records: { l2toy: [{ name: 'ts', type: 'time' }, { name: 'len', type: 'count' }] },
    events: {},
  };
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([], [l2]) });
  const f = tcpFrame({ src: '1.1.1.1', dst: '2.2.2.2', sport: 1, dport: 2, seq: 1, flags: 'S', ts: 5 });
  const b = f.data.slice();
  b[12] = 0x88;
  b[13] = 0xcc;
  f.data = b;
  e.frame(f);
  e.finish();
  assert.deepEqual(seen, [0x88cc]);
  assert.deepEqual(out, [['l2toy', { ts: 5, len: b.length - 14 }], ['l2toy', { ts: 5, len: 1 }]]);
});

test('the registry refuses bad ids, duplicate ids and a record type with two schemas', () => {
  assert.throws(() => new Registry([toy({ id: 'Bad-Id' })]), /lower-case/);
  assert.throws(() => new Registry([toy(), toy()]), /twice/);
});

test('shared state: one per engine for a protocol, seen by the sessions of every flow, ended at the end of input', () => {
  let made = 0;
  const def: ProtocolDef = {
    ...toy({ id: 'joined', ports: [7777] }),
    shared(sctx) {
      made++;
      const texts: string[] = [];
      return {
        add: (t: string) => texts.push(t),
        end: () => sctx.record('joined_all', { texts: texts.slice() }),
      } as SharedState & { add(t: string): void };
    },
    create(ctx) {
      return {
        data(isOrig, d, off, len) {
          ctx.confirm();
          (ctx.shared as SharedState & { add(t: string): void }).add(dec(d, off + 2, len - 2));
        },
        gap() {},
        end() {},
      };
    },
    records: { joined_all: [{ name: 'texts', type: 'vector[string]' }] },
  };
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([def]) });
  e.frame(udpFrame('10.0.0.1', '10.0.0.255', 5000, 7777, msg('one'), 1));
  e.frame(udpFrame('10.0.0.2', '10.0.0.255', 5001, 7777, msg('two'), 2));
  e.finish();
  assert.equal(made, 1);
  assert.deepEqual(out.filter(([t]) => t === 'joined_all').map(([, r]) => r.texts), [['one', 'two']]);
});

test('layer-2 weirds: at most 100 per event name and address pair (MAC pair and VLANs), all counted', () => {
  const l2: L2ProtocolDef = {
    id: 'l2toy',
    ethertypes: [0x88cc],
    create(ctx) {
      return {
        frame() {
          ctx.event('odd', 'every frame is odd');
        },
        end() {},
      };
    },
    records: {},
    events: { odd: 'a frame' },
  };
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([], [l2]) });
  // Frames of two MAC pairs, each pair both ways: the cap is per unordered pair.
  const frame = (src: number, dst: number, ts: number) => {
    const f = tcpFrame({ src: '1.1.1.1', dst: '2.2.2.2', sport: 1, dport: 2, seq: 1, flags: 'S', ts });
    const b = f.data.slice();
    b.fill(dst, 0, 6);
    b.fill(src, 6, 12);
    b[12] = 0x88;
    b[13] = 0xcc;
    f.data = b;
    return f;
  };
  for (let i = 0; i < 150; i++) {
    e.frame(frame(0x0a, 0x0b, i));
    e.frame(frame(0x0b, 0x0a, i + 0.1));
    e.frame(frame(0x0c, 0x0b, i + 0.2));
  }
  e.finish();
  const w = out.filter(([t]) => t === 'weird').map(([, r]) => r);
  assert.equal(w.length, 200);
  assert.ok(w.every((r) => r.name === 'l2toy.odd'));
  // Frames of 0c/0b are at i + 0.2. The pair 0a/0b wrote its 100 in the first 50 rounds (both
  // ways), 0c/0b in the first 100.
  const ofSecondPair = (r: Record<string, unknown>) => Math.round(((r.ts as number) % 1) * 10) === 2;
  const first = w.filter((r) => !ofSecondPair(r)).map((r) => r.ts as number);
  const second = w.filter(ofSecondPair).map((r) => r.ts as number);
  assert.deepEqual([first.length, Math.max(...first)], [100, 49.1]);
  assert.deepEqual([second.length, Math.max(...second)], [100, 99.2]);
  assert.equal(e.counters().dissectors.l2toy.events.odd, 450);
});

test('what a flow writes as it ends carries when it ended: its timeout\'s deadline, or the clock at the end of input', () => {
  const def: ProtocolDef = {
    ...toy({ id: 'ender', ports: [7777] }),
    create(ctx) {
      return {
        data(isOrig) {
          ctx.valid(isOrig);
          ctx.record('ender', { at: 'data', t: ctx.ts });
        },
        gap() {},
        end() {
          ctx.record('ender', { at: 'end', t: ctx.ts });
        },
      };
    },
    records: { ender: [...FLOW_HEADER_FIELDS, { name: 'at', type: 'string' }, { name: 't', type: 'time' }] },
  };
  const out: Record<string, unknown>[] = [];
  const e = new Engine({ write: (t, r) => t === 'ender' && out.push(r as Record<string, unknown>) }, { registry: new Registry([def]) });
  e.frame(udpFrame('10.0.0.1', '10.0.0.2', 5000, 7777, msg('a'), 10));
  // Another flow's packets move the clock past the first flow's deadline (10 + 60 s).
  e.frame(udpFrame('10.0.0.3', '10.0.0.2', 5001, 7777, msg('b'), 69));
  e.frame(udpFrame('10.0.0.3', '10.0.0.2', 5001, 7777, msg('c'), 75.5));
  // A packet a little late (an interface's skewed clock) does not move the clock back.
  e.frame(udpFrame('10.0.0.4', '10.0.0.2', 5002, 7777, msg('d'), 74));
  e.finish();
  assert.deepEqual(out.map((r) => [r['id.orig_h'], r.at, r.t]), [
    ['10.0.0.1', 'data', 10],
    ['10.0.0.3', 'data', 69],
    ['10.0.0.1', 'end', 70],
    ['10.0.0.3', 'data', 75.5],
    ['10.0.0.4', 'data', 74],
    ['10.0.0.3', 'end', 75.5],
    ['10.0.0.4', 'end', 75.5],
  ]);
});
