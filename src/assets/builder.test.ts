// The inventory from hand-made records: MAC/IP folding and router detection, claims and
// their conflicts, independence from record order, changes, roles, and the export formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssetBuilder, type Inventory } from './builder.ts';
import { ClaimSet } from './claims.ts';
import { assetsCSV, graphML } from './export.ts';
import { MAPPERS } from './mappers.ts';
import { CONFIDENCE, num, str, type Observer, type RecordMapper } from './observe.ts';

const HMI = { ip: '10.0.0.10', mac: '00:1c:06:00:00:10' };
const PLC = { ip: '10.0.0.20', mac: '00:1c:06:00:00:20' };
const GW = { ip: '10.0.0.1', mac: '00:00:0c:00:00:01' };

let uidN = 0;
function conn(ts: number, o: { ip: string; mac: string }, r: { ip: string; mac: string }, port: number, extra: Record<string, unknown> = {}) {
  return {
    ts, uid: `C${String(uidN++).padStart(18, '0')}`, 'id.orig_h': o.ip, 'id.orig_p': 40000 + (uidN % 1000), 'id.resp_h': r.ip, 'id.resp_p': port,
    proto: 'tcp', duration: 1, conn_state: 'SF', history: 'ShADadFf', orig_pkts: 5, orig_ip_bytes: 300, resp_pkts: 4, resp_ip_bytes: 250,
    orig_l2_addr: o.mac, resp_l2_addr: r.mac, ...extra,
  };
}

/** Test records: `ident` claims identity values; `feat` reports a role feature. */
const testMappers: Map<string, RecordMapper> = new Map([
  ...MAPPERS,
  ['ident', (r: Record<string, unknown>, o: Observer) => {
    o.claim({ ip: str(r, 'ip') }, str(r, 'field') as 'firmware', str(r, 'value'), num(r, 'confidence'), 'ident', num(r, 'ts'), str(r, 'uid') || undefined, 'value');
  }],
  ['feat', (r: Record<string, unknown>, o: Observer) => {
    o.feature({ ip: str(r, 'ip') }, str(r, 'feature'), num(r, 'ts'));
  }],
  ['op', (r: Record<string, unknown>, o: Observer) => {
    o.op(str(r, 'id.orig_h'), str(r, 'id.resp_h'), 'modbus', str(r, 'name'), r.category as 'write', num(r, 'ts'));
  }],
]);

function build(records: [string, object][]): Inventory {
  const b = new AssetBuilder(testMappers);
  for (const [t, r] of records) b.write(t, r);
  return b.finalize();
}

function plantRecords(): [string, object][] {
  const recs: [string, object][] = [];
  const t0 = 1_700_000_000;
  for (let i = 0; i < 5; i++) recs.push(['conn', conn(t0 + i * 10, HMI, PLC, 502, { service: 'modbus' })]);
  // Internet hosts reached through the gateway: their packets carry the gateway's MAC.
  for (let i = 0; i < 6; i++) recs.push(['conn', conn(t0 + 60 + i, HMI, { ip: `93.184.216.${30 + i}`, mac: GW.mac }, 443, { service: 'ssl' })]);
  recs.push(['arp', { ts: t0 + 1, orig_mac: GW.mac, orig_h: GW.ip, resp_h: HMI.ip, sha_mismatch: false }]);
  recs.push(['ident', { ts: t0 + 5, ip: PLC.ip, field: 'firmware', value: 'V2.8.1', confidence: CONFIDENCE.DEVICE_IDENTITY, uid: 'Cx1' }]);
  recs.push(['ident', { ts: t0 + 5, ip: PLC.ip, field: 'model', value: '6ES7 315-2EH14-0AB0', confidence: CONFIDENCE.DEVICE_IDENTITY, uid: 'Cx1' }]);
  recs.push(['feat', { ts: t0 + 5, ip: PLC.ip, feature: 's7_server' }]);
  recs.push(['feat', { ts: t0 + 5, ip: HMI.ip, feature: 'modbus_client' }]);
  recs.push(['op', { ts: t0 + 7, 'id.orig_h': HMI.ip, 'id.resp_h': PLC.ip, name: 'WRITE_SINGLE_REGISTER', category: 'write' }]);
  return recs;
}

test('devices on the segment are keyed by MAC; hosts behind the router by IP; the router is found', () => {
  const inv = build(plantRecords());
  const ids = inv.assets.map((a) => a.id);
  assert.ok(ids.includes(`mac:${HMI.mac}`));
  assert.ok(ids.includes(`mac:${PLC.mac}`));
  assert.ok(ids.includes('ip:93.184.216.30'));
  const gw = inv.assets.find((a) => a.id === `mac:${GW.mac}`)!;
  assert.equal(gw.role.value, 'switch_router');
  // The gateway keeps its own address (ARP), not those of the hosts behind it.
  assert.deepEqual(gw.ipv4.map((c) => c.value), [GW.ip]);
  const hmi = inv.assets.find((a) => a.id === `mac:${HMI.mac}`)!;
  assert.deepEqual(hmi.ipv4.map((c) => c.value), [HMI.ip]);
  assert.equal(hmi.vendor[0].value.startsWith('Siemens'), true);
  assert.equal(hmi.vendor[0].source, 'oui');
  const remote = inv.assets.find((a) => a.id === 'ip:93.184.216.30')!;
  assert.equal(remote.key, 'ip');
  assert.equal(remote.purdue_level.level, 5);
});

test('roles, levels, services and operations come from features, conn records and op records', () => {
  const inv = build(plantRecords());
  const plc = inv.assets.find((a) => a.id === `mac:${PLC.mac}`)!;
  const hmi = inv.assets.find((a) => a.id === `mac:${HMI.mac}`)!;
  assert.equal(plc.role.value, 'plc');
  assert.equal(plc.purdue_level.level, 1);
  assert.equal(hmi.role.value, 'hmi');
  assert.equal(hmi.purdue_level.level, 2);
  assert.deepEqual(plc.services_offered.map((s) => [s.proto, s.port, s.service, s.flows, s.peers]), [['tcp', 502, 'modbus', 5, 1]]);
  assert.equal(plc.firmware[0].value, 'V2.8.1');
  assert.deepEqual(plc.firmware[0].evidence, { record: 'ident', uid: 'Cx1', ts: 1_700_000_005, field: 'value' });
  const e = inv.edges.find((x) => x.source === hmi.id && x.target === plc.id)!;
  assert.equal(e.flows, 5);
  assert.deepEqual(e.protocols, ['modbus']);
  assert.deepEqual(e.operations, { modbus: { WRITE_SINGLE_REGISTER: { count: 1, category: 'write' } } });
  assert.equal(e.operation_totals.write, 1);
  assert.equal(e.packets, 5 * 9);
});

test('the inventory does not depend on the order of the records', () => {
  const recs = plantRecords();
  const a = JSON.stringify(build(recs));
  for (let seed = 1; seed < 6; seed++) {
    const shuffled = [...recs];
    let s = seed;
    for (let i = shuffled.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const j = s % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    assert.equal(JSON.stringify(build(shuffled)), a);
  }
});

test('a conn record without its addresses or time adds nothing and does not throw', () => {
  const recs = plantRecords();
  const want = JSON.stringify(build(recs));
  const bad = [{ ts: 5 }, { 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2' }, { ts: 'x', 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2' }, { ts: 5, 'id.orig_h': 7, 'id.resp_h': '10.0.0.2' }];
  const b = new AssetBuilder(testMappers);
  for (const [t, r] of recs) b.write(t, r);
  for (const r of bad) b.write('conn', r);
  const got = b.finalize();
  assert.equal(JSON.stringify(got.assets), JSON.stringify(JSON.parse(want).assets));
  assert.equal(JSON.stringify(got.edges), JSON.stringify(JSON.parse(want).edges));
});

test('claims: best confidence first; equally sure sources that disagree are all kept', () => {
  const c = new ClaimSet();
  c.add({ value: 'A', source: 'x', confidence: 90, ts: 5, field: 'f' });
  c.add({ value: 'B', source: 'y', confidence: 90, ts: 3, field: 'f' });
  c.add({ value: 'C', source: 'z', confidence: 40, ts: 1, field: 'f' });
  c.add({ value: 'A', source: 'x', confidence: 90, ts: 2, uid: 'Cearly', field: 'f' });
  assert.deepEqual(c.best().map((x) => x.value), ['A', 'B']);
  assert.deepEqual(c.list().map((x) => x.value), ['A', 'B', 'C']);
  const a = c.list()[0];
  assert.equal(a.count, 2);
  assert.equal(a.first_seen, 2);
  assert.equal(a.last_seen, 5);
  assert.equal(a.evidence.uid, 'Cearly');
});

test('changes: new device after the first hour, firmware changed, a MAC with a new IP, an IP with a new MAC', () => {
  const t0 = 1_700_000_000;
  const recs = plantRecords();
  recs.push(['ident', { ts: t0 + 7200, ip: PLC.ip, field: 'firmware', value: 'V3.2.6', confidence: CONFIDENCE.DEVICE_IDENTITY, uid: 'Cx2' }]);
  const late = { ip: '10.0.0.99', mac: '00:1c:06:00:00:99' };
  recs.push(['conn', conn(t0 + 5400, late, PLC, 102)]);
  recs.push(['conn', conn(t0 + 6000, { ip: '10.0.0.21', mac: PLC.mac }, HMI, 80)]);
  recs.push(['conn', conn(t0 + 6500, { ip: HMI.ip, mac: '00:1c:06:00:00:66' }, PLC, 502)]);
  const ch = build(recs).changes;
  const kinds = ch.map((c) => `${c.change} ${c.asset_id}`);
  assert.ok(kinds.includes(`new_asset mac:${late.mac}`), kinds.join('; '));
  const fw = ch.find((c) => c.change === 'firmware_changed')!;
  assert.deepEqual([fw.old_value, fw.new_value, fw.uid, fw.ts], ['V2.8.1', 'V3.2.6', 'Cx2', t0 + 7200]);
  assert.ok(ch.some((c) => c.change === 'mac_new_ip' && c.asset_id === `mac:${PLC.mac}` && c.new_value === '10.0.0.21'));
  assert.ok(ch.some((c) => c.change === 'ip_new_mac' && c.new_value === '00:1c:06:00:00:66'));
  assert.deepEqual(ch.map((c) => c.ts), [...ch.map((c) => c.ts)].sort((x, y) => x - y));
});

test('broadcast and multicast addresses are no devices', () => {
  const inv = build([
    ['conn', { ...conn(1, HMI, { ip: '255.255.255.255', mac: 'ff:ff:ff:ff:ff:ff' }, 47808), proto: 'udp' }],
    ['conn', { ...conn(2, HMI, { ip: '239.255.255.250', mac: '01:00:5e:7f:ff:fa' }, 1900), proto: 'udp' }],
  ]);
  assert.deepEqual(inv.assets.map((a) => a.id), [`mac:${HMI.mac}`]);
  assert.equal(inv.edges.length, 0);
});

test('CSV quotes what needs quoting and defuses formulas; GraphML escapes markup', () => {
  const recs = plantRecords();
  recs.push(['ident', { ts: 9, ip: PLC.ip, field: 'name', value: '=cmd|"x",<PLC & co>', confidence: 95 }]);
  const inv = build(recs);
  const csv = assetsCSV(inv.assets);
  assert.ok(csv.includes(`"'=cmd|""x"",<PLC & co>"`), csv);
  assert.equal(csv.split('\n')[0].split(',')[0], 'id');
  const ml = graphML(inv);
  assert.ok(ml.includes('=cmd|&quot;x&quot;,&lt;PLC &amp; co&gt;'));
  assert.equal((ml.match(/<node /g) ?? []).length, inv.assets.length);
  assert.equal((ml.match(/<edge /g) ?? []).length, inv.edges.length);
  assert.ok(ml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<graphml '));
});

test('GraphML drops the control characters XML cannot carry and escapes apostrophes; CSV defuses a cell that starts with @', () => {
  const recs = plantRecords();
  recs.push(['ident', { ts: 9, ip: PLC.ip, field: 'name', value: "o'\u0001k\tline", confidence: 95 }]);
  recs.push(['ident', { ts: 9, ip: HMI.ip, field: 'name', value: '@SUM(1)', confidence: 95 }]);
  const inv = build(recs);
  const ml = graphML(inv);
  assert.ok(ml.includes('o&apos;k\tline'), 'the apostrophe escaped, U+0001 dropped, the tab kept');
  assert.ok(!ml.includes('\u0001'));
  const csv = assetsCSV(inv.assets);
  assert.ok(csv.includes(`"'@SUM(1)"`), csv);
  assert.ok(csv.includes("o'\u0001k\tline"), 'a cell with nothing to quote is as it is');
});

/** Builds with `parts` builders (records dealt out by `pick`), merged as the main thread merges workers' states. */
function buildMerged(records: [string, object][], parts: number, pick: (i: number) => number): Inventory {
  const bs = Array.from({ length: parts }, () => new AssetBuilder(testMappers));
  records.forEach(([t, r], i) => bs[pick(i) % parts].write(t, r));
  const main = bs[0];
  // Through structured clone, as worker messages carry the state.
  for (let i = parts - 1; i > 0; i--) main.mergeState(structuredClone(bs[i].exportState()));
  return main.finalize();
}

/** More records: many hosts behind the gateway, a device announcing 40 values of one field, several operations per edge, bindings from several sources. */
function busyRecords(): [string, object][] {
  const recs = plantRecords();
  const t0 = 1_700_000_000;
  for (let i = 0; i < 40; i++) {
    recs.push(['ident', { ts: t0 + 100 - i, ip: PLC.ip, field: 'device_type', value: `BACnet device ${i}`, confidence: i % 7 === 0 ? CONFIDENCE.DEVICE_IDENTITY : CONFIDENCE.HEURISTIC, uid: `Cd${i}` }]);
    // Seen again later, from the same source (a value that gains confidence after a full field dropped it is the one case that depends on order).
    recs.push(['ident', { ts: t0 + 200 + i, ip: PLC.ip, field: 'device_type', value: `BACnet device ${i % 9}`, confidence: (i % 9) % 7 === 0 ? CONFIDENCE.DEVICE_IDENTITY : CONFIDENCE.HEURISTIC, uid: `Ce${i}` }]);
    recs.push(['op', { ts: t0 + i, 'id.orig_h': HMI.ip, 'id.resp_h': PLC.ip, name: `F${i % 5}`, category: i % 2 === 0 ? 'read' : 'write' }]);
    recs.push(['conn', conn(t0 + 300 + i, HMI, PLC, 502 + (i % 3), { service: i % 2 === 0 ? 'modbus' : 's7comm' })]);
  }
  recs.push(['arp', { ts: t0 + 50, orig_mac: HMI.mac, orig_h: HMI.ip, resp_h: PLC.ip, sha_mismatch: true }]);
  recs.push(['arp', { ts: t0 + 40, orig_mac: PLC.mac, orig_h: PLC.ip, resp_h: HMI.ip, sha_mismatch: false }]);
  return recs;
}

test('builders merged from their states give the inventory of one builder, however the records were dealt out', () => {
  const recs = busyRecords();
  const one = JSON.stringify(build(recs));
  const parsed = JSON.parse(one) as Inventory;
  // The cap kept the strongest values of the full field, and counted the others.
  const plc = parsed.assets.find((a) => a.id === `mac:${PLC.mac}`)!;
  assert.equal(plc.device_type.length, 16);
  assert.equal(plc.device_type.filter((c) => c.confidence === CONFIDENCE.DEVICE_IDENTITY).length, 6);
  assert.ok(parsed.dropped_claims > 0);
  for (const parts of [2, 3, 5]) {
    assert.equal(JSON.stringify(buildMerged(recs, parts, (i) => i)), one, `round robin over ${parts}`);
    let s = parts;
    assert.equal(JSON.stringify(buildMerged(recs, parts, () => (s = (s * 1103515245 + 12345) & 0x7fffffff))), one, `at random over ${parts}`);
    assert.equal(JSON.stringify(buildMerged(recs, parts, (i) => (i < recs.length / 2 ? 0 : parts - 1))), one, `halves over ${parts}`);
  }
  // A builder that saw nothing merges to nothing, and merging nothing changes nothing.
  assert.equal(JSON.stringify(buildMerged(recs, 2, () => 0)), one);
  const empty = new AssetBuilder(testMappers);
  empty.mergeState(new AssetBuilder(testMappers).exportState());
  assert.deepEqual(empty.finalize().assets, []);
});

test('the order of records does not change binding sources, operation keys or the values a full field keeps', () => {
  const recs = busyRecords();
  const a = JSON.stringify(build(recs));
  assert.equal(JSON.stringify(build([...recs].reverse())), a);
  const e = (JSON.parse(a) as Inventory).edges.find((x) => x.source === `mac:${HMI.mac}` && x.target === `mac:${PLC.mac}`)!;
  assert.deepEqual(Object.keys(e.operations.modbus), ['F0', 'F1', 'F2', 'F3', 'F4', 'WRITE_SINGLE_REGISTER']);
  assert.deepEqual(Object.keys(e.operation_totals), ['read', 'write']);
});

test('a full claim field keeps the strongest values whatever the order, and counts what it drops', () => {
  const obs = Array.from({ length: 30 }, (_, i) => ({ value: `v${String(i).padStart(2, '0')}`, source: 's', confidence: i >= 25 ? 90 : 40, ts: i, field: 'f' }));
  const kept = (list: typeof obs) => {
    const c = new ClaimSet();
    for (const o of list) c.add(o);
    return [c.list().map((x) => x.value), c.dropped] as const;
  };
  const [values, dropped] = kept(obs);
  assert.equal(values.length, 16);
  assert.deepEqual(values.slice(0, 5), ['v25', 'v26', 'v27', 'v28', 'v29']);
  assert.deepEqual(values.slice(5), ['v00', 'v01', 'v02', 'v03', 'v04', 'v05', 'v06', 'v07', 'v08', 'v09', 'v10']);
  assert.equal(dropped, 14);
  assert.deepEqual(kept([...obs].reverse()), [values, dropped]);
  // Merged from two halves.
  const x = new ClaimSet();
  const y = new ClaimSet();
  obs.forEach((o, i) => (i % 2 === 0 ? x : y).add(o));
  x.merge(y);
  assert.deepEqual([x.list().map((c) => c.value), x.dropped], [values, dropped]);
});

/** Modbus records of three flows taking turns, one with a multicast responder (no edge), as a dissector writes them. */
function flowRecords(): { type: string; rec: Record<string, unknown>; uid: string }[] {
  const t0 = 1_700_000_000;
  const flows = [
    { uid: 'CflowA', o: HMI.ip, r: PLC.ip },
    { uid: 'CflowB', o: GW.ip, r: PLC.ip },
    { uid: 'CflowC', o: HMI.ip, r: '239.1.2.3' },
  ];
  const out: { type: string; rec: Record<string, unknown>; uid: string }[] = [];
  for (let i = 0; i < 60; i++) {
    const f = flows[i % 3];
    // Reads, writes and a program function (which reports a feature with a detail), UMAS now and then.
    const code = [3, 16, 90, 40, 6][i % 5];
    out.push({
      type: 'modbus',
      uid: f.uid,
      rec: {
        ts: t0 + i, uid: f.uid, 'id.orig_h': f.o, 'id.orig_p': 40000, 'id.resp_h': f.r, 'id.resp_p': 502,
        function_code: code, func: code === 90 ? 'UMAS' : `F${code}`, umas_func: code === 90 ? (i % 2 === 0 ? 'STOP_PLC' : 'READ_ID') : undefined,
        request_seen: true, response_seen: i % 4 !== 0,
      },
    });
  }
  return out;
}

test('records that come with their flow give the inventory of records that come without', () => {
  const recs = flowRecords();
  const conns: [string, object][] = [['conn', conn(1_700_000_000, HMI, PLC, 502, { service: 'modbus' })], ['conn', conn(1_700_000_001, GW, PLC, 502, { service: 'modbus' })]];
  const plain = new AssetBuilder(testMappers);
  for (const [t, r] of conns) plain.write(t, r);
  for (const x of recs) plain.write(x.type, x.rec);
  const want = JSON.stringify(plain.finalize());
  const tagged = (builders: AssetBuilder[], tags: Map<string, { assets: unknown }>): void => {
    for (const [t, r] of conns) for (const x of builders) x.write(t, r);
    for (const x of recs) {
      let tag = tags.get(x.uid);
      if (tag === undefined) tags.set(x.uid, (tag = { assets: undefined }));
      for (const y of builders) y.write(x.type, x.rec, tag);
    }
  };
  const a = new AssetBuilder(testMappers);
  const tagsA = new Map<string, { assets: unknown }>();
  tagged([a], tagsA);
  const inv = a.finalize();
  assert.equal(JSON.stringify(inv), want);
  assert.ok([...tagsA.values()].every((t) => t.assets !== undefined), 'the builder keeps its state on each flow');
  // Two builders fed the same records and the same flow objects: each keeps its own state on them.
  const b = new AssetBuilder(testMappers);
  const c = new AssetBuilder(testMappers);
  tagged([b, c], new Map());
  assert.equal(JSON.stringify(b.finalize()), want);
  assert.equal(JSON.stringify(c.finalize()), want);
  // What the records say did arrive: the counts of features and operations.
  const plc = inv.assets.find((x) => x.id === `mac:${PLC.mac}`)!;
  assert.equal(plc.features.modbus_server, 30);
  const hmi = inv.assets.find((x) => x.id === `mac:${HMI.mac}`)!;
  assert.equal(hmi.features.modbus_client, 40);
  assert.equal(hmi.features.umas_program, 4);
  const e = inv.edges.find((x) => x.source === `mac:${HMI.mac}` && x.target === `mac:${PLC.mac}`)!;
  assert.equal(Object.values(e.operation_totals).reduce((s, n) => s + n, 0), 20);
  assert.ok(!inv.assets.some((x) => x.ipv4.some((c) => c.value === '239.1.2.3')));
});

/** BACnet records of a workstation talking to two MS/TP devices behind a router, and a Forwarded-NPDU (as the dissector writes them). */
function bacnetRoutedRecords(): [string, object][] {
  const t0 = 1_700_000_000;
  const WS = { ip: '10.0.0.50', mac: '00:0c:6e:00:00:50' };
  const RT = { ip: '10.0.0.24', mac: '00:e0:c9:00:00:24' };
  const head = (ts: number, origIsWs: boolean) => ({ ts, uid: 'Cb', 'id.orig_h': origIsWs ? WS.ip : RT.ip, 'id.orig_p': 47808, 'id.resp_h': origIsWs ? RT.ip : WS.ip, 'id.resp_p': 47808 });
  const dir = (fromWs: boolean) => ({ is_orig: true, source_h: fromWs ? WS.ip : RT.ip, source_p: 47808, destination_h: fromWs ? RT.ip : WS.ip, destination_p: 47808 });
  const recs: [string, object][] = [['conn', conn(t0, WS, RT, 47808, { proto: 'udp', service: 'bacnet' })]];
  // The router's own I-Am, then those it forwards from MS/TP stations 0x72 and 0x0a on network 26001.
  recs.push(['bacnet_discovery', { ...head(t0 + 1, false), ...dir(false), pdu_service: 'i-am', object_type: 'device', instance_number: 2401, vendor: 'Automated Logic Corporation', vendor_id: 24 }]);
  for (const [mac, inst] of [['72', 86114], ['0a', 86115]] as const) {
    recs.push(['bacnet_discovery', { ...head(t0 + 2, false), ...dir(false), pdu_service: 'i-am', object_type: 'device', instance_number: inst, vendor: 'BACnet Stack at SourceForge', vendor_id: 260, snet: 26001, sadr: mac, dnet: 65535 }]);
    for (let i = 0; i < 4; i++) {
      recs.push(['bacnet_property', { ...head(t0 + 10 + i, true), ...dir(true), pdu_service: 'read-property-request', object_type: 'device', instance_number: inst, property: 'object-name', dnet: 26001, dadr: mac }]);
      recs.push(['bacnet_property', { ...head(t0 + 10.5 + i, true), ...dir(false), is_orig: false, pdu_service: 'read-property-ack', object_type: 'device', instance_number: inst, property: 'object-name', value: `AHU-${mac}`, snet: 26001, sadr: mac }]);
    }
  }
  // A device on another IP subnet, whose I-Am a BBMD forwarded: the device is the originator, not the BBMD.
  recs.push(['bacnet_discovery', { ...head(t0 + 3, false), ...dir(false), pdu_service: 'i-am', object_type: 'device', instance_number: 777, vendor: 'Johnson Controls, Inc.', vendor_id: 5, fwd_ip: '10.9.0.7' }]);
  return recs;
}

test('BACnet devices behind a router are assets of their own, keyed by address and router; merged states agree', () => {
  const recs = bacnetRoutedRecords();
  const inv = build(recs);
  const dev = inv.assets.find((a) => a.id === 'bacnet:26001:72@10.0.0.24');
  assert.ok(dev !== undefined, inv.assets.map((a) => a.id).join(' '));
  assert.equal(dev.key, 'bacnet');
  assert.deepEqual(dev.bacnet.map((c) => c.value), ['26001:72']);
  assert.deepEqual(dev.routed_via.map((c) => c.value), ['10.0.0.24']);
  assert.deepEqual([dev.ipv4, dev.mac], [[], []]);
  assert.deepEqual(dev.device_type.map((c) => c.value), ['BACnet device 86114']);
  assert.deepEqual(dev.names.map((c) => c.value), ['AHU-72']);
  assert.deepEqual(dev.protocols, ['bacnet']);
  assert.ok(inv.assets.some((a) => a.id === 'bacnet:26001:0a@10.0.0.24'));
  // The router keeps only its own identity.
  const router = inv.assets.find((a) => a.ipv4.some((c) => c.value === '10.0.0.24'))!;
  assert.deepEqual(router.device_type.map((c) => c.value), ['BACnet device 2401']);
  assert.deepEqual(router.names, []);
  // The forwarded I-Am belongs to its originator.
  const far = inv.assets.find((a) => a.ipv4.some((c) => c.value === '10.9.0.7'));
  assert.deepEqual(far?.device_type.map((c) => c.value), ['BACnet device 777']);
  // The workstation's reads go to the devices behind the router.
  const ws = inv.assets.find((a) => a.ipv4.some((c) => c.value === '10.0.0.50'))!;
  const edge = inv.edges.find((e) => e.source === ws.id && e.target === dev.id);
  assert.equal(edge?.operation_totals.read, 4);
  assert.deepEqual([edge?.routed, edge?.protocols], [false, ['bacnet']]);
  // Each device behind the router hangs off it: a routed edge, with no traffic of its own.
  const routes = inv.edges.filter((e) => e.routed);
  assert.deepEqual(routes.map((e) => e.id), inv.assets.filter((a) => a.key === 'bacnet').map((a) => `${router.id}>${a.id}`));
  const route = routes.find((e) => e.target === dev.id)!;
  assert.deepEqual([route.flows, route.packets, route.ports, route.protocols, route.operations], [0, 0, [], ['bacnet'], {}]);
  assert.deepEqual([route.first_seen, route.last_seen], [dev.routed_via[0].first_seen, dev.routed_via[0].last_seen]);
  assert.ok(graphML(inv).includes('<data key="e_routed">true</data>'));
  // Split over builders and merged, as worker threads are.
  const one = JSON.stringify(inv);
  for (const parts of [2, 3]) assert.equal(JSON.stringify(buildMerged(recs, parts, (i) => i)), one, `round robin over ${parts}`);
});

/**
 * Modbus records (as the dissector writes them) of an HMI polling a server at MB: `units` are
 * the unit ids it asks, each answered normally unless listed in `gatewayExc` (exception 11 for
 * it) ; `ids` gives a unit a Read Device Identification VendorName answer.
 */
function modbusRecords(units: number[], opts: { gatewayExc?: number[]; ids?: Record<number, string>; slaveIds?: Record<number, string> } = {}): [string, object][] {
  const t0 = 1_700_000_000;
  const MB = { ip: '10.0.0.30', mac: '00:90:e8:00:00:30' };
  const head = (ts: number) => ({ ts, uid: 'Cm', 'id.orig_h': HMI.ip, 'id.orig_p': 40100, 'id.resp_h': MB.ip, 'id.resp_p': 502 });
  const recs: [string, object][] = [['conn', conn(t0, HMI, MB, 502, { service: 'modbus' })]];
  units.forEach((unit, i) => {
    for (let k = 0; k < 3; k++) {
      const ts = t0 + 1 + i * 10 + k;
      const exc = opts.gatewayExc?.includes(unit) === true;
      recs.push(['modbus', { ...head(ts), tid: i * 3 + k, unit, func: 'READ_HOLDING_REGISTERS', matched: true, function_code: 3, request_seen: true, response_seen: true,
        ...(exc ? { exception_code: 'GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND', exception_num: 11 } : {}) }]);
    }
    const slave = opts.slaveIds?.[unit];
    if (slave !== undefined) {
      recs.push(['modbus', { ...head(t0 + 6 + i * 10), tid: 98, unit, func: 'REPORT_SLAVE_ID', matched: true, function_code: 17, request_seen: true, response_seen: true, slave_id_text: slave }]);
    }
    const vendor = opts.ids?.[unit];
    if (vendor !== undefined) {
      recs.push(['modbus_read_device_identification', { ...head(t0 + 5 + i * 10), is_orig: false, source_h: MB.ip, source_p: 502, destination_h: HMI.ip, destination_p: 40100, tid: 99, unit,
        func: 'ENCAP_INTERFACE_TRANSPORT', request_response: 'RESPONSE', mei_type: 'READ-DEVICE-IDENTIFICATION', object_id: 'VendorName', object_value: vendor }]);
    }
  });
  return recs;
}

test('a Modbus server is a gateway when it sends gateway exceptions: the units that answered are devices behind it', () => {
  const recs = modbusRecords([1, 2, 3, 255], { gatewayExc: [3], ids: { 1: 'Schneider Electric', 255: 'Moxa' } });
  const inv = build(recs);
  const ids = inv.assets.map((a) => a.id);
  assert.deepEqual(ids.filter((x) => x.startsWith('modbus:')), ['modbus:1@10.0.0.30', 'modbus:2@10.0.0.30'], ids.join(' '));
  const dev = inv.assets.find((a) => a.id === 'modbus:1@10.0.0.30')!;
  assert.equal(dev.key, 'modbus');
  assert.deepEqual(dev.modbus_units, [1]);
  assert.deepEqual(dev.routed_via.map((c) => [c.value, c.source]), [['10.0.0.30', 'modbus']]);
  assert.deepEqual([dev.ipv4, dev.mac], [[], []]);
  assert.deepEqual(dev.vendor.map((c) => c.value), ['Schneider Electric']);
  assert.deepEqual(dev.protocols, ['modbus']);
  assert.equal(dev.role.value, 'plc');
  assert.equal(dev.features.modbus_server, 3);
  // The gateway: its own identity (unit 255), the units it answered for, its role.
  const gw = inv.assets.find((a) => a.id === 'mac:00:90:e8:00:00:30')!;
  assert.deepEqual(gw.modbus_units, [1, 2, 255]);
  assert.deepEqual(gw.vendor.filter((c) => c.source !== 'oui').map((c) => c.value), ['Moxa']);
  assert.equal(gw.role.value, 'protocol_gateway', gw.role.reasons.join('; '));
  assert.equal(gw.purdue_level.level, 1);
  assert.equal(gw.features.modbus_gateway, 2);
  assert.equal(gw.features.modbus_gateway_exception, 3);
  // The HMI's reads: of each device on its own edge; those of unit 3 (no device answered) on the gateway's.
  const hmi = `mac:${HMI.mac}`;
  assert.equal(inv.edges.find((e) => e.source === hmi && e.target === dev.id)?.operations.modbus.READ_HOLDING_REGISTERS.count, 3);
  const toGw = inv.edges.find((e) => e.source === hmi && e.target === gw.id)!;
  assert.equal(toGw.operations.modbus.READ_HOLDING_REGISTERS.count, 6, 'units 3 and 255');
  assert.equal(toGw.flows, 1);
  // The operations on a device name its protocol, though its edge has no flows (they are the gateway's).
  assert.deepEqual(inv.edges.find((e) => e.source === hmi && e.target === dev.id)?.protocols, ['modbus']);
  // The devices hang off the gateway on routed edges; the HMI's edges are not routed.
  assert.deepEqual(inv.edges.filter((e) => e.routed).map((e) => [e.id, e.flows, e.protocols]), [
    [`${gw.id}>modbus:1@10.0.0.30`, 0, ['modbus']],
    [`${gw.id}>modbus:2@10.0.0.30`, 0, ['modbus']],
  ]);
  assert.ok(inv.edges.filter((e) => e.source === hmi).every((e) => !e.routed));
  // Split over builders and merged, as worker threads are.
  const one = JSON.stringify(inv);
  for (const parts of [2, 3]) assert.equal(JSON.stringify(buildMerged(recs, parts, (i) => i)), one, `round robin over ${parts}`);
  // The CSV names the units.
  const csv = assetsCSV(inv.assets).split('\n');
  assert.ok(csv[0].endsWith(',modbus_units'));
  assert.ok(csv.some((l) => l.startsWith('modbus:1@10.0.0.30,modbus,') && l.endsWith(',10.0.0.30,1')), csv.join('\n'));
});

test('a Modbus server whose units claim different identities is a gateway too', () => {
  const inv = build(modbusRecords([1, 2], { ids: { 1: 'Schneider Electric', 2: 'ABB' } }));
  assert.deepEqual(inv.assets.filter((a) => a.key === 'modbus').map((a) => [a.id, a.vendor[0]?.value]), [['modbus:1@10.0.0.30', 'Schneider Electric'], ['modbus:2@10.0.0.30', 'ABB']]);
});

test('without gateway evidence, a Modbus server answers for itself on every unit id', () => {
  const sameDevice = [
    modbusRecords([1, 2, 7]),
    modbusRecords([1, 2], { ids: { 1: 'Wago', 2: 'Wago' } }),
    // Report Server ID starts with the server id, which a device may take from the unit id asked.
    modbusRecords([1, 2], { slaveIds: { 1: '\u0001\u00ffEnergy meter', 2: '\u0002\u00ffEnergy meter' } }),
    // A scan of unit ids.
    modbusRecords(Array.from({ length: 40 }, (_, i) => i + 1)),
  ];
  for (const recs of sameDevice) {
    const inv = build(recs);
    assert.deepEqual(inv.assets.filter((a) => a.key === 'modbus'), []);
    const srv = inv.assets.find((a) => a.id === 'mac:00:90:e8:00:00:30')!;
    assert.equal(srv.role.value, 'plc');
    assert.equal(srv.modbus_units.length, new Set(recs.map(([, r]) => (r as { unit?: number }).unit).filter((u) => u !== undefined)).size);
    const edges = inv.edges.filter((e) => e.source === `mac:${HMI.mac}`);
    assert.equal(edges.length, 1);
    assert.equal(edges[0].operations.modbus.READ_HOLDING_REGISTERS.count, srv.modbus_units.length * 3);
    assert.equal(srv.features.modbus_server, recs.filter(([t, r]) => t === 'modbus' && (r as { response_seen?: boolean }).response_seen === true).length);
  }
  // A gateway's units 0 and 255 address the gateway itself.
  const inv = build(modbusRecords([0, 255, 4], { gatewayExc: [4] }));
  assert.deepEqual(inv.assets.filter((a) => a.key === 'modbus'), []);
  const gw = inv.assets.find((a) => a.id === 'mac:00:90:e8:00:00:30')!;
  assert.deepEqual(gw.modbus_units, [0, 255]);
  assert.equal(gw.role.value, 'plc');
});
