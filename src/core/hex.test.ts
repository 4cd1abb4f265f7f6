import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexBytes, hexNum } from './hex.ts';

test('hexNum pads to the width, in lower case, as an unsigned 32-bit value', () => {
  // Every value the tables hold, against the plain formatting, at each width they serve.
  const plain = (n: number, w: number) => '0x' + (n >>> 0).toString(16).padStart(w, '0');
  for (let n = 0; n < 65536; n++) {
    if (n < 256) assert.equal(hexNum(n, 2), plain(n, 2));
    assert.equal(hexNum(n, 4), plain(n, 4));
  }
  assert.equal(hexNum(0x1ff, 2), '0x1ff');
  assert.equal(hexNum(0x4c, 1), '0x4c');
  assert.equal(hexNum(5, 1), '0x5');
  assert.equal(hexNum(0x10000, 4), '0x10000');
  assert.equal(hexNum(0x12020100, 8), '0x12020100');
  assert.equal(hexNum(0, 8), '0x00000000');
  assert.equal(hexNum(-1, 8), '0xffffffff');
  assert.equal(hexNum(-1, 2), '0xffffffff');
});

test('hexBytes: two lower-case digits a byte, of a range, at most max bytes', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(hexBytes(all, 0, 256), Array.from(all, (b) => b.toString(16).padStart(2, '0')).join(''));
  const d = Uint8Array.from([0xde, 0xad, 0x0b, 0xef, 0x01]);
  assert.equal(hexBytes(d, 1, 3), 'ad0bef');
  assert.equal(hexBytes(d, 0, 5, 2), 'dead');
  assert.equal(hexBytes(d, 0, 5, 9), 'dead0bef01');
  assert.equal(hexBytes(d, 2, 0), '');
  assert.equal(hexBytes(d, 2, -3), '');
});
