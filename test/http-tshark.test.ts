// HTTP against tshark on every corpus capture MANIFEST.md lists with http. Per TCP
// connection, in order, the requests must agree on method, Host and target
// (http.request.method, http.host, http.request.uri) and the responses on their status code
// (http.response.code, 1xx interim responses included), for at least 99% of the PDUs, and
// every disagreement must be one explained below.
//
// The target is compared after decoding tshark's %-escapes, because Palisade's `uri` is the
// decoded target (Zeek's http.log `uri`); the decoding here is the plain one (%XX → byte), so
// the test also checks that Palisade's decoding (Zeek's unescape_URI) agrees with it on the
// corpus.
//
// Known difference (counted against agreement, explained, checked in the test): a request
// line whose target contains spaces, which RFC 9112 §3.2 does not allow:
// ndpi/.../WebattackRCE.pcap sends "GET /cgi-bin/handler/netsonar;cat /etc/passwd|?data=Download
// HTTP/1.1". tshark ends the target at the first space ("/cgi-bin/handler/netsonar;cat");
// Zeek's request-line parser, and Palisade's, read it to the whitespace before "HTTP/", so
// the record holds the whole command the attacker sent. Any other disagreement fails the test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { bytesText } from '../src/dissect/text.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);

export const HTTP_CAPTURES = manifest().filter((r) => /\bhttp\b/.test(r.protocols)).map((r) => r.path).sort();

interface Conn {
  req: { method: string; host: string; uri: string }[];
  resp: string[];
}

function conn(m: Map<string, Conn>, k: string): Conn {
  let c = m.get(k);
  if (c === undefined) m.set(k, (c = { req: [], resp: [] }));
  return c;
}

/** Plain %XX decoding of tshark's target, rendered as record text. */
function decoded(uri: string): string {
  const b = Buffer.from(uri, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x25 && i + 2 < b.length + 0 && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(b[i + 1] ?? 0, b[i + 2] ?? 0))) {
      out.push(parseInt(String.fromCharCode(b[i + 1], b[i + 2]), 16));
      i += 2;
    } else out.push(b[i]);
  }
  const u = Uint8Array.from(out);
  return bytesText(u, 0, u.length);
}

async function ours(file: string): Promise<Map<string, Conn>> {
  const r = await runEngine([file]);
  const m = new Map<string, Conn>();
  const recs = ((r.records.get('http') ?? []) as Record<string, unknown>[]).slice().sort((a, b) => (a.uid as string).localeCompare(b.uid as string) || (a.trans_depth as number) - (b.trans_depth as number));
  for (const o of recs) {
    const c = conn(m, `${o['id.orig_h']}:${o['id.orig_p']}>${o['id.resp_h']}:${o['id.resp_p']}`);
    if (o.method !== undefined) c.req.push({ method: o.method as string, host: (o.host as string | undefined) ?? '', uri: o.uri as string });
    if (o.info_code !== undefined && o.info_code !== o.status_code) c.resp.push(String(o.info_code));
    if (o.status_code !== undefined) c.resp.push(String(o.status_code));
  }
  return m;
}

async function theirs(file: string): Promise<Map<string, Conn>> {
  const { stdout } = await run(
    TSHARK,
    ['-n', '-r', file, '-Y', 'http', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=\u0001',
      '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
      '-e', 'http.request.method', '-e', 'http.host', '-e', 'http.request.uri', '-e', 'http.response.code'],
    { maxBuffer: 256 << 20 },
  ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const m = new Map<string, Conn>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [s4, s6, sp, d4, d6, dp, method, host, uri, code] = line.split('\t');
    const src = s4 || s6;
    const dst = d4 || d6;
    const methods = method ? method.split('\u0001') : [];
    const hosts = host ? host.split('\u0001') : [];
    const uris = uri ? uri.split('\u0001') : [];
    for (let i = 0; i < methods.length; i++) {
      conn(m, `${src}:${sp}>${dst}:${dp}`).req.push({ method: methods[i], host: hosts.length === methods.length ? hosts[i] : (hosts[i] ?? ''), uri: decoded(uris[i] ?? '') });
    }
    for (const c of code ? code.split('\u0001') : []) conn(m, `${dst}:${dp}>${src}:${sp}`).resp.push(c);
  }
  return m;
}

interface Tally {
  pdus: number;
  agree: number;
  diffs: string[];
}

/** A target with spaces: tshark's is ours cut at its first space. */
function spacedTarget(f: string, a: string | undefined, b: string | undefined): boolean {
  return f === 'uri' && a !== undefined && b !== undefined && a.startsWith(`${b} `) && !b.includes(' ');
}

test('http agrees with tshark on method, host, target and status code', { skip: !HAVE_CORPUS || !HAVE_TSHARK }, async () => {
  assert.ok(HTTP_CAPTURES.length >= 15, `MANIFEST lists ${HTTP_CAPTURES.length} captures with http`);
  const t: Record<'method' | 'host' | 'uri' | 'code', Tally> = {
    method: { pdus: 0, agree: 0, diffs: [] },
    host: { pdus: 0, agree: 0, diffs: [] },
    uri: { pdus: 0, agree: 0, diffs: [] },
    code: { pdus: 0, agree: 0, diffs: [] },
  };
  let unexplained = 0;
  const note = (f: keyof typeof t, rel: string, k: string, i: number, a: string | undefined, b: string | undefined) => {
    t[f].pdus++;
    if (a === b) {
      t[f].agree++;
      return;
    }
    const id = `${rel} ${k} #${i} ${f}`;
    if (!spacedTarget(f, a, b)) unexplained++;
    if (t[f].diffs.length < 20) t[f].diffs.push(`${id}: ours ${JSON.stringify(a)} tshark ${JSON.stringify(b)}`);
  };
  for (const rel of HTTP_CAPTURES) {
    const file = join(CORPUS, rel);
    const [o, s] = await Promise.all([ours(file), theirs(file)]);
    for (const k of new Set([...o.keys(), ...s.keys()])) {
      const a = o.get(k) ?? { req: [], resp: [] };
      const b = s.get(k) ?? { req: [], resp: [] };
      for (let i = 0; i < Math.max(a.req.length, b.req.length); i++) {
        note('method', rel, k, i, a.req[i]?.method, b.req[i]?.method);
        note('host', rel, k, i, a.req[i]?.host, b.req[i]?.host);
        note('uri', rel, k, i, a.req[i]?.uri, b.req[i]?.uri);
      }
      for (let i = 0; i < Math.max(a.resp.length, b.resp.length); i++) note('code', rel, k, i, a.resp[i], b.resp[i]);
    }
  }
  const report = Object.entries(t).map(([f, x]) => `${f}: ${x.agree}/${x.pdus} (${((100 * x.agree) / Math.max(1, x.pdus)).toFixed(3)}%)`).join(', ');
  process.stderr.write(`http vs tshark: ${report}\n`);
  for (const [f, x] of Object.entries(t)) {
    assert.ok(x.pdus > 0, `${f}: nothing compared`);
    assert.ok(x.agree / x.pdus >= 0.99, `${f}: ${x.agree}/${x.pdus}\n${x.diffs.join('\n')}`);
  }
  assert.equal(unexplained, 0, Object.values(t).flatMap((x) => x.diffs).join('\n'));
});

test('Basic authentication: the user tshark decodes, the password only as present, and the 401 outcome', { skip: !HAVE_CORPUS || !HAVE_TSHARK }, async () => {
  // nDPI's result for http_auth.pcap: "[URL: browserspy.dk/password-ok.php][StatusCode: 401]";
  // tshark decodes the credentials (http.authbasic "user:password").
  for (const [rel, code] of [['ndpi/tests/cfgs/default/pcap/http_auth.pcap', 401], ['arkime/tests/pcap/http-basicauth.pcap', 304], ['zeek/testing/btest/Traces/http/basic-auth-with-colon.pcap', 200]] as const) {
    const file = join(CORPUS, rel);
    const { stdout } = await run(TSHARK, ['-n', '-r', file, '-Y', 'http.authbasic', '-T', 'fields', '-e', 'http.authbasic']);
    const basic = stdout.split('\n').filter((l) => l !== '');
    assert.equal(basic.length, 1, rel);
    const user = basic[0].slice(0, basic[0].indexOf(':'));
    const recs = ((await runEngine([file])).records.get('http') ?? []) as Record<string, unknown>[];
    assert.equal(recs.length, 1, rel);
    const r = recs[0];
    assert.equal(r.username, user, rel);
    assert.equal(r.password_present, basic[0].length > user.length + 1, rel);
    assert.equal(r.auth_scheme, 'Basic');
    assert.equal(r.status_code, code);
    assert.equal(r.login, code === 401 ? 'failure' : 'success', rel);
    // The password is in no field of the record.
    const password = basic[0].slice(user.length + 1);
    assert.ok(!JSON.stringify(r).includes(password), `${rel}: password leaked`);
  }
});

test('suricata-verify: an unrecognized Authorization scheme raises an event, Bearer does not', { skip: !HAVE_CORPUS }, async () => {
  // http-auth-unrecognized/test.yaml: one alert on app-layer-event http.request_auth_unrecognized;
  // http-auth-bearer/test.yaml: none.
  const events = async (rel: string) => ((await runEngine([join(CORPUS, rel)])).counters.dissectors.http?.events ?? {}) as Record<string, number>;
  assert.equal((await events('suricata-verify/tests/http-auth-unrecognized/input.pcap')).unrecognized_auth_scheme, 1);
  assert.equal((await events('suricata-verify/tests/http-auth-bearer/input.pcap')).unrecognized_auth_scheme, undefined);
});
