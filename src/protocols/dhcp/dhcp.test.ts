// DHCP unit tests: messages built from RFC 2131 §2 (the BOOTP header) and RFC 2132 (options),
// RFC 4702 (client FQDN), RFC 3046 (relay agent information), RFC 2131 §4.1 (overload); the
// transaction join across flows and Zeek's expiry timing (through the engine, as the
// broadcasts and replies travel in different flows); caps; malformed messages; truncation
// at every offset; probes; fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { udpFrame } from '../../../test/support/build.ts';
import { REPO } from '../../../test/support/corpus.ts';
import { Engine } from '../../pipeline/engine.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes, runSession, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { dhcp } from './index.ts';
import { MAX_TRANSACTIONS, MAX_UIDS } from './join.ts';
import { DHCP_FIELDS } from './records.ts';

type Rec = Record<string, unknown>;

interface Bootp {
  op: number;
  xid: number;
  ciaddr?: number[];
  yiaddr?: number[];
  giaddr?: number[];
  chaddr?: number[];
  hlen?: number;
  /** [code, value] in order; the end option is added. */
  options?: [number, Uint8Array][];
  cookie?: boolean;
  sname?: Uint8Array;
  file?: Uint8Array;
}

/** A BOOTP/DHCP message (RFC 2131 §2): op, htype 1, hlen, hops, xid, secs, flags, addresses, chaddr, sname, file, cookie, options. */
function bootp(m: Bootp): Uint8Array {
  const b = new Uint8Array(236);
  b[0] = m.op;
  b[1] = 1;
  b[2] = m.hlen ?? 6;
  new DataView(b.buffer).setUint32(4, m.xid);
  b.set(m.ciaddr ?? [0, 0, 0, 0], 12);
  b.set(m.yiaddr ?? [0, 0, 0, 0], 16);
  b.set(m.giaddr ?? [0, 0, 0, 0], 24);
  b.set(m.chaddr ?? [0x00, 0x1d, 0x9c, 0xc0, 0xff, 0xee], 28);
  if (m.sname !== undefined) b.set(m.sname, 44);
  if (m.file !== undefined) b.set(m.file, 108);
  if (m.cookie === false) return b;
  const opts: number[] = [99, 130, 83, 99];
  for (const [code, v] of m.options ?? []) opts.push(code, v.length, ...v);
  opts.push(255);
  return concat(b, new Uint8Array(opts));
}

const text = (s: string) => new TextEncoder().encode(s);
const type = (t: number): [number, Uint8Array] => [53, new Uint8Array([t])];
const XID = 0x3903f326;

const DISCOVER = bootp({
  op: 1, xid: XID,
  options: [type(1), [61, hex`01 00 1d 9c c0 ff ee`], [50, hex`c0 00 02 64`], [12, text('PLC-07')], [60, text('Rockwell 1756-EN2T')], [55, hex`01 03 06 0f 2a`]],
});
const OFFER = bootp({
  op: 2, xid: XID, yiaddr: [192, 0, 2, 100],
  options: [type(2), [54, hex`c0 00 02 01`], [51, hex`00 01 51 80`], [1, hex`ff ff ff 00`], [3, hex`c0 00 02 01`], [6, hex`c0 00 02 35 c0 00 02 36`], [15, text('plant.example')]],
});
const REQUEST = bootp({ op: 1, xid: XID, options: [type(3), [61, hex`01 00 1d 9c c0 ff ee`], [50, hex`c0 00 02 64`], [54, hex`c0 00 02 01`], [12, text('PLC-07')], [55, hex`01 03 06 0f 2a`]] });
const ACK = bootp({ op: 2, xid: XID, yiaddr: [192, 0, 2, 100], options: [type(5), [54, hex`c0 00 02 01`], [51, hex`00 01 51 80`], [15, text('plant.example')]] });

/** Runs the engine over frames and returns the dhcp records and counters. */
function engine(frames: Parameters<typeof udpFrame>[]): { records: Rec[]; conn: Rec[]; events: Record<string, number> } {
  const out: [string, Rec][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Rec]) }, { registry: new Registry([dhcp]) });
  for (const f of frames) e.frame(udpFrame(...f));
  e.finish();
  return {
    records: out.filter(([t]) => t === 'dhcp').map(([, r]) => r),
    conn: out.filter(([t]) => t === 'conn').map(([, r]) => r),
    events: e.counters().dissectors.dhcp?.events ?? {},
  };
}

function checkSchema(r: Rec): void {
  const schema = DHCP_FIELDS.map((f) => f.name);
  const keys = Object.keys(r).filter((k) => r[k] !== undefined);
  assert.deepEqual(keys, schema.filter((k) => keys.includes(k)), 'record keys are schema fields, in order');
}

test('DISCOVER, OFFER, REQUEST, ACK in three flows: one transaction record, as Zeek joins it', () => {
  const { records, conn } = engine([
    ['0.0.0.0', '255.255.255.255', 68, 67, DISCOVER, 100],
    ['192.0.2.1', '192.0.2.100', 67, 68, OFFER, 100.01],
    ['0.0.0.0', '255.255.255.255', 68, 67, REQUEST, 101],
    ['192.0.2.1', '255.255.255.255', 67, 68, ACK, 101.02],
  ]);
  assert.equal(records.length, 1);
  const r = records[0];
  checkSchema(r);
  assert.equal(r.ts, 100);
  assert.equal((r.uids as string[]).length, 3);
  assert.deepEqual(new Set(r.uids as string[]), new Set(conn.map((c) => c.uid)));
  for (const c of conn) assert.equal(c.service, 'dhcp');
  const { ts: _ts, uids: _uids, duration, ...rest } = r;
  assert.ok(Math.abs((duration as number) - 1.02) < 1e-9);
  assert.deepEqual(rest, {
    // The client never sent from an address of its own: Zeek takes the assigned one.
    client_addr: '192.0.2.100', server_addr: '192.0.2.1', mac: '00:1d:9c:c0:ff:ee', host_name: 'PLC-07', client_fqdn: undefined,
    domain: 'plant.example', requested_addr: '192.0.2.100', assigned_addr: '192.0.2.100', lease_time: 86400,
    client_message: undefined, server_message: undefined, msg_types: ['DISCOVER', 'OFFER', 'REQUEST', 'ACK'],
    msg_orig: ['0.0.0.0', '192.0.2.1', '0.0.0.0', '192.0.2.1'], client_software: 'Rockwell 1756-EN2T', server_software: undefined,
    xid: XID, param_list: '1,3,6,15,42', client_id: '01:00:1d:9c:c0:ff:ee', user_class: undefined, server_id: '192.0.2.1',
    subnet_mask: '255.255.255.0', routers: ['192.0.2.1'], dns_servers: ['192.0.2.53', '192.0.2.54'], relay_addr: undefined,
    agent_circuit_id: undefined, agent_remote_id: undefined,
  });
});

test("Zeek's expiry: a message after more than 5 idle seconds at a check starts a new transaction; so does one past 30 s", () => {
  // Checks are at 10 s after the first message, then every 5 s.
  const idle = engine([
    ['0.0.0.0', '255.255.255.255', 68, 67, DISCOVER, 100],
    ['0.0.0.0', '255.255.255.255', 68, 67, DISCOVER, 104], // at the 110 s check, 6 s idle: written
    ['0.0.0.0', '255.255.255.255', 68, 67, DISCOVER, 111],
  ]);
  assert.deepEqual(idle.records.map((r) => (r.msg_types as string[]).length), [2, 1]);
  // A retransmission every 4 s: never 5 s idle at a check; the 135 s check finds it older than 30 s.
  const frames: Parameters<typeof udpFrame>[] = [];
  for (let t = 100; t <= 140; t += 4) frames.push(['0.0.0.0', '255.255.255.255', 68, 67, DISCOVER, t]);
  const long = engine(frames);
  assert.deepEqual(long.records.map((r) => [r.ts, (r.msg_types as string[]).length]), [[100, 9], [136, 2]]);
});

test(`a transaction in ${MAX_UIDS} flows is written at once (Zeek's max_uids_per_log_entry)`, () => {
  const frames: Parameters<typeof udpFrame>[] = [];
  for (let i = 0; i < MAX_UIDS + 1; i++) frames.push([`192.0.2.${10 + i}`, '192.0.2.1', 68, 67, DISCOVER, 100 + i * 0.1]);
  const { records } = engine(frames);
  assert.deepEqual(records.map((r) => (r.uids as string[]).length), [MAX_UIDS, 1]);
});

test('NAK and DECLINE messages, option 81 in both encodings, relay agent information, giaddr', () => {
  const nak = bootp({ op: 2, xid: 7, options: [type(6), [56, text('requested address not available')]] });
  const decline = bootp({ op: 1, xid: 7, giaddr: [10, 9, 8, 1], options: [type(4), [56, text('address in use')], [82, hex`01 04 00 01 00 07 02 06 00 1d 9c 00 00 01`]] });
  // RFC 4702: flags S+E (0x05), RCODE1, RCODE2, the name in DNS wire format.
  const fqdnWire = bootp({ op: 1, xid: 8, options: [type(3), [81, hex`05 00 00 03 68 6d 69 05 70 6c 61 6e 74 00`]] });
  const fqdnAscii = bootp({ op: 1, xid: 9, options: [type(3), [81, concat(hex`01 00 00`, text('ws12.plant.example'))]] });
  const run = runSession(dhcp, [{ isOrig: false, bytes: nak }, { isOrig: true, bytes: decline }, { isOrig: true, bytes: fqdnWire }, { isOrig: true, bytes: fqdnAscii }], { transport: 'udp' });
  const r = run.records.map(([, x]) => x);
  assert.deepEqual(run.events, []);
  assert.deepEqual([r[0].msg_types, r[0].server_message, r[0].client_message, r[0].relay_addr, r[0].agent_circuit_id, r[0].agent_remote_id],
    [['NAK', 'DECLINE'], 'requested address not available', 'address in use', '10.9.8.1', '00:01:00:07', '00:1d:9c:00:00:01']);
  assert.equal(r[1].client_fqdn, 'hmi.plant');
  assert.equal(r[2].client_fqdn, 'ws12.plant.example');
});

test('option overload (RFC 2131 §4.1): options in the file and sname fields are read, file first', () => {
  const file = new Uint8Array(128);
  file.set([12, 4, ...text('HOST'), 255]);
  const sname = new Uint8Array(64);
  sname.set([12, 5, ...text('OTHER'), 60, 3, ...text('abc'), 255]);
  const m = bootp({ op: 1, xid: 1, options: [type(1), [52, hex`03`]], file, sname });
  const [[, r]] = runSession(dhcp, [{ isOrig: true, bytes: m }], { transport: 'udp' }).records;
  // sname is read after file: its host name wins, as it is the last seen.
  assert.deepEqual([r.host_name, r.client_software], ['OTHER', 'abc']);
});

test('plain BOOTP (no magic cookie) on the DHCP ports: BOOTREQUEST / BOOTREPLY', () => {
  const req = bootp({ op: 1, xid: 3, cookie: false });
  const rep = bootp({ op: 2, xid: 3, yiaddr: [192, 0, 2, 9], cookie: false });
  const [[, r]] = runSession(dhcp, [{ isOrig: true, bytes: req }, { isOrig: false, bytes: rep }], { transport: 'udp' }).records;
  assert.deepEqual([r.msg_types, r.assigned_addr], [['BOOTREQUEST', 'BOOTREPLY'], '192.0.2.9']);
});

test('malformed: an option past the end, no end option, hlen over 16, a bad op, an unknown type, a short datagram', () => {
  const past = DISCOVER.slice(0, DISCOVER.length - 1);
  past[past.length - 1] = 40; // the last option's value now claims more bytes than remain
  const noEnd = DISCOVER.slice(0, DISCOVER.length - 1);
  const hlen = bootp({ op: 1, xid: 4, hlen: 20, options: [type(1)] });
  const op = bootp({ op: 3, xid: 5, options: [type(1)] });
  const unknown = bootp({ op: 1, xid: 6, options: [type(99)] });
  const run = runSession(dhcp, [past, noEnd, hlen, op, unknown, DISCOVER.subarray(0, 100)].map((bytes) => ({ isOrig: true, bytes })), { transport: 'udp' });
  assert.deepEqual(run.events.map((e) => e.name), ['bad_option', 'bad_option', 'bad_hlen', 'bad_op', 'unknown_msg_type', 'truncated']);
  const types = run.records.flatMap(([, r]) => r.msg_types as string[]);
  assert.ok(types.includes('unknown-99'));
});

test(`cap: more than ${MAX_TRANSACTIONS} transactions open at once raise too_many_transactions; every message is still recorded`, () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_TRANSACTIONS; i++) chunks.push({ isOrig: true, bytes: bootp({ op: 1, xid: i, options: [type(1)] }), ts: 1000 });
  const run = runSession(dhcp, chunks, { transport: 'udp' });
  assert.equal(run.events.filter((e) => e.name === 'too_many_transactions').length, 1);
  assert.equal(run.records.length, MAX_TRANSACTIONS + 1);
  assert.equal(run.records[0][1].xid, 0, 'the oldest is written first');
});

test('truncation at every offset: no exception; a cut message gives no more options than it holds', () => {
  for (const p of prefixes(OFFER)) {
    const run = runSession(dhcp, [{ isOrig: false, bytes: p }], { transport: 'udp' });
    for (const [, r] of run.records) assert.ok(r.domain === undefined || p.length >= OFFER.length - 1, `${p.length} bytes`);
  }
});

test('probe: the magic cookie on any port; plain BOOTP only on 67/68; junk refused', () => {
  const hint = (src: number, dst: number, portMatch = true): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort: src, dstPort: dst });
  assert.equal(dhcp.probe(DISCOVER, 0, DISCOVER.length, hint(68, 67)), PROBE.YES);
  assert.equal(dhcp.probe(DISCOVER, 0, DISCOVER.length, hint(1068, 4011, false)), PROBE.YES);
  const plain = bootp({ op: 1, xid: 1, cookie: false });
  assert.equal(dhcp.probe(plain, 0, plain.length, hint(68, 67)), PROBE.YES);
  assert.equal(dhcp.probe(plain, 0, plain.length, hint(1068, 4011, false)), PROBE.NO);
  assert.equal(dhcp.probe(DISCOVER, 0, 200, hint(68, 67)), PROBE.NO);
  assert.equal(dhcp.probe(DISCOVER, 0, DISCOVER.length, { ...hint(68, 67), transport: 'tcp' }), PROBE.NO);
  let yes = 0;
  for (const b of fc.sample(fc.uint8Array({ minLength: 240, maxLength: 400 }), { numRuns: 1000, seed: 11 })) if (dhcp.probe(b, 0, b.length, hint(5000, 6000, false)) === PROBE.YES) yes++;
  assert.equal(yes, 0);
});

test('fuzzing: random datagrams, and valid messages with bit flips, never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 400 }) }), { maxLength: 8 }), (chunks) => {
      runSession(dhcp, chunks, { transport: 'udp' });
    }),
    { numRuns: 300 },
  );
  const msgs = [DISCOVER, OFFER, REQUEST, ACK];
  fc.assert(
    fc.property(fc.nat(3), fc.array(fc.tuple(fc.nat(10_000), fc.nat(7)), { minLength: 1, maxLength: 10 }), (i, flips) => {
      const m = msgs[i].slice();
      for (const [at, bit] of flips) m[236 + (at % (m.length - 236))] ^= 1 << bit;
      runSession(dhcp, [{ isOrig: i % 2 === 0, bytes: m }], { transport: 'udp' });
    }),
    { numRuns: 3000 },
  );
});

test('docs/protocols/dhcp.md documents every record field and every event', () => {
  const doc = readFileSync(`${REPO}/docs/protocols/dhcp.md`, 'utf8');
  for (const f of DHCP_FIELDS) assert.ok(doc.includes(`| \`${f.name}\``), f.name);
  for (const e of Object.keys(dhcp.events)) assert.ok(doc.includes(`\`dhcp.${e}\``), e);
});
