// Syslog: the examples of RFC 5424 section 6.5 and RFC 3164 section 5.4 with the records the
// RFCs' field definitions give; PRI limits; the probe on and off port 514; the message cap;
// truncation at every offset; IP fragmentation (the UDP form of resegmentation) through the
// engine; invalid datagrams; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, prefixes, runSession, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { Engine } from '../../pipeline/engine.ts';
import { probeSyslog, syslog } from './index.ts';
import { MAX_MESSAGE_BYTES } from './session.ts';

const enc = new TextEncoder();
/** Bytes of the text parts, in order (each part is one field of the message). */
const msg = (...parts: (string | Uint8Array)[]) => concat(...parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p)));
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const FLOW = { transport: 'udp' as const, respP: 514, origP: 40000 };

function one(bytes: Uint8Array): Record<string, unknown> {
  const r = runSession(syslog, [{ isOrig: true, bytes }], { transport: 'udp', flow: FLOW });
  assert.equal(r.records.length, 1, JSON.stringify(r.events));
  assert.equal(r.records[0][0], 'syslog');
  return r.records[0][1];
}

test('RFC 5424 example 1: every header field, NILVALUE PROCID and STRUCTURED-DATA, BOM before MSG', () => {
  const bytes = msg(
    '<34>', // PRI 34 = facility 4 (auth) * 8 + severity 2 (critical)
    '1 ', // VERSION
    '2003-10-11T22:14:15.003Z ', // TIMESTAMP
    'mymachine.example.com ', // HOSTNAME
    'su ', // APP-NAME
    '- ', // PROCID: NILVALUE
    'ID47 ', // MSGID
    '- ', // STRUCTURED-DATA: NILVALUE
    BOM,
    "'su root' failed for lonvick on /dev/pts/8", // MSG
  );
  const r = one(bytes);
  assert.equal(r.proto, 'udp');
  assert.equal(r.facility, 'AUTH');
  assert.equal(r.severity, 'CRIT');
  assert.equal(r.facility_code, 4);
  assert.equal(r.severity_code, 2);
  assert.equal(r.format, 'rfc5424');
  assert.equal(r.version, 1);
  assert.equal(r.timestamp, '2003-10-11T22:14:15.003Z');
  assert.equal(r.hostname, 'mymachine.example.com');
  assert.equal(r.app_name, 'su');
  assert.equal(r.procid, undefined);
  assert.equal(r.msgid, 'ID47');
  assert.equal(r.structured_data, undefined);
  assert.equal(r.msg, "'su root' failed for lonvick on /dev/pts/8");
  // Zeek's message: everything after the PRI.
  assert.equal(r.message, "1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff'su root' failed for lonvick on /dev/pts/8");
  assert.equal(r.truncated, false);
});

test('RFC 5424 example 3: STRUCTURED-DATA with quoted PARAM-VALUEs (and an escaped bracket)', () => {
  const sd = '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high\\]"]';
  const r = one(msg('<165>', '1 ', '2003-10-11T22:14:15.003Z ', 'mymachine.example.com ', 'evntslog ', '- ', 'ID47 ', sd, ' ', BOM, 'An application event log entry...'));
  assert.equal(r.facility, 'LOCAL4'); // 165 = 20 * 8 + 5
  assert.equal(r.severity, 'NOTICE');
  assert.equal(r.app_name, 'evntslog');
  assert.equal(r.structured_data, sd);
  assert.equal(r.msg, 'An application event log entry...');
});

test('RFC 5424 example 4: no MSG after the STRUCTURED-DATA', () => {
  const r = one(msg('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"]'));
  assert.equal(r.structured_data, '[exampleSDID@32473 iut="3"]');
  assert.equal(r.msg, '');
});

test('RFC 3164: TIMESTAMP HOSTNAME TAG[pid]: CONTENT, and a message without a TAG', () => {
  let r = one(msg('<34>', 'Oct 11 22:14:15 ', 'mymachine ', 'su', ': ', "'su root' failed for lonvick on /dev/pts/8"));
  assert.equal(r.format, 'rfc3164');
  assert.equal(r.facility, 'AUTH');
  assert.equal(r.severity, 'CRIT');
  assert.equal(r.timestamp, 'Oct 11 22:14:15');
  assert.equal(r.hostname, 'mymachine');
  assert.equal(r.app_name, 'su');
  assert.equal(r.procid, undefined);
  assert.equal(r.msg, "'su root' failed for lonvick on /dev/pts/8");
  assert.equal(r.version, undefined);

  r = one(msg('<13>', 'Feb  5 17:32:18 ', '10.0.0.99 ', 'Use the BFG!')); // day space-padded; no TAG
  assert.equal(r.facility, 'USER');
  assert.equal(r.severity, 'NOTICE');
  assert.equal(r.timestamp, 'Feb  5 17:32:18');
  assert.equal(r.hostname, '10.0.0.99');
  assert.equal(r.app_name, undefined);
  assert.equal(r.msg, 'Use the BFG!');

  r = one(msg('<150>', 'Jan  2 10:09:52 ', 'nb6 ', 'chillispot', '[4222]', ': ', 'C:192.168.2.83\n'));
  assert.equal(r.app_name, 'chillispot');
  assert.equal(r.procid, '4222');
  assert.equal(r.msg, 'C:192.168.2.83'); // trailing LF dropped from msg …
  assert.equal(r.message, 'Jan  2 10:09:52 nb6 chillispot[4222]: C:192.168.2.83\n'); // … not from message
});

test('a PRI followed by free text (no header) is kept whole as the message', () => {
  const r = one(msg('<189>', '72: Mar  3 19:57:17.371: %LINK-5-CHANGED: Interface Gi0/2, changed state to down'));
  assert.equal(r.format, 'other');
  assert.equal(r.facility, 'LOCAL7');
  assert.equal(r.severity, 'NOTICE');
  assert.equal(r.timestamp, undefined);
  assert.equal(r.msg, '72: Mar  3 19:57:17.371: %LINK-5-CHANGED: Interface Gi0/2, changed state to down');
});

test('PRI limits: <0> and <191> are valid, <192> and a missing PRI are events without a record', () => {
  assert.equal(one(msg('<0>x')).facility, 'KERN');
  const top = one(msg('<191>x'));
  assert.equal(top.facility, 'LOCAL7');
  assert.equal(top.severity, 'DEBUG');
  const r = runSession(syslog, [
    { isOrig: true, bytes: msg('<192>x') },
    { isOrig: true, bytes: msg('no pri') },
    { isOrig: true, bytes: msg('<13>ok') },
  ], { transport: 'udp', flow: FLOW });
  assert.deepEqual(r.events.map((e) => e.name), ['bad_pri', 'missing_pri']);
  assert.equal(r.records.length, 1);
  assert.equal(r.confirmed, true);
});

test('a flow that never carries a valid message is given up after three datagrams', () => {
  const r = runSession(syslog, [1, 2, 3, 4].map((i) => ({ isOrig: true, bytes: msg(`junk ${i}`) })), { transport: 'udp', flow: FLOW });
  assert.equal(r.rejected, 'no syslog message');
  assert.equal(r.records.length, 0);
});

test('probe: a PRI is enough on port 514; elsewhere an RFC 5424 or RFC 3164 header must follow', () => {
  const hint = (portMatch: boolean): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort: 40000, dstPort: portMatch ? 514 : 5000 });
  const p = (s: string, portMatch: boolean) => {
    const b = enc.encode(s);
    return probeSyslog(b, 0, b.length, hint(portMatch));
  };
  assert.equal(p('<13>anything', true), PROBE.YES);
  assert.equal(p('<13>anything', false), PROBE.NO);
  assert.equal(p('<13>1 2003-10-11T22:14:15Z host app - - - x', false), PROBE.YES);
  assert.equal(p('<13>1 - - - - - -', false), PROBE.YES);
  assert.equal(p('<13>Oct 11 22:14:15 host x', false), PROBE.YES);
  assert.equal(p('<13>\u0001binary', true), PROBE.NO);
  assert.equal(p('<192>x', true), PROBE.NO);
  assert.equal(p('<13x', true), PROBE.NO);
  assert.equal(p('13>', true), PROBE.NO);
  const t = enc.encode('<13>x');
  assert.equal(probeSyslog(t, 0, t.length, { ...hint(true), transport: 'tcp' }), PROBE.NO);
});

test(`a message longer than ${MAX_MESSAGE_BYTES} bytes is cut, flagged and counted`, () => {
  const long = msg('<14>', 'Oct 11 22:14:15 host app: ', 'x'.repeat(6000));
  const r = runSession(syslog, [{ isOrig: true, bytes: long }], { transport: 'udp', flow: FLOW });
  assert.deepEqual(r.events.map((e) => e.name), ['message_capped']);
  const rec = r.records[0][1];
  assert.equal(rec.truncated, true);
  assert.equal((rec.message as string).length, MAX_MESSAGE_BYTES);
  assert.ok((rec.msg as string).length < MAX_MESSAGE_BYTES);
  assert.equal(rec.app_name, 'app');
});

test('truncation at every offset: no exception, and no field holds text beyond the bytes present', () => {
  const full = msg('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3"] ', BOM, 'entry');
  for (const cut of prefixes(full)) {
    const r = runSession(syslog, [{ isOrig: true, bytes: cut }], { transport: 'udp', flow: FLOW });
    const text = new TextDecoder().decode(cut);
    for (const [, rec] of r.records) {
      for (const k of ['message', 'timestamp', 'hostname', 'app_name', 'procid', 'msgid', 'structured_data', 'msg']) {
        const v = rec[k];
        if (typeof v === 'string' && v !== '') assert.ok(text.includes(v), `${k} "${v}" not in "${text}"`);
      }
    }
  }
});

// ---- IP fragmentation: the same records whatever the fragment size ----

function udpFrame(payload: Uint8Array, fragOffset8: number, more: boolean, udpHeader: boolean, totalUdpLen: number): Uint8Array {
  const eth = new Uint8Array([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00]);
  const body = udpHeader
    ? concat(new Uint8Array([0x9c, 0x40, 0x02, 0x02, totalUdpLen >> 8, totalUdpLen & 255, 0, 0]), payload) // 40000 -> 514
    : payload;
  const ipLen = 20 + body.length;
  const flags = (more ? 0x2000 : 0) | fragOffset8;
  const ip = new Uint8Array([0x45, 0, ipLen >> 8, ipLen & 255, 0x12, 0x34, flags >> 8, flags & 255, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
  return concat(eth, ip, body);
}

function engineRecords(frames: Uint8Array[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const e = new Engine({ write: (t, r) => t === 'syslog' && out.push(r as Record<string, unknown>) }, { registry: new Registry([syslog]) });
  let ts = 1700000000;
  for (const b of frames) {
    const f = new RawFrame();
    f.data = b;
    f.offset = 0;
    f.caplen = f.wirelen = b.length;
    f.linktype = LINKTYPE.ETHERNET;
    f.ts = ts++;
    e.frame(f);
  }
  e.finish();
  return out.map(({ ts: _ts, uid: _uid, ...rest }) => rest);
}

test('IP fragments of a datagram give the record of the whole datagram, at every fragment size', () => {
  const payload = msg('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ', BOM, "'su root' failed for lonvick on /dev/pts/8 ", 'y'.repeat(120));
  const udpLen = 8 + payload.length;
  const whole = engineRecords([udpFrame(payload, 0, false, true, udpLen)]);
  assert.equal(whole.length, 1);
  const udp = concat(new Uint8Array([0x9c, 0x40, 0x02, 0x02, udpLen >> 8, udpLen & 255, 0, 0]), payload);
  for (let size = 8; size < udp.length; size += 8) {
    const frames: Uint8Array[] = [];
    for (let o = 0; o < udp.length; o += size) {
      const part = udp.subarray(o, Math.min(o + size, udp.length));
      frames.push(udpFrame(part, o / 8, o + size < udp.length, false, 0));
    }
    assert.deepEqual(engineRecords(frames.reverse()), whole, `fragments of ${size} bytes (out of order)`);
  }
});

test('fuzz: random datagrams and bit flips of valid messages never throw', () => {
  const good = msg('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] ', BOM, 'An entry');
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 200 }), { minLength: 1, maxLength: 4 }), (datagrams) => {
      const chunks: Chunk[] = datagrams.map((bytes) => ({ isOrig: true, bytes: concat(enc.encode('<13>'), bytes) }));
      runSession(syslog, chunks, { transport: 'udp', flow: FLOW });
      return true;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
      const b = good.slice();
      for (const [i, x] of flips) b[i] ^= x;
      runSession(syslog, [{ isOrig: true, bytes: b }, { isOrig: true, bytes: good }], { transport: 'udp', flow: FLOW });
      return true;
    }),
    { numRuns: 500 },
  );
});
