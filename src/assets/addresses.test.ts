// The address classes against a plain reference: the IPv4 reading (split on dots, each part
// as Number() reads it) of the first version, over random spellings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isIPv4, isPrivateIp, isUnicastIp, subnetOf } from './addresses.ts';

function refV4(ip: string): number[] | null {
  const p = ip.split('.');
  if (p.length !== 4) return null;
  const n = p.map(Number);
  return n.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? n : null;
}

/** Strings of digits, dots and a few other characters Number() treats specially. */
const spelling = fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', '.', ' ', 'x', 'e', '-', '+'), { maxLength: 18 }).map((a) => a.join(''));
const dotted = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((a) => a.join('.'));

test('isIPv4, isPrivateIp, isUnicastIp and subnetOf read IPv4 as the reference does, whatever the spelling', () => {
  for (const ip of ['10.0.0.1', '0.0.0.0', '255.255.255.255', '1..2.3', '01.2.3.4', '0001.2.3.4', '1.2.3.4.', '.1.2.3', '256.1.1.1', '1.2.3.256', ' 1.2.3.4', '1.2.3.4 ', '1e2.0.0.1', '0x10.0.0.1', '172.16.5.4', '100.64.0.1', '192.168.1.1', '169.254.9.9', '127.0.0.1', '224.0.0.1']) check(ip);
  fc.assert(fc.property(fc.oneof(spelling, dotted), (ip) => check(ip)), { numRuns: 5000 });
});

function check(ip: string): void {
  const a = refV4(ip);
  assert.equal(isIPv4(ip), a !== null, ip);
  if (a === null) return;
  assert.equal(isPrivateIp(ip), a[0] === 10 || (a[0] === 172 && a[1] >= 16 && a[1] < 32) || (a[0] === 192 && a[1] === 168) || (a[0] === 169 && a[1] === 254) || (a[0] === 100 && a[1] >= 64 && a[1] < 128), ip);
  assert.equal(isUnicastIp(ip), !(a[0] === 0 || a[0] >= 224 || a[0] === 127 || ip === '255.255.255.255'), ip);
  assert.equal(subnetOf(ip), `${a[0]}.${a[1]}.${a[2]}.0/24`, ip);
}
