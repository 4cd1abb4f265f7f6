// Version-string parsing and the per-host deduplication of software records. The expected
// names and versions are those Zeek's own test of its parser lists
// (zeek/zeek testing/btest/scripts/base/frameworks/software/version-parsing.zeek): the same
// strings must give the same fields, so Palisade's software.log rows line up with Zeek's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_TRACKED_SOFTWARE, SOFTWARE_EXPIRE, SOFTWARE_FIELDS, SOFTWARE_RECORD, SoftwareTracker, compareVersions, formatVersion, parseSoftware,
  softwareFound, type SoftwareVersion,
} from './software.ts';
import { FLOW_HEADER_FIELDS, type L2Context, type ProtocolDef, type SessionContext } from './types.ts';
import { runSession } from './testing.ts';

type V = SoftwareVersion;
const ZEEK_VECTORS: [string, string, V][] = [
  ['OpenSSH_4.4', 'OpenSSH', { major: 4, minor: 4 }],
  ['OpenSSH_5.2', 'OpenSSH', { major: 5, minor: 2 }],
  ['Apache/2.0.63 (Unix) mod_auth_kerb/5.3 mod_ssl/2.0.63 OpenSSL/0.9.7a mod_fastcgi/2.4.2', 'Apache', { major: 2, minor: 0, minor2: 63, addl: 'Unix' }],
  ['Apache/1.3.19 (Unix)', 'Apache', { major: 1, minor: 3, minor2: 19, addl: 'Unix' }],
  ['ProFTPD 1.2.5rc1 Server (Debian)', 'ProFTPD', { major: 1, minor: 2, minor2: 5, addl: 'rc1' }],
  ['wu-2.4.2-academ[BETA-18-VR14](1)', 'wu', { major: 2, minor: 4, minor2: 2, addl: 'academ' }],
  ['wu-2.6.2(1)', 'wu', { major: 2, minor: 6, minor2: 2, addl: '1' }],
  ['Java1.2.2-JDeveloper', 'Java', { major: 1, minor: 2, minor2: 2, addl: 'JDeveloper' }],
  ['Java/1.6.0_13', 'Java', { major: 1, minor: 6, minor2: 0, minor3: 13 }],
  ['Python-urllib/3.1', 'Python-urllib', { major: 3, minor: 1 }],
  ['libwww-perl/5.820', 'libwww-perl', { major: 5, minor: 820 }],
  ['Wget/1.9+cvs-stable (Red Hat modified)', 'Wget', { major: 1, minor: 9, addl: '+cvs' }],
  ['Wget/1.11.4 (Red Hat modified)', 'Wget', { major: 1, minor: 11, minor2: 4, addl: 'Red Hat modified' }],
  ['curl/7.15.1 (i486-pc-linux-gnu) libcurl/7.15.1 OpenSSL/0.9.8a zlib/1.2.3 libidn/0.5.18', 'curl', { major: 7, minor: 15, minor2: 1, addl: 'i486-pc-linux-gnu' }],
  ['Apache', 'Apache', {}],
  ['Zope/(Zope 2.7.8-final, python 2.3.5, darwin) ZServer/1.1 Plone/Unknown', 'Zope/(Zope', { major: 2, minor: 7, minor2: 8, addl: 'final' }],
  ['The Bat! (v2.00.9) Personal', 'The Bat!', { major: 2, minor: 0, minor2: 9, addl: 'Personal' }],
  ['Flash/10,2,153,1', 'Flash', { major: 10, minor: 2, minor2: 153, minor3: 1 }],
  ['Flash%20Player/26.0.0.137 CFNetwork/811.5.4 Darwin/16.6.0 (x86_64)', 'Flash', { major: 26, minor: 0, minor2: 0, minor3: 137, addl: 'CFNetwork/811' }],
  ['mt2/1.2.3.967 Oct 13 2010-13:40:24 ord-pixel-x2 pid 0x35a3 13731', 'mt2', { major: 1, minor: 2, minor2: 3, minor3: 967, addl: 'Oct' }],
  ['CacheFlyServe v26b', 'CacheFlyServe', { major: 26, addl: 'b' }],
  ['Apache/2.0.46 (Win32) mod_ssl/2.0.46 OpenSSL/0.9.7b mod_jk2/2.0.4', 'Apache', { major: 2, minor: 0, minor2: 46, addl: 'Win32' }],
  ['Apple iPhone v4.3.1 Weather v1.0.0.8G4', 'Apple iPhone', { major: 4, minor: 3, minor2: 1, addl: 'Weather' }],
  ['Mozilla/5.0 (iPhone; U; CPU iPhone OS 4_3_2 like Mac OS X; en-us) AppleWebKit/533.17.9 (KHTML, like Gecko) Version/5.0.2 Mobile/8H7 Safari/6533.18.5', 'Safari', { major: 5, minor: 0, minor2: 2, addl: 'Mobile' }],
  ['Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_7; en-US) AppleWebKit/534.16 (KHTML, like Gecko) Chrome/10.0.648.205 Safari/534.16', 'Chrome', { major: 10, minor: 0, minor2: 648, minor3: 205 }],
  ['Opera/9.80 (Windows NT 6.1; U; sv) Presto/2.7.62 Version/11.01', 'Opera', { major: 11, minor: 1 }],
  ['Mozilla/5.0 (Windows; U; Windows NT 5.1; de; rv:1.9.2.11) Gecko/20101013 Lightning/1.0b2 Thunderbird/3.1.5', 'Thunderbird', { major: 3, minor: 1, minor2: 5 }],
  ['iTunes/9.0 (Macintosh; Intel Mac OS X 10.5.8) AppleWebKit/531.9', 'iTunes', { major: 9, minor: 0, addl: 'Macintosh' }],
  ['Java1.3.1_04', 'Java', { major: 1, minor: 3, minor2: 1, minor3: 4 }],
  ['Mozilla/5.0 (Linux; U; Android 2.3.3; zh-tw; HTC Pyramid Build/GRI40) AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1', 'Safari', { major: 4, minor: 0, addl: 'Mobile' }],
  ['Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_6; en-us) AppleWebKit/533.20.25 (KHTML, like Gecko) Version/5.0.4 Safari/533.20.27', 'Safari', { major: 5, minor: 0, minor2: 4 }],
  ['Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54', 'Opera Mini', { major: 10, minor: 54 }],
  ['Opera/9.80 (J2ME/MIDP; Opera Mini/5.0.18741/18.794; U; en) Presto/2.4.15', 'Opera Mini', { major: 5, minor: 0, minor2: 18741 }],
  ['Opera/9.80 (Windows NT 5.1; Opera Mobi/49; U; en) Presto/2.4.18 Version/10.00', 'Opera Mobi', { major: 10, minor: 0 }],
  ['Mozilla/4.0 (compatible; MSIE 8.0; Android 2.2.2; Linux; Opera Mobi/ADR-1103311355; en) Opera 11.00', 'Opera', { major: 11, minor: 0 }],
  ['Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.7.2) Gecko/20040804 Netscape/7.2 (ax)', 'Netscape', { major: 7, minor: 2 }],
  ['Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.0; GTB5; SLCC1; .NET CLR 2.0.50727; Media Center PC 5.0; .NET CLR 3.0.04506; InfoPath.2)', 'MSIE', { major: 7, minor: 0 }],
  ['Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 5.1; Media Center PC 3.0; .NET CLR 1.0.3705; .NET CLR 1.1.4322; .NET CLR 2.0.50727; InfoPath.1)', 'MSIE', { major: 7, minor: 0, addl: 'b' }],
  ['Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727)', 'MSIE', { major: 8, minor: 0 }],
  ['Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)', 'MSIE', { major: 9, minor: 0 }],
  ['Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; WOW64; Trident/6.0)', 'MSIE', { major: 10, minor: 0 }],
  ['Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko', 'MSIE', { major: 11, minor: 0 }],
  ['Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.3; Trident/7.0; .NET4.0E; .NET4.0C)', 'MSIE', { major: 11, minor: 0 }],
  ['The Bat! (3.0.1 RC3) Professional', 'The Bat!', { major: 3, minor: 0, minor2: 1, addl: 'RC3' }],
  ['Total Commander', 'Total Commander', {}],
  ['(vsFTPd 2.0.5)', 'vsFTPd', { major: 2, minor: 0, minor2: 5 }],
  ['Apple Mail (2.1084)', 'Apple Mail', { major: 2, minor: 1084 }],
  ['Mozilla/5.0 (Macintosh; U; PPC Mac OS X; en) AppleWebKit/420+ (KHTML, like Gecko) AdobeAIR/1.0', 'AdobeAIR', { major: 1, minor: 0 }],
  ['\\xe6\\xbc\\xab\\xe7\\x94\\xbb\\xe4\\xba\\xba 2.6.2 rv:1.2 (iPhone; iOS 10.3.2; en_US)', '漫画人', { major: 2, minor: 6, minor2: 2, addl: 'rv:1' }],
  ['%E6%9C%89%E9%81%93%E8%AF%8D%E5%85%B8/128 CFNetwork/760.2.6 Darwin/15.3.0 (x86_64)', '有道词典', { major: 128, addl: 'CFNetwork/760' }],
  ['QQ%E9%82%AE%E7%AE%B1/5.3.2.8 CFNetwork/811.5.4 Darwin/16.6.0', 'QQ邮箱', { major: 5, minor: 3, minor2: 2, minor3: 8, addl: 'CFNetwork/811' }],
  ['Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063', 'Edge', { major: 15, minor: 15063 }],
  ['A/8.0.0/Google/Pixel#XL/marlin/unknown/QCX3/l8100358318783302904/-/1456904160/-/google/662107/662098/-', 'Android (Google Pixel)', { major: 8, minor: 0, minor2: 0 }],
  ['A/9/Google/Pixel#2/walleye/unknown/QCX3/l17463753539612639959/-/2406658516/-/google/724998/724992/-', 'Android (Google Pixel)', { major: 9 }],
];

test("version strings give the names and versions Zeek's parser gives", () => {
  for (const [s, name, v] of ZEEK_VECTORS) {
    const d = parseSoftware(s);
    assert.equal(d.name, name, s);
    assert.equal(compareVersions(d.version, v), 0, `${s}: ${JSON.stringify(d.version)}`);
    assert.deepEqual(d.version, v, s);
    assert.equal(d.unparsed_version, s);
  }
});

test('version strings: whatever the bytes, a name and no exception', () => {
  for (const s of ['', ' ', '%', '%4', '%u12', '\\x', '/////', '1.2.3', 'a'.repeat(5000), 'Mozilla/5.0', '(((', 'x 1,2,3,4,5,6', '\u0000\u00ff']) {
    const d = parseSoftware(s);
    assert.equal(typeof d.name, 'string');
  }
  // a version with nothing before it: an empty name, the numbers kept
  assert.deepEqual(parseSoftware('1.2.3').version, { major: 1, minor: 2, minor2: 3 });
});

test('compareVersions orders as Zeek: numbers first, a present part beats a missing one, then addl', () => {
  assert.equal(compareVersions({ major: 2, minor: 4 }, { major: 2, minor: 4 }), 0);
  assert.equal(compareVersions({ major: 2, minor: 4 }, { major: 2, minor: 5 }), -1);
  assert.equal(compareVersions({ major: 3 }, { major: 2, minor: 9 }), 1);
  assert.equal(compareVersions({ major: 2, minor: 0 }, { major: 2 }), 1);
  assert.equal(compareVersions({ major: 2, addl: 'b' }, { major: 2, addl: 'a' }), 1);
  assert.equal(compareVersions({ major: 2 }, { major: 2, addl: 'a' }), -1);
  assert.equal(formatVersion({ major: 2, minor: 4, minor2: 41, addl: 'Ubuntu' }), '2.4.41-Ubuntu');
  assert.equal(formatVersion({}), '0');
});

// A protocol that reports every text message it gets as the software of its responder.
const sw: ProtocolDef = {
  id: 'swtest',
  tcpPorts: [1],
  probe: () => 2,
  shared: (ctx: L2Context) => new SoftwareTracker(ctx, 'software_full'),
  create(ctx: SessionContext) {
    return {
      data(_isOrig, d, off, len) {
        softwareFound(ctx, ctx.shared as SoftwareTracker, { host: ctx.flow.respH, host_p: ctx.flow.respP, software_type: 'TEST::SERVER', unparsed_version: new TextDecoder().decode(d.subarray(off, off + len)) });
      },
      gap() {},
      end() {},
    };
  },
  records: { [SOFTWARE_RECORD]: SOFTWARE_FIELDS, swtest: [...FLOW_HEADER_FIELDS] },
  events: { software_full: 'tracker full' },
};
const enc = (s: string) => new TextEncoder().encode(s);

test('one record per host and program; again when the version changes or a day passed', () => {
  const r = runSession(sw, [
    { isOrig: false, bytes: enc('Apache/2.4.41 (Ubuntu)') },
    { isOrig: false, bytes: enc('Apache/2.4.41 (Ubuntu)') },
    { isOrig: false, bytes: enc('Apache/2.4.41 (Debian)') },
    { isOrig: false, bytes: enc('Apache/2.4.41 (Ubuntu)') },
    { isOrig: false, bytes: enc('nginx/1.18.0') },
    { isOrig: false, bytes: enc('nginx/1.18.0'), ts: 1700000000 + SOFTWARE_EXPIRE + 1 },
    { isOrig: false, bytes: enc('   ') },
  ]);
  const rows = r.records.map(([t, x]) => [t, x.name, x['version.addl']]);
  assert.deepEqual(rows, [
    ['software', 'Apache', 'Ubuntu'],
    ['software', 'Apache', 'Debian'],
    ['software', 'Apache', 'Ubuntu'],
    ['software', 'nginx', undefined],
    ['software', 'nginx', undefined],
  ]);
  const first = r.records[0][1];
  assert.deepEqual(Object.keys(first), SOFTWARE_FIELDS.map((f) => f.name));
  assert.equal(first.host, '192.0.2.2');
  assert.equal(first.host_p, 502);
  assert.equal(first.software_type, 'TEST::SERVER');
  assert.equal(first['version.major'], 2);
  assert.equal(first['version.minor'], 4);
  assert.equal(first['version.minor2'], 41);
  assert.equal(first.unparsed_version, 'Apache/2.4.41 (Ubuntu)');
});

test('the tracker is bounded: when full it starts over and says so', () => {
  const chunks = [];
  for (let i = 0; i <= MAX_TRACKED_SOFTWARE; i++) chunks.push({ isOrig: false, bytes: enc(`P${i}/1.0`) });
  chunks.push({ isOrig: false, bytes: enc('P0/1.0') });
  const r = runSession(sw, chunks);
  assert.equal(r.records.length, MAX_TRACKED_SOFTWARE + 2, 'P0 is written again after the reset');
  assert.deepEqual(r.events.map((e) => e.name), ['software_full']);
});
