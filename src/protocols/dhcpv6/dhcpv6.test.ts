// DHCPv6 unit tests: messages built from RFC 8415 (§8 message format, §9 relay messages,
// §11 DUIDs, §21 options) and RFC 4704 (client FQDN): SOLICIT / ADVERTISE / REQUEST / REPLY
// with the record they give; relays unwrapped and their depth cap; malformed options;
// truncation at every offset; probes; fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { REPO } from '../../../test/support/corpus.ts';
import { concat, hex, prefixes, runSession, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { dhcpv6 } from './index.ts';
import { MAX_RELAY_DEPTH } from './parser.ts';
import { DHCPV6_FIELDS } from './records.ts';

const FLOW = { transport: 'udp' as const, flow: { transport: 'udp' as const, origH: 'fe80::21d:9cff:fec0:ffee', origP: 546, respH: 'fe80::250:56ff:fe00:1', respP: 547 } };
const text = (s: string) => new TextEncoder().encode(s);

/** An option: code (2), length (2), value. */
function opt(code: number, value: Uint8Array): Uint8Array {
  return concat(new Uint8Array([code >> 8, code & 255, value.length >> 8, value.length & 255]), value);
}

/** A client/server message: type, 3-byte transaction id, options. */
function msg(type: number, xid: number, ...options: Uint8Array[]): Uint8Array {
  return concat(new Uint8Array([type, (xid >> 16) & 255, (xid >> 8) & 255, xid & 255]), ...options);
}

const XID = 0xd95896;
// DUID-LLT (§11.2): type 1, hardware type 1 (Ethernet), time, the MAC 00:1d:9c:c0:ff:ee.
const CLIENT_DUID = hex`00 01 00 01 2b 3c 4d 5e 00 1d 9c c0 ff ee`;
// DUID-LL (§11.4): type 3, hardware type 1, the server's MAC.
const SERVER_DUID = hex`00 03 00 01 00 50 56 00 00 01`;
// Vendor class (§21.16): enterprise 311, one instance "MSFT 5.0".
const VENDOR = concat(hex`00 00 01 37 00 08`, text('MSFT 5.0'));
// FQDN (RFC 4704): flags 0, a partial name "hmi-04" (no root label).
const FQDN = concat(hex`00 06`, text('hmi-04'));
// IA_NA (§21.4): IAID, T1, T2, and (from the server) an IAADDR 2001:db8::100, preferred 3600, valid 7200.
const IA_NA_EMPTY = hex`00 00 00 0e 00 00 00 00 00 00 00 00`;
const IAADDR = opt(5, hex`20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 00  00 00 0e 10  00 00 1c 20`);
const IA_NA_ADDR = concat(IA_NA_EMPTY, IAADDR);

const SOLICIT = msg(1, XID, opt(1, CLIENT_DUID), opt(8, hex`00 00`), opt(3, IA_NA_EMPTY), opt(39, FQDN), opt(16, VENDOR), opt(6, hex`00 18 00 17 00 11 00 27`));
const ADVERTISE = msg(2, XID, opt(1, CLIENT_DUID), opt(2, SERVER_DUID), opt(3, IA_NA_ADDR),
  opt(23, hex`20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 35`), opt(24, concat(hex`05`, text('plant'), hex`07`, text('example'), hex`00`)));
const REPLY_FAIL = msg(7, XID, opt(2, SERVER_DUID), opt(13, concat(hex`00 02`, text('no addresses'))));

test('SOLICIT and ADVERTISE: one transaction with the DUIDs, MAC, FQDN, vendor class, option request list, address, DNS and domain', () => {
  const run = runSession(dhcpv6, [{ isOrig: true, bytes: SOLICIT, ts: 50 }, { isOrig: false, bytes: ADVERTISE, ts: 50.5 }], FLOW);
  assert.deepEqual(run.events, []);
  assert.equal(run.records.length, 1);
  const [t, r] = run.records[0];
  assert.equal(t, 'dhcpv6');
  const schema = DHCPV6_FIELDS.map((f) => f.name);
  const keys = Object.keys(r).filter((k) => r[k] !== undefined);
  assert.deepEqual(keys, schema.filter((k) => keys.includes(k)));
  assert.deepEqual(r, {
    ts: 50, uids: ['CTestFlow0000000001'], client_addr: 'fe80::21d:9cff:fec0:ffee', server_addr: 'fe80::250:56ff:fe00:1', mac: '00:1d:9c:c0:ff:ee',
    client_fqdn: 'hmi-04', domain_list: ['plant.example'], requested_options: '24,23,17,39', assigned_addrs: ['2001:db8::100'],
    assigned_prefixes: undefined, lease_time: 7200, msg_types: ['SOLICIT', 'ADVERTISE'], duration: 0.5,
    msg_orig: ['fe80::21d:9cff:fec0:ffee', 'fe80::250:56ff:fe00:1'], client_software: 'MSFT 5.0', server_software: undefined, xid: XID,
    client_duid: '000100012b3c4d5e001d9cc0ffee', client_duid_type: 'LLT', server_duid: '00030001005056000001', vendor_enterprise: 311,
    user_class: undefined, dns_servers: ['2001:db8::35'], status: undefined, status_code: undefined, status_message: undefined, relay_addr: undefined,
  });
  assert.ok(run.confirmed);
});

test('a REPLY with a status code, prefix delegation (IA_PD / IAPREFIX) and a full FQDN', () => {
  const pd = concat(hex`00 00 00 01 00 00 00 00 00 00 00 00`, opt(26, hex`00 00 0e 10 00 00 1c 20 38 20 01 0d b8 00 aa 00 00 00 00 00 00 00 00 00 00`));
  const full = concat(hex`01`, hex`03`, text('eng'), hex`05`, text('plant'), hex`00`);
  const req = msg(3, 7, opt(1, CLIENT_DUID), opt(39, full), opt(25, hex`00 00 00 01 00 00 00 00 00 00 00 00`));
  const rep = msg(7, 7, opt(1, CLIENT_DUID), opt(2, SERVER_DUID), opt(25, pd));
  const run = runSession(dhcpv6, [{ isOrig: true, bytes: req }, { isOrig: false, bytes: rep }, { isOrig: false, bytes: REPLY_FAIL }], FLOW);
  const [a, b] = run.records.map(([, r]) => r);
  assert.deepEqual([a.msg_types, a.client_fqdn, a.assigned_prefixes, a.lease_time], [['REQUEST', 'REPLY'], 'eng.plant', ['2001:db8:aa::/56'], 7200]);
  assert.deepEqual([b.msg_types, b.status, b.status_code, b.status_message], [['REPLY'], 'NoAddrsAvail', 2, 'no addresses']);
});

test('relayed messages are unwrapped to the client message; the relay link address is recorded; depth is capped', () => {
  // RELAY-FORW (§9): type 12, hop count, link-address, peer-address, options with Relay Message (9).
  const relay = (inner: Uint8Array, hop = 0) =>
    concat(new Uint8Array([12, hop]), hex`20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01`, hex`fe 80 00 00 00 00 00 00 02 1d 9c ff fe c0 ff ee`, opt(9, inner));
  const run = runSession(dhcpv6, [{ isOrig: true, bytes: relay(SOLICIT) }], FLOW);
  const [[, r]] = run.records;
  assert.deepEqual([r.msg_types, r.xid, r.relay_addr, r.mac, r.client_addr], [['SOLICIT'], XID, '2001:db8:1::1', '00:1d:9c:c0:ff:ee', undefined]);
  let deep = SOLICIT;
  for (let i = 0; i <= MAX_RELAY_DEPTH; i++) deep = relay(deep, i);
  const d = runSession(dhcpv6, [{ isOrig: true, bytes: deep }], FLOW);
  assert.deepEqual(d.events.map((e) => e.name), ['relay_depth']);
});

test('malformed: an option past its container, a bad IAADDR, an unknown type, a short datagram; the flow goes on', () => {
  const past = SOLICIT.slice(0, SOLICIT.length - 3);
  const badAddr = msg(2, 9, opt(3, concat(IA_NA_EMPTY, opt(5, hex`20 01`))));
  const unknown = msg(99, 1);
  const run = runSession(dhcpv6, [past, badAddr, unknown, hex`01 02`, SOLICIT].map((bytes) => ({ isOrig: true, bytes })), FLOW);
  assert.deepEqual(run.events.map((e) => e.name), ['bad_option', 'bad_value', 'unknown_msg_type', 'truncated']);
  assert.ok(run.records.some(([, r]) => (r.msg_types as string[]).includes('SOLICIT')));
});

test('truncation at every offset: no exception, no address from a cut option', () => {
  for (const p of prefixes(ADVERTISE)) {
    for (const [, r] of runSession(dhcpv6, [{ isOrig: false, bytes: p }], FLOW).records) {
      assert.ok(r.assigned_addrs === undefined || p.length >= 4 + 4 + CLIENT_DUID.length + 4 + SERVER_DUID.length + 4 + IA_NA_ADDR.length, `${p.length} bytes`);
    }
  }
});

test('probe: needs the DHCPv6 ports, a defined type, and options that walk to the end', () => {
  const hint = (portMatch: boolean): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort: 546, dstPort: 547 });
  assert.equal(dhcpv6.probe(SOLICIT, 0, SOLICIT.length, hint(true)), PROBE.YES);
  assert.equal(dhcpv6.probe(SOLICIT, 0, SOLICIT.length, hint(false)), PROBE.NO);
  assert.equal(dhcpv6.probe(SOLICIT, 0, SOLICIT.length - 1, hint(true)), PROBE.NO);
  const u = msg(99, 1);
  assert.equal(dhcpv6.probe(u, 0, u.length, hint(true)), PROBE.NO);
});

test('fuzzing: random datagrams, and valid messages with bit flips, never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 8 }), (chunks: Chunk[]) => {
      runSession(dhcpv6, chunks, FLOW);
    }),
    { numRuns: 500 },
  );
  const msgs = [SOLICIT, ADVERTISE, REPLY_FAIL];
  fc.assert(
    fc.property(fc.nat(2), fc.array(fc.tuple(fc.nat(10_000), fc.nat(7)), { minLength: 1, maxLength: 8 }), (i, flips) => {
      const m = msgs[i].slice();
      for (const [at, bit] of flips) m[at % m.length] ^= 1 << bit;
      runSession(dhcpv6, [{ isOrig: true, bytes: m }], FLOW);
    }),
    { numRuns: 3000 },
  );
});

test('docs/protocols/dhcpv6.md documents every record field and every event', () => {
  const doc = readFileSync(`${REPO}/docs/protocols/dhcpv6.md`, 'utf8');
  for (const f of DHCPV6_FIELDS) assert.ok(doc.includes(`| \`${f.name}\``), f.name);
  for (const e of Object.keys(dhcpv6.events)) assert.ok(doc.includes(`\`dhcpv6.${e}\``), e);
});
