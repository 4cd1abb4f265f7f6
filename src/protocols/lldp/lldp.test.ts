// LLDP: a frame built byte by byte from IEEE 802.1AB-2016 clause 8 and the organizationally
// specific TLVs (802.1 annex D, 802.3 clause 79, TIA-1057 LLDP-MED, PROFINET), with the
// record it must give; id subtypes; the change-only rule (new, repeats folded and counted,
// changed, refresh, summary; PROFINET delays ignored); malformed LLDPDUs; truncation at every
// offset; VLAN tags; the neighbour cap; fuzzing through the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes } from '../../dissect/testing.ts';
import { Engine } from '../../pipeline/engine.ts';
import { lldp } from './index.ts';
import { MAX_NEIGHBORS, REFRESH_SECONDS } from './session.ts';

const ETH = hex`
  01 80 c2 00 00 0e   // destination: nearest-bridge group address
  00 1b 1b 12 34 56   // source
`;
const TYPE = hex`88 cc  // EtherType LLDP`;

/** The reference LLDPDU: the basic TLVs and one of each decoded organizationally specific TLV. */
const LLDPDU = hex`
  02 07  04 00 1b 1b 12 34 56            // Chassis ID (1), 7 bytes: subtype 4 (MAC address) 00:1b:1b:12:34:56
  04 05  05 58 31 50 31                  // Port ID (2), 5 bytes: subtype 5 (interface name) "X1P1"
  06 02  00 14                           // TTL (3): 20 s
  08 07  50 6f 72 74 20 31 00            // Port Description (4): "Port 1" + NUL (dropped)
  0a 07  70 6c 63 2d 30 30 31            // System Name (5): "plc-001"
  0c 12  53 49 4d 41 54 49 43 20 53 37 2c 20 46 57 20 56 34 32   // System Description (6): "SIMATIC S7, FW V42"
  0e 04  00 84  00 04                    // System Capabilities (7): supported bridge+station only (0x0084), enabled bridge (0x0004)
  10 14                                  // Management Address (8), 20 bytes:
         05 01 c0 a8 00 01               //   address string length 5, subtype 1 (IPv4), 192.168.0.1
         02 00 00 00 01                  //   interface numbering 2 (ifIndex), interface 1
         08 2b 06 01 04 01 81 c0 6e      //   OID length 8: 1.3.6.1.4.1.24686
  fe 06  00 80 c2 01  01 e8              // 802.1 Port VLAN ID: 488
  fe 0a  00 80 c2 03  00 0a 03 4f 54 31  // 802.1 VLAN Name: VLAN 10 "OT1"
  fe 09  00 12 0f 01  03 6c 00 00 10     // 802.3 MAC/PHY: autoneg supported+enabled, PMD 0x6c00, MAU 16 (100BaseTXFD)
  fe 06  00 12 0f 04  05 f2              // 802.3 Maximum Frame Size: 1522
  fe 07  00 12 bb 01  00 21 03           // LLDP-MED Capabilities: capabilities + inventory (0x0021), class 3
  fe 08  00 12 bb 05  48 57 20 37        // LLDP-MED Hardware Revision "HW 7"
  fe 0a  00 12 bb 06  56 34 2e 32 2e 31  // LLDP-MED Firmware Revision "V4.2.1"
  fe 08  00 12 bb 07  53 57 20 31        // LLDP-MED Software Revision "SW 1"
  fe 0c  00 12 bb 08  53 20 43 2d 4b 32 43 31   // LLDP-MED Serial Number "S C-K2C1"
  fe 0b  00 12 bb 09  53 69 65 6d 65 6e 73      // LLDP-MED Manufacturer "Siemens"
  fe 0a  00 12 bb 0a  53 37 2d 31 32 30         // LLDP-MED Model "S7-120"
  fe 08  00 12 bb 0b  41 2d 31 37               // LLDP-MED Asset ID "A-17"
  fe 08  00 0e cf 02  00 02 00 00        // PROFINET Port Status: RTClass2 2, RTClass3 0
  fe 0a  00 0e cf 05  00 1b 1b 12 34 55  // PROFINET Chassis MAC 00:1b:1b:12:34:55
  fe 16  00 0e cf 04                     // PROFINET MRP Port Status:
         11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00   //   MRP domain UUID
         00 01                           //   MRRT port status 1
  fe 18  00 0e cf 01                     // PROFINET Measured Delays (ns):
         00 00 00 0a  00 00 00 00  00 00 00 14  00 00 00 00  00 00 00 05   //   rx local 10, rx remote 0, tx local 20, tx remote 0, cable 5
  fe 08  00 00 5e 01  68 74 74 70        // IANA (00-00-5e) subtype 1, not decoded
  00 00                                  // End of LLDPDU
`;

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
  records: Record<string, unknown>[];
  events: Record<string, number>;
  internal: number;
}

function runFrames(frames: { bytes: Uint8Array; ts: number }[]): Out {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([], [lldp]) });
  for (const f of frames) e.frame(rawFrame(f.bytes, f.ts));
  e.finish();
  const c = e.counters().dissectors.lldp;
  return { records: out.filter(([t]) => t === 'lldp').map(([, r]) => r), events: c?.events ?? {}, internal: c?.internal_errors ?? 0 };
}

const frameOf = (pdu: Uint8Array, src = ETH) => concat(src, TYPE, pdu, new Uint8Array(3)); // 3 bytes of Ethernet padding

test('the reference LLDPDU gives every field as 802.1AB and its annexes encode it', () => {
  const { records, events, internal } = runFrames([{ bytes: frameOf(LLDPDU), ts: 1700000000 }]);
  assert.equal(internal, 0);
  assert.deepEqual(events, {});
  assert.equal(records.length, 1);
  const r = records[0];
  assert.equal(r.ts, 1700000000);
  assert.equal(r.src_mac, '00:1b:1b:12:34:56');
  assert.equal(r.dst_mac, '01:80:c2:00:00:0e');
  assert.equal(r.vlan, undefined);
  assert.equal(r.chassis_id, '00:1b:1b:12:34:56');
  assert.equal(r.chassis_id_subtype, 'mac_address');
  assert.equal(r.chassis_id_subtype_code, 4);
  assert.equal(r.port_id, 'X1P1');
  assert.equal(r.port_id_subtype, 'interface_name');
  assert.equal(r.port_id_subtype_code, 5);
  assert.equal(r.ttl, 20);
  assert.equal(r.port_description, 'Port 1');
  assert.equal(r.system_name, 'plc-001');
  assert.equal(r.system_description, 'SIMATIC S7, FW V42');
  assert.deepEqual(r.capabilities, ['bridge', 'station_only']);
  assert.deepEqual(r.enabled_capabilities, ['bridge']);
  assert.equal(r.capabilities_bits, 0x84);
  assert.equal(r.enabled_capabilities_bits, 4);
  assert.deepEqual(r.mgmt_addresses, ['192.168.0.1']);
  assert.deepEqual(r.mgmt_interfaces, ['ifIndex 1']);
  assert.deepEqual(r.mgmt_oids, ['1.3.6.1.4.1.24686']);
  assert.equal(r.port_vlan_id, 488);
  assert.deepEqual(r.vlan_names, ['10:OT1']);
  assert.equal(r.autoneg_supported, true);
  assert.equal(r.autoneg_enabled, true);
  assert.equal(r.pmd_capabilities, 0x6c00);
  assert.equal(r.mau_type, 16);
  assert.equal(r.mau_type_name, '100BaseTXFD');
  assert.equal(r.max_frame_size, 1522);
  assert.deepEqual(r.med_capabilities, ['capabilities', 'inventory']);
  assert.equal(r.med_device_class, 'endpoint_class_3');
  assert.equal(r.med_hardware_revision, 'HW 7');
  assert.equal(r.med_firmware_revision, 'V4.2.1');
  assert.equal(r.med_software_revision, 'SW 1');
  assert.equal(r.med_serial_number, 'S C-K2C1');
  assert.equal(r.med_manufacturer, 'Siemens');
  assert.equal(r.med_model, 'S7-120');
  assert.equal(r.med_asset_id, 'A-17');
  assert.equal(r.pn_rtc2_port_status, 2);
  assert.equal(r.pn_rtc3_port_status, 0);
  assert.equal(r.pn_chassis_mac, '00:1b:1b:12:34:55');
  assert.equal(r.pn_mrp_domain_uuid, '11223344-5566-7788-99aa-bbccddeeff00');
  assert.equal(r.pn_mrrt_port_status, 1);
  assert.deepEqual(r.pn_delays, [10, 0, 20, 0, 5]);
  assert.deepEqual(r.other_tlvs, ['00:00:5e/1']);
  assert.equal(r.truncated, false);
  assert.equal(r.record_kind, 'new');
  assert.equal(r.repeats, 0);
  assert.equal(r.frame_count, 1);
  assert.equal(r.first_ts, 1700000000);
});

/** An LLDPDU of the mandatory TLVs with the given chassis and port id values (subtype first) and TTL. */
function minimal(chassis: Uint8Array, port: Uint8Array, ttl = 120, extra: Uint8Array = new Uint8Array(0)): Uint8Array {
  const tlv = (type: number, v: Uint8Array) => concat(new Uint8Array([(type << 1) | (v.length >> 8), v.length & 255]), v);
  return concat(tlv(1, chassis), tlv(2, port), tlv(3, new Uint8Array([ttl >> 8, ttl & 255])), extra, hex`00 00`);
}

test('id subtypes: network addresses (IPv4, IPv6), locally assigned text, binary ids as hex', () => {
  const frames = [
    minimal(hex`05 01 c0 00 02 01  // network address, IPv4 192.0.2.1`, hex`04 02 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  // IPv6 2001:db8::1`),
    minimal(hex`07 53 37 2d 31 32 30 30  // locally assigned "S7-1200"`, hex`03 00 1b 1b aa bb cc  // port MAC`),
    minimal(hex`01 00 ff 10  // chassis component, binary`, hex`07 70 6f 72 74 2d 30 30 31  // "port-001"`),
  ];
  const { records } = runFrames(frames.map((f, i) => ({ bytes: frameOf(f), ts: 1700000000 + i })));
  assert.deepEqual(records.map((r) => [r.chassis_id, r.chassis_id_subtype, r.port_id, r.port_id_subtype]), [
    ['192.0.2.1', 'network_address', '2001:db8::1', 'network_address'],
    ['S7-1200', 'locally_assigned', '00:1b:1b:aa:bb:cc', 'mac_address'],
    ['00ff10', 'chassis_component', 'port-001', 'locally_assigned'],
  ]);
});

test('the change-only rule: repeats folded and counted, content changes written, PROFINET delays ignored, a summary at the end', () => {
  const a = LLDPDU;
  const delays = LLDPDU.slice();
  const at = delays.length - 2 - 10 - 20; // the first delay value
  delays[at + 3] = 99; // rx local 99 ns: not a content change
  const renamed = LLDPDU.slice();
  renamed.set([0x70, 0x6c, 0x63, 0x2d, 0x30, 0x30, 0x32], 31); // System Name "plc-002"
  const shutdown = minimal(hex`04 00 1b 1b 12 34 56`, hex`05 58 31 50 31`, 0);
  const seq = [a, a, delays, a, renamed, renamed, renamed, shutdown];
  const { records } = runFrames(seq.map((p, i) => ({ bytes: frameOf(p), ts: 1700000000 + 30 * i })));
  assert.deepEqual(records.map((r) => [r.record_kind, r.system_name, r.ttl, r.repeats, r.frame_count]), [
    ['new', 'plc-001', 20, 0, 1],
    ['changed', 'plc-002', 20, 3, 5], // frames 2-4 folded
    ['changed', undefined, 0, 2, 8], // a shutdown LLDPDU (TTL 0); frames 6-7 folded
  ]);
  // Every LLDPDU is accounted for: written ones plus the repeats.
  const last = records[records.length - 1];
  assert.equal(records.length + records.reduce((s, r) => s + (r.repeats as number), 0), last.frame_count);
  const withSummary = runFrames([a, a, a].map((p, i) => ({ bytes: frameOf(p), ts: 1700000000 + 30 * i }))).records;
  assert.deepEqual(withSummary.map((r) => [r.record_kind, r.repeats, r.frame_count, r.ts, r.first_ts]), [
    ['new', 0, 1, 1700000000, 1700000000],
    ['summary', 2, 3, 1700000060, 1700000000],
  ]);
  assert.equal(withSummary[1].system_name, 'plc-001');
});

test(`an unchanged neighbour is written again after ${REFRESH_SECONDS} s; another source MAC is a change; neighbours are apart`, () => {
  const other = concat(hex`01 80 c2 00 00 0e 00 1b 1b 99 99 99`);
  const second = minimal(hex`04 00 1b 1b 77 77 77`, hex`05 58 31 50 32`);
  const { records } = runFrames([
    { bytes: frameOf(LLDPDU), ts: 1700000000 },
    { bytes: frameOf(second), ts: 1700000001 },
    { bytes: frameOf(LLDPDU), ts: 1700000000 + REFRESH_SECONDS + 5 },
    { bytes: frameOf(LLDPDU, other), ts: 1700000000 + REFRESH_SECONDS + 10 },
  ]);
  assert.deepEqual(records.map((r) => [r.record_kind, r.chassis_id, r.src_mac]), [
    ['new', '00:1b:1b:12:34:56', '00:1b:1b:12:34:56'],
    ['new', '00:1b:1b:77:77:77', '00:1b:1b:12:34:56'],
    ['refresh', '00:1b:1b:12:34:56', '00:1b:1b:12:34:56'],
    ['changed', '00:1b:1b:12:34:56', '00:1b:1b:99:99:99'],
  ]);
});

test('a VLAN tag gives the vlan field', () => {
  const bytes = concat(ETH, hex`81 00 00 64  // 802.1Q VLAN 100`, TYPE, LLDPDU);
  assert.equal(runFrames([{ bytes, ts: 1 }]).records[0].vlan, 100);
});

test('malformed LLDPDUs raise their events (discarded when the mandatory TLVs are wrong); later frames still parse', () => {
  const noChassis = hex`04 05 05 58 31 50 31  06 02 00 14  00 00`;
  const emptyPort = hex`02 07 04 00 1b 1b 12 34 56  04 00  06 02 00 14  00 00`;
  const longTtl = hex`02 07 04 00 1b 1b 12 34 56  04 02 05 41  06 03 00 00 14  00 00`;
  const badCaps = minimal(hex`04 00 1b 1b 12 34 56`, hex`05 41`, 120, hex`0e 02 00 04  // capabilities of 2 bytes`);
  const reserved = minimal(hex`04 00 1b 1b 12 34 56`, hex`05 42`, 120, hex`12 01 ff  // TLV type 9 (reserved)`);
  const { records, events } = runFrames([noChassis, emptyPort, longTtl, badCaps, reserved, LLDPDU].map((p, i) => ({ bytes: frameOf(p), ts: 1700000000 + i })));
  assert.deepEqual(events, { missing_mandatory: 1, bad_mandatory: 2, bad_tlv_length: 1, reserved_tlv: 1 });
  assert.deepEqual(records.map((r) => r.port_id), ['A', 'B', 'X1P1']);
  assert.equal(records[0].capabilities, undefined);
  assert.deepEqual(records[1].other_tlvs, ['type 9']);
});

test('truncation at every offset: no exception; a cut LLDPDU is recorded only with its mandatory TLVs, flagged unless cut on a TLV boundary', () => {
  // TLV boundaries of the reference LLDPDU, from its headers.
  const boundaries = new Set<number>();
  for (let o = 0; o < LLDPDU.length; o += 2 + (((LLDPDU[o] & 1) << 8) | LLDPDU[o + 1])) boundaries.add(o);
  for (const cut of prefixes(LLDPDU)) {
    const { records, internal } = runFrames([{ bytes: concat(ETH, TYPE, cut), ts: 1 }]);
    assert.equal(internal, 0);
    if (cut.length < 20) assert.equal(records.length, 0, `${cut.length} bytes`); // Chassis ID, Port ID and TTL end at 20
    for (const r of records) {
      assert.equal(r.chassis_id, '00:1b:1b:12:34:56');
      assert.equal(r.truncated, !boundaries.has(cut.length), `${cut.length} bytes`);
    }
  }
});

test(`the neighbour cap (${MAX_NEIGHBORS}) raises too_many_neighbors once and keeps the engine going`, () => {
  const frames: { bytes: Uint8Array; ts: number }[] = [];
  for (let i = 0; i <= MAX_NEIGHBORS + 10; i++) frames.push({ bytes: frameOf(minimal(concat(hex`07`, new TextEncoder().encode(`dev-${i}`)), hex`07 31`)), ts: 1700000000 + i });
  const { records, events } = runFrames(frames);
  assert.equal(events.too_many_neighbors, 1);
  assert.equal(records.length, MAX_NEIGHBORS);
});

test('fuzz: random payloads and bit flips of the reference LLDPDU never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (body) => runFrames([{ bytes: concat(ETH, TYPE, body), ts: 1 }]).internal === 0),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(LLDPDU.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
      const b = LLDPDU.slice();
      for (const [i, x] of flips) b[i] ^= x;
      return runFrames([{ bytes: frameOf(LLDPDU), ts: 1 }, { bytes: frameOf(b), ts: 2 }, { bytes: frameOf(LLDPDU), ts: 3 }]).internal === 0;
    }),
    { numRuns: 500 },
  );
});
