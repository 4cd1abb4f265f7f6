// DHCP and DHCPv6 against tshark on every corpus capture that holds them (MANIFEST.md
// Protocols column `dhcp`, `dhcpv6`). Our records are transactions, tshark's rows messages:
//  - DHCP: every message tshark decodes (dhcp.id, dhcp.option.dhcp, or dhcp.type for BOOTP
//    without option 53) is one entry of the `msg_types` of one of our records with that xid,
//    and a client message's host name (dhcp.option.hostname, the key field), parameter request
//    list (dhcp.option.request_list_item) and vendor class (dhcp.option.vendor_class_id) are
//    the record's host_name, param_list and client_software;
//  - DHCPv6: every message (dhcpv6.xid and the innermost dhcpv6.msgtype) is an entry of the
//    msg_types of a `dhcpv6` record with that xid, and a client message's FQDN
//    (dhcpv6.client_domain), option request list (dhcpv6.requested_option_code), vendor class
//    (dhcpv6.vendorclass.data) and DUID link-layer address (dhcpv6.duidllt.link_layer_addr)
//    are the record's client_fqdn, requested_options, client_software and mac;
//  - and our records hold no message tshark does not show.
// >= 99% of messages must agree; every difference is listed with its reason.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK } from './support/tshark.ts';
import { messageTypeName } from '../src/protocols/dhcp/constants.ts';
import { messageTypeName as v6TypeName } from '../src/protocols/dhcpv6/constants.ts';
import { Bag, capturesWith, tsharkFields, values } from './dns-support.ts';

const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;
type Rec = Record<string, unknown>;

const V4_FIELDS = ['frame.number', 'dhcp.type', 'dhcp.id', 'dhcp.option.dhcp', 'dhcp.option.hostname', 'dhcp.option.request_list_item', 'dhcp.option.vendor_class_id'];
const V6_FIELDS = ['frame.number', 'dhcpv6.msgtype', 'dhcpv6.xid', 'dhcpv6.client_domain', 'dhcpv6.requested_option_code', 'dhcpv6.vendorclass.data', 'dhcpv6.duidllt.link_layer_addr', 'dhcpv6.duidll.link_layer_addr'];


interface Outcome {
  file: string;
  tshark: number;
  agree: number;
  misses: string[];
  extra: string[];
}

function bagOf(recs: Rec[]): Bag {
  const b = new Bag();
  for (const r of recs) for (const t of r.msg_types as string[]) b.add(`${r.xid}|${t}`);
  return b;
}

async function compareV4(file: string): Promise<Outcome> {
  const path = join(CORPUS, file);
  const r = await runEngine([path]);
  assert.equal(r.counters.dissectors.dhcp?.internal_errors ?? 0, 0, `${file}: internal errors`);
  const recs = (r.records.get('dhcp') ?? []) as Rec[];
  const bag = bagOf(recs);
  const out: Outcome = { file, tshark: 0, agree: 0, misses: [], extra: [] };
  for (const row of await tsharkFields(path, 'dhcp', V4_FIELDS)) {
    out.tshark++;
    const frame = Number(row['frame.number']);
    const xid = parseInt(row['dhcp.id'], 16);
    const op = Number(row['dhcp.type']);
    const mt = row['dhcp.option.dhcp'] === '' ? -1 : Number(values(row, 'dhcp.option.dhcp')[0]);
    const k = `${xid}|${messageTypeName(mt, op)}`;
    const problems: string[] = [];
    if (!bag.take(k)) problems.push(`${k} not in our records`);
    else if (op === 1) {
      const mine = recs.filter((x) => x.xid === xid);
      const check = (field: string, theirs: string) => {
        if (theirs !== '' && !mine.some((x) => x[field] === theirs)) problems.push(`${field}: tshark ${theirs}, ours ${mine.map((x) => x[field]).join('/')}`);
      };
      check('host_name', row['dhcp.option.hostname']);
      check('param_list', values(row, 'dhcp.option.request_list_item').join(','));
      check('client_software', row['dhcp.option.vendor_class_id']);
    }
    if (problems.length === 0) out.agree++;
    else out.misses.push(`frame ${frame}: ${problems.join('; ')}`);
  }
  out.extra = bag.left();
  return out;
}

async function compareV6(file: string): Promise<Outcome> {
  const path = join(CORPUS, file);
  const r = await runEngine([path]);
  assert.equal(r.counters.dissectors.dhcpv6?.internal_errors ?? 0, 0, `${file}: internal errors`);
  const recs = (r.records.get('dhcpv6') ?? []) as Rec[];
  const bag = bagOf(recs);
  const out: Outcome = { file, tshark: 0, agree: 0, misses: [], extra: [] };
  for (const row of await tsharkFields(path, 'dhcpv6', V6_FIELDS)) {
    out.tshark++;
    const frame = Number(row['frame.number']);
    const types = values(row, 'dhcpv6.msgtype').map(Number);
    const inner = types[types.length - 1];
    const xid = parseInt(row['dhcpv6.xid'], 16);
    const k = `${xid}|${v6TypeName(inner)}`;
    const problems: string[] = [];
    if (!bag.take(k)) problems.push(`${k} not in our records`);
    else if (![2, 7, 10, 13].includes(inner)) {
      const mine = recs.filter((x) => x.xid === xid);
      const check = (field: string, theirs: string) => {
        if (theirs !== '' && !mine.some((x) => x[field] === theirs)) problems.push(`${field}: tshark ${theirs}, ours ${mine.map((x) => x[field]).join('/')}`);
      };
      // tshark ends a fully qualified name with the root's dot; our names never do.
      check('client_fqdn', row['dhcpv6.client_domain'].replace(/\.$/, ''));
      check('requested_options', values(row, 'dhcpv6.requested_option_code').join(','));
      check('client_software', values(row, 'dhcpv6.vendorclass.data').join(','));
      check('mac', row['dhcpv6.duidllt.link_layer_addr'] || row['dhcpv6.duidll.link_layer_addr']);
    }
    if (problems.length === 0) out.agree++;
    else out.misses.push(`frame ${frame}: ${problems.join('; ')}`);
  }
  out.extra = bag.left();
  return out;
}

function report(name: string, results: Outcome[], min: number): void {
  const total = results.reduce((a, r) => a + r.tshark, 0);
  const agree = results.reduce((a, r) => a + r.agree, 0);
  console.log(`${name} vs tshark: ${agree}/${total} messages agree (${((100 * agree) / total).toFixed(2)}%) over ${results.length} captures\n  ` +
    results.map((r) => `${r.file}: ${r.agree}/${r.tshark}${r.extra.length > 0 ? `, ${r.extra.length} only ours` : ''}`).join('\n  '));
  assert.ok(total >= min, `messages compared: ${total}`);
  assert.ok(agree / total >= 0.99, `agreement ${agree}/${total}`);
  for (const r of results) {
    assert.deepEqual(r.misses, [], `${r.file}: messages that do not agree`);
    assert.deepEqual(r.extra, [], `${r.file}: messages only our records hold`);
  }
}

test('DHCP: every message tshark decodes is in our transactions, with the client host name, parameter list and vendor class', { skip, timeout: 120_000 }, async () => {
  const files = capturesWith(['dhcp']);
  assert.ok(files.length >= 15, `captures: ${files.length}`);
  const results: Outcome[] = [];
  for (const f of files) results.push(await compareV4(f));
  report('dhcp', results, 140);
});

test('DHCPv6: every message tshark decodes is in our transactions, with the client FQDN, option request list, vendor class and MAC', { skip, timeout: 120_000 }, async () => {
  const files = capturesWith(['dhcpv6']);
  assert.ok(files.length >= 10, `captures: ${files.length}`);
  const results: Outcome[] = [];
  for (const f of files) results.push(await compareV6(f));
  report('dhcpv6', results, 100);
});
