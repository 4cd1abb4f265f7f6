// PROFINET: DCP PDUs built byte by byte from IEC 61158-6-10 §4.3 (every service, the block
// layouts with BlockInfo, BlockQualifier and Control/Response, padding) with the records they
// must give; RT stream summaries (cycle counter and DataStatus ranges, alarms, reserved frame
// IDs); the events; truncation at every offset; VLAN tags; the stream cap; fuzzing through
// the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes } from '../../dissect/testing.ts';
import { Engine } from '../../pipeline/engine.ts';
import { dataStatusSeen, ipBlockInfoName } from './constants.ts';
import { profinet } from './index.ts';
import { MAX_STREAMS } from './session.ts';

const IO_CONTROLLER = hex`00 1b 1b 02 9a c3`;
const DEVICE = hex`08 00 06 93 cf 32`;
const DCP_MULTICAST = hex`01 0e cf 00 00 00`;
const PN = hex`88 92  // EtherType PROFINET`;
const eth = (dst: Uint8Array, src: Uint8Array, body: Uint8Array) => concat(dst, src, PN, body);

/** Identify request, multicast, filtering on NameOfStation "switch3". */
const IDENT_REQ = eth(DCP_MULTICAST, IO_CONTROLLER, hex`
  fe fe                    // FrameID: DCP Identify request
  05                       // ServiceID: Identify
  00                       // ServiceType: request
  03 00 bf 9a              // Xid
  00 01                    // ResponseDelay: 1 (x 10 ms)
  00 0c                    // DCPDataLength: 12
  02 02 00 07              // Device/NameOfStation, DCPBlockLength 7 (no BlockInfo in requests)
  73 77 69 74 63 68 33     //   "switch3"
  00                       // padding (odd length)`);

/** Identify response from the device: identity, role, options, instance, IP, initiative. */
const IDENT_RES = eth(IO_CONTROLLER, DEVICE, hex`
  fe ff                    // FrameID: DCP Identify response
  05 01                    // Identify, response success
  03 00 bf 9a              // Xid (the request's)
  00 00                    // reserved
  00 62                    // DCPDataLength: 98
  02 01 00 0f 00 00        // Device/TypeOfStation, length 15, BlockInfo 0
  53 43 41 4c 41 4e 43 45 20 58 32 30 38  // "SCALANCE X208"
  00                       // padding
  02 02 00 09 00 00        // Device/NameOfStation, length 9, BlockInfo 0
  73 77 69 74 63 68 33     //   "switch3"
  00                       // padding
  02 03 00 06 00 00        // Device/DeviceID, length 6, BlockInfo 0
  00 2a 0a 01              //   VendorID 0x002a, DeviceID 0x0a01
  02 04 00 04 00 00        // Device/DeviceRole, length 4, BlockInfo 0
  03 00                    //   role: IO-Device + IO-Controller, reserved
  02 05 00 08 00 00        // Device/DeviceOptions, length 8, BlockInfo 0
  01 02 02 02 05 03        //   IP/IP parameter, Device/NameOfStation, Control/Signal
  02 07 00 04 00 00        // Device/DeviceInstance, length 4, BlockInfo 0
  00 01                    //   instance high 0, low 1
  01 02 00 0e 00 81        // IP/IP parameter, length 14, BlockInfo 0x0081: IP set, address conflict
  c0 a8 00 06              //   IP 192.168.0.6
  ff ff ff 00              //   netmask 255.255.255.0
  c0 a8 00 01              //   gateway 192.168.0.1
  06 01 00 04 00 00        // DeviceInitiative, length 4, BlockInfo 0
  00 01                    //   issues a Hello after power on`);

/** Set request: a permanent NameOfStation, then Signal (flash once). */
const SET_REQ = eth(DEVICE, IO_CONTROLLER, hex`
  fe fd                    // FrameID: DCP Get/Set
  04 00                    // Set, request
  00 00 00 07              // Xid 7
  00 00                    // reserved
  00 14                    // DCPDataLength: 20
  02 02 00 07 00 01        // Device/NameOfStation, length 7, BlockQualifier 1: save permanently
  70 6c 63 2d 32           //   "plc-2"
  00                       // padding
  05 03 00 04 00 00        // Control/Signal, length 4, BlockQualifier 0
  01 00                    //   SignalValue 0x0100: flash once`);

/** Set response: one Control/Response per block, the second refused. */
const SET_RES = eth(IO_CONTROLLER, DEVICE, hex`
  fe fd                    // FrameID: DCP Get/Set
  04 01                    // Set, response success
  00 00 00 07              // Xid 7
  00 00                    // reserved
  00 0f                    // DCPDataLength: 15
  05 04 00 03              // Control/Response, length 3
  02 02 00                 //   for Device/NameOfStation: BlockError 0 ok
  00                       // padding
  05 04 00 03              // Control/Response, length 3
  05 03 01                 //   for Control/Signal: BlockError 1 option not supported`);

/** Get request: bare Option/Suboption pairs. */
const GET_REQ = eth(DEVICE, IO_CONTROLLER, hex`
  fe fd 03 00              // FrameID Get/Set; Get, request
  00 00 00 08 00 00        // Xid 8, reserved
  00 04                    // DCPDataLength 4
  01 02 02 02              // IP/IP parameter, Device/NameOfStation`);

/** Hello request from a device (BlockInfo in every value). */
const HELLO = eth(DCP_MULTICAST, DEVICE, hex`
  fe fc 06 00              // FrameID Hello; Hello, request
  00 00 00 09 00 00        // Xid 9, reserved
  00 12                    // DCPDataLength 18
  01 02 00 0e 00 01        // IP/IP parameter, BlockInfo 1: IP set
  0a 00 00 05 ff 00 00 00 0a 00 00 01  // 10.0.0.5, 255.0.0.0, 10.0.0.1`);

test('DCP Identify request and response: identity, role, options, IP with its BlockInfo', () => {
  const out = runFrames([{ bytes: IDENT_REQ, ts: 1 }, { bytes: IDENT_RES, ts: 1.01 }]);
  assert.deepEqual(out.events, {});
  const [req, res] = out.dcp;
  assert.deepEqual(req, {
    ts: 1, src_mac: '00:1b:1b:02:9a:c3', dst_mac: '01:0e:cf:00:00:00', vlan: undefined, frame_id: 0xfefe,
    service: 'identify', service_id: 5, service_type: 'request', service_type_code: 0, xid: 0x0300bf9a, response_delay: 1,
    data_length: 12, blocks: ['device/name_of_station'], station_name: 'switch3', ...unset(req),
  });
  assert.deepEqual(
    [res.service, res.service_type, res.xid, res.response_delay, res.type_of_station, res.station_name, res.vendor_id, res.device_id],
    ['identify', 'response_success', 0x0300bf9a, undefined, 'SCALANCE X208', 'switch3', 0x2a, 0x0a01],
  );
  assert.deepEqual([res.device_role, res.device_role_names], [3, ['io_device', 'io_controller']]);
  assert.deepEqual(res.device_options, ['ip/ip_parameter', 'device/name_of_station', 'control/signal']);
  assert.deepEqual([res.device_instance_high, res.device_instance_low, res.device_initiative], [0, 1, 1]);
  assert.deepEqual([res.ip, res.netmask, res.gateway, res.ip_block_info, res.ip_block_info_name], ['192.168.0.6', '255.255.255.0', '192.168.0.1', 0x81, 'ip_set_conflict']);
  assert.deepEqual(res.blocks, [
    'device/type_of_station', 'device/name_of_station', 'device/device_id', 'device/device_role', 'device/device_options',
    'device/device_instance', 'ip/ip_parameter', 'device_initiative/device_initiative',
  ]);
});

/** The fields of a DCP record that `r` leaves unset, as undefined (for deepEqual of whole records). */
function unset(r: Record<string, unknown>): Record<string, undefined> {
  const o: Record<string, undefined> = {};
  for (const [k, v] of Object.entries(r)) if (v === undefined) o[k] = undefined;
  return o;
}

test('DCP Set: qualifiers (permanent), Signal, and the Control/Response block errors', () => {
  const out = runFrames([{ bytes: SET_REQ, ts: 2 }, { bytes: SET_RES, ts: 2.001 }]);
  assert.deepEqual(out.events, {});
  const [req, res] = out.dcp;
  assert.deepEqual(
    [req.service, req.frame_id, req.station_name, req.qualifiers, req.permanent, req.control, req.signal_value, req.blocks],
    ['set', 0xfefd, 'plc-2', [1, 0], true, ['signal'], 0x0100, ['device/name_of_station', 'control/signal']],
  );
  assert.deepEqual(
    [res.service_type, res.response_blocks, res.block_errors, res.block_error_names, res.blocks],
    ['response_success', ['device/name_of_station', 'control/signal'], [0, 1], ['ok', 'option_not_supported'], ['control/response', 'control/response']],
  );
});

test('DCP Get request and Hello', () => {
  const out = runFrames([{ bytes: GET_REQ, ts: 3 }, { bytes: HELLO, ts: 4 }]);
  const [get, hello] = out.dcp;
  assert.deepEqual([get.service, get.blocks, get.ip], ['get', ['ip/ip_parameter', 'device/name_of_station'], undefined]);
  assert.deepEqual([hello.service, hello.frame_id, hello.ip, hello.ip_block_info_name], ['hello', 0xfefc, '10.0.0.5', 'ip_set']);
});

// ---- RT ----

/** A cyclic RT_CLASS_1 frame: FrameID, 40 bytes of C_SDU, CycleCounter, DataStatus, TransferStatus. */
function cyclic(src: Uint8Array, dst: Uint8Array, frameId: number, cc: number, ds: number, ts = 0): Uint8Array {
  const body = new Uint8Array(2 + 40 + 4);
  body[0] = frameId >> 8;
  body[1] = frameId & 255;
  body[42] = cc >> 8;
  body[43] = cc & 255;
  body[44] = ds;
  body[45] = ts;
  return eth(dst, src, body);
}

test('RT: one summary per stream with cycle counter and DataStatus ranges; alarms and reserved IDs as data', () => {
  const alarm = eth(IO_CONTROLLER, DEVICE, hex`fe 01  // Alarm low
    80 01 80 01 14 01 ff ff ff fe 00 04 cf 81 fd 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`);
  const reserved = eth(IO_CONTROLLER, DEVICE, concat(hex`12 34  // FrameID in 0x1000-0x7FFF (reserved)`, new Uint8Array(44)));
  const frames = [
    { bytes: cyclic(DEVICE, IO_CONTROLLER, 0xc000, 100, 0x35), ts: 10 },
    { bytes: cyclic(IO_CONTROLLER, DEVICE, 0xc001, 7, 0x35), ts: 10.001 },
    { bytes: cyclic(DEVICE, IO_CONTROLLER, 0xc000, 132, 0x25, 1), ts: 10.002 }, // provider stopped; TransferStatus 1
    { bytes: alarm, ts: 10.003 },
    { bytes: cyclic(DEVICE, IO_CONTROLLER, 0xc000, 164, 0x35), ts: 10.004 },
    { bytes: reserved, ts: 10.005 },
    { bytes: reserved, ts: 10.006 },
  ];
  const out = runFrames(frames);
  assert.deepEqual(out.events, { unknown_frame_id: 1 });
  assert.deepEqual(out.rt, [
    {
      ts: 10, last_ts: 10.004, src_mac: '08:00:06:93:cf:32', dst_mac: '00:1b:1b:02:9a:c3', vlan: undefined, frame_id: 0xc000,
      frame_class: 'RT_CLASS_1', frames: 3, bytes: 3 * 60, cycle_counter_first: 100, cycle_counter_last: 164,
      data_status_first: 0x35, data_status_last: 0x35, data_status_seen: ['primary', 'valid', 'run', 'stop', 'ok'], transfer_status_errors: 1,
    },
    {
      ts: 10.001, last_ts: 10.001, src_mac: '00:1b:1b:02:9a:c3', dst_mac: '08:00:06:93:cf:32', vlan: undefined, frame_id: 0xc001,
      frame_class: 'RT_CLASS_1', frames: 1, bytes: 60, cycle_counter_first: 7, cycle_counter_last: 7,
      data_status_first: 0x35, data_status_last: 0x35, data_status_seen: ['primary', 'valid', 'run', 'ok'], transfer_status_errors: 0,
    },
    {
      ts: 10.003, last_ts: 10.003, src_mac: '08:00:06:93:cf:32', dst_mac: '00:1b:1b:02:9a:c3', vlan: undefined, frame_id: 0xfe01,
      frame_class: 'ALARM_LOW', frames: 1, bytes: alarm.length, cycle_counter_first: undefined, cycle_counter_last: undefined,
      data_status_first: undefined, data_status_last: undefined, data_status_seen: undefined, transfer_status_errors: undefined,
    },
    {
      ts: 10.005, last_ts: 10.006, src_mac: '08:00:06:93:cf:32', dst_mac: '00:1b:1b:02:9a:c3', vlan: undefined, frame_id: 0x1234,
      frame_class: 'unknown-4660', frames: 2, bytes: 2 * reserved.length, cycle_counter_first: undefined, cycle_counter_last: undefined,
      data_status_first: undefined, data_status_last: undefined, data_status_seen: undefined, transfer_status_errors: undefined,
    },
  ]);
});

test('VLAN-tagged frames: DCP and RT carry the VLAN id, streams are told apart by it', () => {
  const tag = (vid: number, f: Uint8Array) => concat(f.subarray(0, 12), new Uint8Array([0x81, 0x00, 0xc0 | (vid >> 8), vid & 255]), f.subarray(12));
  const out = runFrames([
    { bytes: tag(5, IDENT_REQ), ts: 1 },
    { bytes: tag(5, cyclic(DEVICE, IO_CONTROLLER, 0x8001, 1, 0x35)), ts: 2 },
    { bytes: tag(6, cyclic(DEVICE, IO_CONTROLLER, 0x8001, 9, 0x35)), ts: 3 },
  ]);
  assert.equal(out.dcp[0].vlan, 5);
  assert.equal(out.dcp[0].station_name, 'switch3');
  assert.deepEqual(out.rt.map((r) => [r.vlan, r.frame_class, r.cycle_counter_first]), [[5, 'RT_CLASS_2', 1], [6, 'RT_CLASS_2', 9]]);
});

test('names: IP BlockInfo and DataStatus', () => {
  assert.deepEqual([0, 1, 2, 0x80, 0x82, 7].map(ipBlockInfoName), ['ip_not_set', 'ip_set', 'ip_set_by_dhcp', 'ip_not_set_conflict', 'ip_set_by_dhcp_conflict', 'unknown-7']);
  assert.deepEqual(dataStatusSeen(0x35 | 0x80, 0x35), ['primary', 'valid', 'run', 'ok', 'ignore']);
  assert.deepEqual(dataStatusSeen(0x00, 0x00), ['backup', 'invalid', 'stop', 'problem']);
});

// ---- malformed ----

test('malformed fixture: each problem raises its event, the frames after it are still read', () => {
  const hdr = (service: number, len: number) => hex`fe fd ${service.toString(16).padStart(2, '0')} 00 00 00 00 01 00 00 ${(len >> 8).toString(16).padStart(2, '0')} ${(len & 255).toString(16).padStart(2, '0')}`;
  const out = runFrames([
    { bytes: eth(DEVICE, IO_CONTROLLER, hex`fe fd 04 00 00  // a DCP header of 3 bytes`), ts: 1 },
    { bytes: eth(DEVICE, IO_CONTROLLER, concat(hdr(4, 40), hex`02 02 00 08 00 01 61 62`)), ts: 2 }, // DCPDataLength 40, 8 bytes there
    { bytes: eth(DEVICE, IO_CONTROLLER, concat(hdr(4, 10), hex`02 02 00 20 00 01 61 62 63 64`)), ts: 3 }, // block length 32 past the data
    { bytes: eth(DEVICE, IO_CONTROLLER, concat(hdr(4, 10), hex`01 02 00 06 00 01 c0 a8 00 01`)), ts: 4 }, // IP parameter of 6 bytes
    { bytes: eth(DEVICE, IO_CONTROLLER, concat(hdr(9, 0))), ts: 5 }, // ServiceID 9
    { bytes: eth(DEVICE, IO_CONTROLLER, hex`fe`), ts: 6 }, // no FrameID
    { bytes: eth(DEVICE, IO_CONTROLLER, hex`c0 00 01 02`), ts: 7 }, // cyclic frame without its APDU status
    { bytes: SET_REQ, ts: 8 },
  ]);
  assert.deepEqual(out.events, { truncated: 4, truncated_block: 2, bad_block_length: 1, unknown_service: 1 });
  assert.equal(out.internal, 0);
  assert.deepEqual(out.dcp.map((r) => r.service), ['set', 'set', 'set', 'unknown-9', 'set']);
  assert.equal(out.dcp[0].station_name, undefined); // its block was cut: never a partial value
  assert.equal(out.dcp[1].station_name, undefined);
  assert.equal(out.dcp[2].ip, undefined);
  assert.equal(out.dcp[4].station_name, 'plc-2');
  assert.deepEqual(out.weirds.map((w) => w.name), ['profinet.truncated', 'profinet.truncated', 'profinet.truncated_block', 'profinet.truncated_block', 'profinet.bad_block_length', 'profinet.unknown_service', 'profinet.truncated', 'profinet.truncated']);
});

test('truncation at every offset: no exception, and no value from a block not wholly there', () => {
  for (const frame of [IDENT_REQ, IDENT_RES, SET_REQ, SET_RES, GET_REQ, HELLO]) {
    const full = runFrames([{ bytes: frame, ts: 1 }]).dcp[0];
    for (const p of prefixes(frame)) {
      const out = runFrames([{ bytes: p, ts: 1 }]);
      assert.equal(out.internal, 0);
      for (const r of out.dcp) {
        for (const k of ['station_name', 'type_of_station', 'vendor_id', 'device_id', 'ip', 'netmask', 'gateway', 'signal_value']) {
          if (r[k] !== undefined) assert.deepEqual(r[k], full[k], `prefix ${p.length}: ${k}`);
        }
      }
    }
  }
});

test('the stream cap: streams past MAX_STREAMS are counted in one "untracked" summary', () => {
  const frames: { bytes: Uint8Array; ts: number }[] = [];
  for (let i = 0; i < MAX_STREAMS + 5; i++) frames.push({ bytes: cyclic(DEVICE, IO_CONTROLLER, 0xc000 + i, i & 0xffff, 0x35), ts: 1 + i / 1e4 });
  const out = runFrames(frames);
  assert.deepEqual(out.events, { too_many_streams: 1 });
  assert.equal(out.rt.length, MAX_STREAMS + 1);
  const last = out.rt.at(-1)!;
  assert.deepEqual([last.frame_class, last.frames, last.bytes, last.src_mac], ['untracked', 5, 5 * 60, undefined]);
});

test('fuzzing: random PROFINET payloads and bit-flipped DCP frames never throw', () => {
  const frames = [IDENT_REQ, IDENT_RES, SET_REQ, SET_RES, GET_REQ, HELLO];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(frames.length - 1), fc.array(fc.nat(8 * 200), { maxLength: 16 }), (rand, which, flips) => {
      const b = frames[which].slice();
      for (const f of flips) if ((f >> 3) >= 14 && (f >> 3) < b.length) b[f >> 3] ^= 1 << (f & 7);
      const out = runFrames([{ bytes: eth(DEVICE, IO_CONTROLLER, rand), ts: 1 }, { bytes: b, ts: 2 }, { bytes: eth(DEVICE, IO_CONTROLLER, concat(hex`fe fd`, rand)), ts: 3 }]);
      assert.equal(out.internal, 0);
    }),
    { numRuns: 500 },
  );
});

// ---- running frames through the engine ----

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
  dcp: Record<string, unknown>[];
  rt: Record<string, unknown>[];
  weirds: Record<string, unknown>[];
  events: Record<string, number>;
  internal: number;
}

function runFrames(frames: { bytes: Uint8Array; ts: number }[]): Out {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([], [profinet]) });
  for (const f of frames) e.frame(rawFrame(f.bytes, f.ts));
  e.finish();
  const c = e.counters().dissectors.profinet;
  return {
    dcp: out.filter(([t]) => t === 'profinet_dcp').map(([, r]) => r),
    rt: out.filter(([t]) => t === 'profinet_rt').map(([, r]) => r),
    weirds: out.filter(([t]) => t === 'weird').map(([, r]) => r),
    events: c?.events ?? {},
    internal: (c?.internal_errors ?? 0) + e.counters().internalErrors,
  };
}

test('docs/protocols/profinet.md documents every field of every record type and every event', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/profinet.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name}([ ,\`|])`).test(l));
  for (const [type, fields] of Object.entries(profinet.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of fields) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(profinet.events)) assert.ok(doc.includes(`profinet.${e}`), `event profinet.${e} documented`);
});
