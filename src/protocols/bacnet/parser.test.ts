// BACnet framing and tag decoding on byte arrays written from ASHRAE 135 (Annex J for BVLC,
// clause 6.2 for the NPDU, 20.1 for APDU headers, 20.2 for tags), commented field by field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hex } from '../../dissect/testing.ts';
import { PROPERTIES, nameOf, propertyName, UNITS, OBJECT_TYPES, ERROR_CODES, CONFIRMED_SERVICES, UNCONFIRMED_SERVICES } from './constants.ts';
import { Frame, OK, P_BAD_BVLC_LENGTH, P_BAD_NPDU_VERSION, P_MALFORMED_NPDU, P_NOT_BVLC, P_TRUNCATED, P_UNKNOWN_PDU_TYPE, parseFrame, probeBacnet } from './parser.ts';
import { TAG_CLOSING, TAG_OPENING, TAG_PRIMITIVE, Tag, bitString, characterString, formatApplication, formatFixed6, readTag } from './tags.ts';
import { vendorCount, vendorName } from './vendors.ts';

const parse = (b: Uint8Array) => {
  const f = new Frame();
  const r = parseFrame(b, 0, b.length, f);
  return { f, r };
};

test('BVLC Original-Broadcast-NPDU, NPDU to the global broadcast, Who-Is without a range', () => {
  const b = hex`
    81        // BVLC type: BACnet/IP
    0b        // function: Original-Broadcast-NPDU
    00 0c     // BVLC length 12
    01        // NPDU version 1
    20        // control: DNET present
    ff ff     // DNET 65535 (global broadcast)
    00        // DLEN 0 (broadcast MAC)
    ff        // hop count 255
    10        // APDU type 1 (Unconfirmed-Request)
    08        // service choice 8: Who-Is
  `;
  const { f, r } = parse(b);
  assert.equal(r, OK);
  assert.equal(f.bvlcFunction, 0x0b);
  assert.equal(f.bvlcLength, 12);
  assert.equal(f.dnet, 0xffff);
  assert.equal(f.dlen, 0);
  assert.equal(f.hopCount, 255);
  assert.equal(f.snet, -1);
  assert.equal(f.pduType, 1);
  assert.equal(f.service, 8);
  assert.equal(f.dataOff, 12);
});

test('Confirmed-Request header: segmentation flags, max segments/APDU, invoke id, sequence, window', () => {
  const b = hex`
    81 0a 00 0e  // Original-Unicast-NPDU, length 14
    01 04        // NPDU version 1, control: expecting reply
    0e           // type 0, SEG=1 MOR=1 SA=0
    35           // max segments 3 (8 segments), max APDU 5 (1476 octets)
    07           // invoke id 7
    00           // sequence number 0
    04           // proposed window size 4
    0e           // service choice 14: ReadPropertyMultiple
    0c 02        // (service data, cut)
  `;
  const { f, r } = parse(b);
  assert.equal(r, OK);
  assert.equal(f.pduType, 0);
  assert.equal(f.segmented, true);
  assert.equal(f.moreFollows, true);
  assert.equal(f.maxSegments, 3);
  assert.equal(f.maxApdu, 5);
  assert.equal(f.invokeId, 7);
  assert.equal(f.sequence, 0);
  assert.equal(f.window, 4);
  assert.equal(f.service, 14);
  assert.equal(f.dataOff, 12);
});

test('ComplexACK, SegmentACK, Error, Reject and Abort headers', () => {
  const cack = parse(hex`81 0a 00 0b 01 00  3c 05 02 10 0c`); // type 3 SEG MOR, invoke 5, seq 2, window 16, service 12
  assert.deepEqual([cack.r, cack.f.pduType, cack.f.invokeId, cack.f.sequence, cack.f.window, cack.f.service, cack.f.moreFollows], [OK, 3, 5, 2, 16, 12, true]);
  const sack = parse(hex`81 0a 00 0a 01 00  43 05 02 10`); // type 4, NAK=1 SRV=1, invoke 5, seq 2, actual window 16
  assert.deepEqual([sack.r, sack.f.pduType, sack.f.nak, sack.f.server, sack.f.sequence, sack.f.window], [OK, 4, true, true, 2, 16]);
  const err = parse(hex`81 0a 00 0d 01 00  50 03 0c 91 02 91 20`); // Error, invoke 3, ReadProperty, class 2, code 32
  assert.deepEqual([err.r, err.f.pduType, err.f.invokeId, err.f.service, err.f.dataOff], [OK, 5, 3, 12, 9]);
  const rej = parse(hex`81 0a 00 09 01 00  60 03 09`); // Reject, invoke 3, reason 9 unrecognized-service
  assert.deepEqual([rej.r, rej.f.pduType, rej.f.invokeId, rej.f.reason], [OK, 6, 3, 9]);
  const abt = parse(hex`81 0a 00 09 01 00  71 03 04`); // Abort from server, invoke 3, reason 4
  assert.deepEqual([abt.r, abt.f.pduType, abt.f.server, abt.f.reason], [OK, 7, true, 4]);
});

test('Forwarded-NPDU carries the originating B/IP address; routed NPDU with SNET/SADR', () => {
  const b = hex`
    81 04 00 17        // Forwarded-NPDU, length 23
    c0 a8 01 4d ba c0  // originating device 192.168.1.77:47808
    01                 // NPDU version
    08                 // control: SNET present
    00 03 01 6c        // SNET 3, SLEN 1, SADR 0x6c
    10 00              // Unconfirmed-Request I-Am
    c4 02 00 00 6c     // (I-Am device 108, cut short)
  `;
  const { f, r } = parse(b);
  assert.equal(r, OK);
  assert.equal(f.fwdOff, 4);
  assert.deepEqual([f.snet, f.slen, b[f.sadrOff], f.service], [3, 1, 0x6c, 0]);
});

test('network layer messages: I-Am-Router-To-Network, proprietary type with vendor id', () => {
  const iam = parse(hex`
    81 0b 00 0b  // Original-Broadcast-NPDU, length 11
    01 80        // version, control: network layer message
    01           // message type 1: I-Am-Router-To-Network
    00 03 00 05  // networks 3 and 5
  `);
  assert.deepEqual([iam.r, iam.f.netMsg, iam.f.bodyOff, iam.f.hasApdu], [OK, 1, 7, false]);
  const prop = parse(hex`81 0a 00 0a 01 80 81 01 04 aa`); // type 0x81 (proprietary), vendor 260, data aa
  assert.deepEqual([prop.r, prop.f.netMsg, prop.f.netVendor, prop.f.bodyOff], [OK, 0x81, 260, 9]);
});

test('BVLC functions without an NPDU: Result, Register-Foreign-Device, Read-BDT-Ack, Delete-FDT-Entry', () => {
  const res = parse(hex`81 00 00 06 00 30`); // BVLC-Result: Register-Foreign-Device NAK
  assert.deepEqual([res.r, res.f.resultCode, res.f.hasNpdu], [OK, 0x30, false]);
  const reg = parse(hex`81 05 00 06 00 3c`); // Register-Foreign-Device, TTL 60 s
  assert.deepEqual([reg.r, reg.f.ttl], [OK, 60]);
  const bdt = parse(hex`
    81 03 00 18                         // Read-BDT-Ack, length 24: two entries of 10 octets
    c0 a8 00 01 ba c0 ff ff ff ff       // 192.168.0.1:47808, mask 255.255.255.255
    0a 00 00 02 ba c1 ff ff ff 00       // 10.0.0.2:47809, mask 255.255.255.0
  `);
  assert.deepEqual([bdt.r, bdt.f.entries, bdt.f.entriesTotal], [OK, [4, 14], 2]);
  const del = parse(hex`81 08 00 0a c0 a8 00 07 ba c0`); // Delete-FDT-Entry 192.168.0.7:47808
  assert.deepEqual([del.r, del.f.deleteOff], [OK, 4]);
});

test('problems: not BVLC, BVLC length, NPDU version, reserved control bits, SLEN 0, truncated headers, APDU type 8', () => {
  assert.equal(parse(hex`82 0a 00 06 01 00`).r, P_NOT_BVLC); // BVLL type 0x82 is BACnet/IPv6
  assert.equal(parse(hex`81 0a`).r, P_NOT_BVLC);
  assert.equal(parse(hex`81 0a 00 02`).r, P_BAD_BVLC_LENGTH); // length below the header
  // length 8 on a 9-octet datagram: the whole datagram is still parsed, then the length reported
  const long = parse(hex`81 0a 00 08 01 00 20 02 0f`);
  assert.deepEqual([long.r, long.f.pduType, long.f.service], [P_BAD_BVLC_LENGTH, 2, 15]);
  assert.equal(parse(hex`81 0a 00 08 02 00 10 08`).r, P_BAD_NPDU_VERSION);
  assert.equal(parse(hex`81 0a 00 08 01 40 10 08`).r, P_MALFORMED_NPDU); // control bit 6 is reserved
  assert.equal(parse(hex`81 0a 00 0b 01 08 00 03 00 10 08`).r, P_MALFORMED_NPDU); // SLEN 0
  assert.equal(parse(hex`81 0a 00 08 01 20 00 03`).r, P_TRUNCATED); // DNET without DLEN
  assert.equal(parse(hex`81 0a 00 07 01 04 00`).r, P_TRUNCATED); // Confirmed-Request cut after the type
  assert.equal(parse(hex`81 0a 00 08 01 00 80 00`).r, P_UNKNOWN_PDU_TYPE);
});

test('probe: strict off the BACnet ports, a BVLC header of the right length on them', () => {
  const whoIs = hex`81 0b 00 0c 01 20 ff ff 00 ff 10 08`;
  assert.equal(probeBacnet(whoIs, 0, whoIs.length, false), true);
  assert.equal(probeBacnet(whoIs, 0, whoIs.length - 1, false), false); // length differs
  const result = hex`81 00 00 06 00 00`;
  assert.equal(probeBacnet(result, 0, 6, false), false); // no NPDU to check: port needed
  assert.equal(probeBacnet(result, 0, 6, true), true);
  const badNpdu = hex`81 0a 00 0b 10 07 2c 02 00 00 3d`; // an APDU without its NPDU
  assert.equal(probeBacnet(badNpdu, 0, badNpdu.length, false), false);
  assert.equal(probeBacnet(badNpdu, 0, badNpdu.length, true), true);
  assert.equal(probeBacnet(hex`81 0d 00 04`, 0, 4, true), false); // function 0x0d does not exist
  assert.equal(probeBacnet(hex`45 00 00 04`, 0, 4, true), false);
});

test('tags: application, context, opening/closing, extended tag number and length, Boolean', () => {
  const t = new Tag();
  const b = hex`
    21 2a                 // application tag 2 (Unsigned), length 1: 42
    1e                    // context tag 1, opening
    1f                    // context tag 1, closing
    f9 ff 05              // extended tag number 255: reserved, not a tag
  `;
  assert.equal(readTag(b, 0, b.length, t), true);
  assert.deepEqual([t.num, t.context, t.kind, t.off, t.len, t.next], [2, false, TAG_PRIMITIVE, 1, 1, 2]);
  assert.equal(readTag(b, 2, b.length, t), true);
  assert.deepEqual([t.num, t.context, t.kind], [1, true, TAG_OPENING]);
  assert.equal(readTag(b, 3, b.length, t), true);
  assert.deepEqual([t.num, t.kind], [1, TAG_CLOSING]);
  assert.equal(readTag(b, 4, b.length, t), false);
  const ext = hex`
    fb 1e                 // context tag, extended tag number 30, length 3
    aa bb cc
    75 fe 01 00           // application tag 7, extended length 254: 2-octet length 256 (cut short)
  `;
  assert.equal(readTag(ext, 0, ext.length, t), true);
  assert.deepEqual([t.num, t.context, t.off, t.len, t.next], [30, true, 2, 3, 5]);
  assert.equal(readTag(ext, 5, ext.length, t), false); // 256 octets are not there
  const bool = hex`11 10`; // application Boolean TRUE (value in L/V/T), then Boolean with L/V/T 0
  assert.equal(readTag(bool, 0, 2, t), true);
  assert.deepEqual([t.num, t.lvt, t.len], [1, 1, 0]);
  assert.equal(readTag(hex`12`, 0, 1, t), false); // Boolean L/V/T 2 is not a value
});

const fmt = (bytes: Uint8Array, names: readonly string[] | null = null) => {
  const t = new Tag();
  assert.equal(readTag(bytes, 0, bytes.length, t), true);
  return formatApplication(bytes, t, names);
};

test('application values: Null, Boolean, Unsigned, Signed, Real, Double, strings, Date, Time, object id', () => {
  assert.equal(fmt(hex`00`), undefined); // Null
  assert.equal(fmt(hex`11`), 'true');
  assert.equal(fmt(hex`10`), 'false');
  assert.equal(fmt(hex`22 05 c4`), '1476'); // Unsigned, 2 octets
  assert.equal(fmt(hex`25 07 01 02 03 04 05 06 07`), '283686952306183'); // 7 octets, exact
  assert.equal(fmt(hex`31 f6`), '-10'); // Signed, 1 octet
  assert.equal(fmt(hex`32 fe 20`), '-480'); // Signed, 2 octets (utc-offset)
  assert.equal(fmt(hex`34 ff ff ff ff`), '-1');
  assert.equal(fmt(hex`44 42 28 00 00`), '42.000000'); // Real 42.0
  assert.equal(fmt(hex`44 45 ea 20 86`), '7492.065430'); // Real 7492.0654296875
  assert.equal(fmt(hex`55 08 3f f0 00 00 00 00 00 00`), '1.000000'); // Double 1.0
  assert.equal(fmt(hex`62 01 ab`), '01ab'); // Octet String
  assert.equal(fmt(hex`75 06 00 41 48 55 31 32`), 'AHU12'); // Character String, UTF-8
  assert.equal(fmt(hex`75 05 04 00 41 00 42`), 'AB'); // UCS-2
  assert.equal(fmt(hex`73 05 e9 74`), 'ét'); // ISO 8859-1
  assert.equal(fmt(hex`82 04 a0`), 'TFTF'); // Bit String: 4 unused bits, 1010
  assert.equal(fmt(hex`91 03`), '3'); // Enumerated without names
  assert.equal(fmt(hex`91 3e`, UNITS), 'degrees-celsius'); // units 62
  assert.equal(fmt(hex`a4 69 0a 1b 02`), '10/27/2005'); // Date: 2005-10-27 (year - 1900 = 105), Tuesday
  assert.equal(fmt(hex`b4 0f 03 06 00`), '15:3:6.0'); // Time 15:03:06.00
  assert.equal(fmt(hex`c4 00 c0 01 2e`), 'binary-input: 302'); // object id: type 3, instance 302
  assert.equal(fmt(hex`c4 20 00 00 01`), 'unknown-128: 1'); // proprietary object type 128
});

test('printf %f: six decimals, ties to even on the exact value, large values, inf/nan', () => {
  assert.equal(formatFixed6(0), '0.000000');
  assert.equal(formatFixed6(-0.5), '-0.500000');
  assert.equal(formatFixed6(0.0078125), '0.007812'); // 1/128: a tie, the even neighbour
  assert.equal(formatFixed6(0.0234375), '0.023438'); // 3/128: a tie, the even neighbour is up
  assert.equal(formatFixed6(1e30), '1000000000000000019884624838656.000000');
  assert.equal(formatFixed6(Infinity), 'inf');
  assert.equal(formatFixed6(NaN), 'nan');
});

test('bit strings and character sets at their edges', () => {
  assert.equal(bitString(hex`00`, 0, 1), ''); // no bits
  assert.equal(bitString(hex`00 ff`, 0, 2), 'TTTTTTTT');
  assert.equal(characterString(hex`01 41 42`, 0, 3), '4142'); // IBM/Microsoft DBCS: kept as hex
  assert.equal(characterString(hex`03 00 00 00 41`, 0, 5), 'A'); // UCS-4
});

test('names: tables line up with the standard\'s numbers; unknown codes are data', () => {
  assert.equal(nameOf(CONFIRMED_SERVICES, 12), 'read_property');
  assert.equal(nameOf(CONFIRMED_SERVICES, 20), 'reinitialize_device');
  assert.equal(nameOf(CONFIRMED_SERVICES, 31), 'confirmed_cov_notification_multiple');
  assert.equal(nameOf(CONFIRMED_SERVICES, 99), 'unknown-99');
  assert.equal(nameOf(UNCONFIRMED_SERVICES, 8), 'who_is');
  assert.equal(nameOf(UNCONFIRMED_SERVICES, 14), 'you_are');
  assert.equal(PROPERTIES[85], 'present-value');
  assert.equal(PROPERTIES[117], 'units');
  assert.equal(PROPERTIES[244], 'absentee-limit');
  assert.equal(PROPERTIES[351], 'event-message-texts');
  assert.equal(PROPERTIES[372], 'serial-number');
  assert.equal(PROPERTIES[491], 'represents');
  assert.equal(propertyName(512), 'Vendor Specific (512)');
  assert.equal(propertyName(466), 'unknown-466');
  assert.equal(OBJECT_TYPES[8], 'device');
  assert.equal(OBJECT_TYPES[56], 'network-port');
  assert.equal(UNITS[98], 'percent');
  assert.equal(UNITS[244], 'megavolt-ampere-hours-reactive');
  assert.equal(ERROR_CODES[26], 'password-failure');
  assert.equal(ERROR_CODES[33], '');
  assert.equal(nameOf(ERROR_CODES, 33), 'unknown-33');
  assert.equal(ERROR_CODES[73], 'invalid-event-state');
  assert.equal(ERROR_CODES[138], 'invalid-value-in-this-state');
});

test('vendor ids: the ASHRAE list', () => {
  assert.equal(vendorName(0), 'ASHRAE');
  assert.equal(vendorName(5), 'Johnson Controls, Inc.');
  assert.equal(vendorName(15), 'Cornell University');
  assert.equal(vendorName(260), 'BACnet Stack at SourceForge');
  assert.equal(vendorName(999), 'unknown-999'); // not assigned
  assert.equal(vendorName(1605), 'Camfil USA Inc.');
  assert.equal(vendorName(70000), 'unknown-70000');
  assert.ok(vendorCount() > 1500);
});
