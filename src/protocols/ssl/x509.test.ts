// X.509 certificates on DER written by OpenSSL 3.0 (`openssl req -x509`, `openssl x509 -req`):
// an EC P-384 CA certificate with a multi-valued RDN, a UTF-8 state name, an escaped comma,
// every subjectAltName kind and a path length; a version-1 RSA-1024 certificate with exponent 3,
// SHA-1, and RFC 2253 specials (leading space, ";"); an Ed25519 certificate. The expected
// values are what OpenSSL prints for them (`openssl x509 -inform DER -noout -subject -issuer
// -serial -dates -nameopt RFC2253 -fingerprint -ext subjectAltName,basicConstraints -text`),
// the functions Zeek's x509.log uses. Then truncation and fuzzing of the DER reader.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { prefixes } from '../../dissect/testing.ts';
import { EC_DER, ED_DER, RSA_DER } from './test-certs.ts';
import { hostnameMatches, parseCertificate } from './x509.ts';

const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('EC P-384 CA certificate: names, serial, validity, key, SANs, basic constraints', () => {
  const c = parseCertificate(EC_DER, 0, EC_DER.length)!;
  assert.ok(c !== null);
  // subject= / issuer= (-nameopt RFC2253)
  assert.equal(c.subject, 'emailAddress=ot@example.com,CN=plc-gw.example.com+OU=OT+serialNumber=42,O=Acme\\, Inc.,ST=Z\\C3\\BCrich,C=CH');
  assert.equal(c.issuer, c.subject);
  assert.equal(c.serial, 'C0FFEE11'); // serial=C0FFEE11 (the DER has a leading 00 sign byte)
  assert.equal(c.version, 3); // Version: 3 (0x2)
  assert.equal(c.notValidBefore, utc(2026, 12, 1, 8, 51, 17)); // notBefore=Dec  1 08:51:17 2026 GMT
  assert.equal(c.notValidAfter, utc(2036, 11, 28, 8, 51, 17));
  assert.deepEqual([c.keyAlg, c.sigAlg, c.keyType, c.keyLength, c.curve, c.exponent], ['id-ecPublicKey', 'ecdsa-with-SHA256', 'ec', 384, 'secp384r1', undefined]);
  // X509v3 Subject Alternative Name: DNS:…, DNS:…, IP Address:10.1.2.3, IP Address:FD00:0:0:0:0:0:1:2, email:…, URI:…
  assert.deepEqual(c.sanDns, ['plc-gw.example.com', '*.plant.example.com']);
  assert.deepEqual(c.sanIp, ['10.1.2.3', 'fd00::1:2']);
  assert.deepEqual(c.sanEmail, ['ot@example.com']);
  assert.deepEqual(c.sanUri, ['urn:opc:plc1']);
  assert.deepEqual([c.ca, c.pathLen], [true, 2]); // CA:TRUE, pathlen:2
  assert.equal(sha256(EC_DER), '293cb102f7a6181fe1be4b796ad965023798a42d1441ee89101dc34bd506abe2'); // sha256 Fingerprint
});

test('version-1 RSA certificate: exponent 3, SHA-1 signature, RFC 2253 escapes, no extensions', () => {
  const c = parseCertificate(RSA_DER, 0, RSA_DER.length)!;
  assert.equal(c.subject, 'O=Semi\\;colon,CN=\\ lead space#');
  assert.equal(c.serial, '01');
  assert.equal(c.version, 1); // Version: 1 (0x0)
  assert.deepEqual([c.keyAlg, c.sigAlg, c.keyType, c.keyLength, c.exponent], ['rsaEncryption', 'sha1WithRSAEncryption', 'rsa', 1024, '3']);
  assert.deepEqual([c.sanDns, c.ca, c.pathLen], [undefined, undefined, undefined]);
  assert.equal(c.notValidAfter, utc(2026, 12, 31, 8, 51, 17));
});

test('Ed25519 certificate: algorithm names, key size as EVP_PKEY_bits, CA without path length', () => {
  const c = parseCertificate(ED_DER, 0, ED_DER.length)!;
  assert.equal(c.subject, 'CN=ed25519.example');
  assert.equal(c.serial, '235BDB0B96EE42E21018577B3F817314C4337CE4');
  assert.deepEqual([c.keyAlg, c.sigAlg, c.keyType, c.keyLength], ['ED25519', 'ED25519', undefined, 253]);
  assert.deepEqual([c.ca, c.pathLen], [true, undefined]);
});

test('host name matching (x509_check_cert_hostname): SAN names, one-label wildcards; the CN only without SANs', () => {
  const c = parseCertificate(EC_DER, 0, EC_DER.length)!;
  assert.ok(hostnameMatches(c, 'PLC-GW.example.com'));
  assert.ok(hostnameMatches(c, 'hmi3.plant.example.com'));
  assert.ok(!hostnameMatches(c, 'a.b.plant.example.com'));
  assert.ok(!hostnameMatches(c, 'example.com'));
  const ed = parseCertificate(ED_DER, 0, ED_DER.length)!;
  assert.ok(hostnameMatches(ed, 'ed25519.example'));
});

test('truncation at every offset and bit flips: no exception; a cut certificate is null', () => {
  for (const der of [EC_DER, RSA_DER, ED_DER]) for (const p of prefixes(der)) assert.equal(parseCertificate(p, 0, p.length), null);
  fc.assert(
    fc.property(fc.array(fc.nat(EC_DER.length * 8 - 1), { maxLength: 16 }), fc.uint8Array({ maxLength: 64 }), (flips, rand) => {
      const m = EC_DER.slice();
      for (const f of flips) m[f >> 3] ^= 1 << (f & 7);
      parseCertificate(m, 0, m.length);
      parseCertificate(rand, 0, rand.length);
    }),
    { numRuns: 500 },
  );
});
