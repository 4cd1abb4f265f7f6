// BER reading (X.690): identifier and length forms, truncation at every offset, INTEGER
// two's complement, OIDs, and fuzzing (never reads outside the given range, never throws).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BER_APPLICATION, BER_BAD, BER_CONTEXT, BER_OK, BER_TRUNCATED, BER_UNIVERSAL, Tlv, readHex, readInt, readOid, readText, readTlv, readUint } from './ber.ts';
import { hex } from './testing.ts';

test('short, long and high-tag-number forms', () => {
  const t = new Tlv();
  // 02 01 05: UNIVERSAL 2 (INTEGER), primitive, length 1
  assert.equal(readTlv(hex`02 01 05`, 0, 3, t), BER_OK);
  assert.deepEqual([t.cls, t.constructed, t.tag, t.id, t.off, t.len, t.end], [BER_UNIVERSAL, false, 2, 0x02, 2, 1, 3]);
  // 61 81 80 ...: APPLICATION 1, constructed, long form with one length octet (128)
  const long = new Uint8Array(3 + 128);
  long.set([0x61, 0x81, 0x80]);
  assert.equal(readTlv(long, 0, long.length, t), BER_OK);
  assert.deepEqual([t.cls, t.constructed, t.tag, t.off, t.len], [BER_APPLICATION, true, 1, 3, 128]);
  // bf 22 00: CONTEXT, constructed, high tag number 34 (0x22), length 0
  assert.equal(readTlv(hex`bf 22 00`, 0, 3, t), BER_OK);
  assert.deepEqual([t.cls, t.constructed, t.tag, t.id, t.len], [BER_CONTEXT, true, 34, -1, 0]);
  // 9f 81 00 01 ff: CONTEXT 128 (two tag octets: 0x81 0x00)
  assert.equal(readTlv(hex`9f 81 00 01 ff`, 0, 5, t), BER_OK);
  assert.equal(t.tag, 128);
  assert.equal(t.len, 1);
});

test('indefinite and over-long lengths are BER_BAD; truncation at every offset is BER_TRUNCATED', () => {
  const t = new Tlv();
  assert.equal(readTlv(hex`30 80 00 00`, 0, 4, t), BER_BAD);
  assert.equal(readTlv(hex`30 85 00 00 00 00 01 00`, 0, 8, t), BER_BAD);
  assert.equal(readTlv(hex`9f 81 82 83 84 05 00`, 0, 7, t), BER_BAD, 'a tag number of more than 4 octets');
  const whole = hex`30 82 00 03 02 01 07`;
  for (let n = 0; n < whole.length; n++) {
    assert.equal(readTlv(whole, 0, n, t), BER_TRUNCATED, `prefix ${n}`);
    if (n < 4) assert.equal(t.len, -1, 'the header is cut: no length');
    else assert.equal(t.len, 3, 'the header is whole: the value is what is cut');
  }
  assert.equal(readTlv(whole, 0, whole.length, t), BER_OK);
});

test('INTEGER two\'s complement, unsigned, text, hex, OID', () => {
  const b = hex`00 ff  80  ff ff  01 00  7f ff ff ff ff ff ff ff  ff ff ff ff ff ff ff ff`;
  assert.equal(readInt(b, 0, 2), 255);
  assert.equal(readInt(b, 2, 1), -128);
  assert.equal(readInt(b, 3, 2), -1);
  assert.equal(readInt(b, 5, 2), 256);
  assert.ok(Number.isNaN(readInt(b, 7, 8)), 'beyond the safe integer range');
  assert.equal(readInt(b, 15, 8), -1, '8-byte -1');
  assert.ok(Number.isNaN(readInt(b, 0, 0)));
  assert.equal(readUint(b, 3, 2), 65535);
  assert.equal(readUint(b, 7, 8), -1);
  assert.equal(readText(hex`41 42 43`, 0, 3), 'ABC');
  assert.equal(readText(hex`41 42 43`, 0, 3, 2), 'AB');
  assert.equal(readHex(hex`0a ff`, 0, 2), '0aff');
  // 1.0.9506.2.3 (MMS abstract syntax): 28 = 1*40+0, 9506 = 0xca 0x22
  assert.equal(readOid(hex`28 ca 22 02 03`, 0, 5), '1.0.9506.2.3');
  // 2.1.1 (ACSE basic encoding: joint-iso-itu-t asn1 basic-encoding) = 0x51 0x01
  assert.equal(readOid(hex`51 01`, 0, 2), '2.1.1');
  assert.equal(readOid(hex`28 ca`, 0, 2), '', 'a last octet with the continuation bit');
});

test('fuzz: never throws, and what it reports lies within the range it was given', () => {
  const t = new Tlv();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), (b, cut) => {
      const end = Math.min(cut, b.length);
      const r = readTlv(b, 0, end, t);
      if (r === BER_OK) return t.off <= end && t.end <= end && t.off + t.len === t.end;
      return r === BER_TRUNCATED || r === BER_BAD;
    }),
    { numRuns: 2000 },
  );
});
