// HTTP/1.x dissector: messages written line by line (HTTP is text: each line is a field),
// with the records RFC 9110 / 9112 semantics and Zeek's http.log rules give; truncation and
// segmentation; every event; the probe; fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { http, probeHttp } from './index.ts';
import { MAX_HEADERS, MAX_LINE, MAX_PENDING } from './session.ts';
import { unescapeUri } from './parser.ts';

const enc = (s: string) => new TextEncoder().encode(s);
/** A message from its lines, each ended by CRLF (the list ends with '' for the empty line after the headers). */
const msg = (...lines: string[]) => enc(lines.join('\r\n'));
const C = (s: string | Uint8Array): Chunk => ({ isOrig: true, bytes: typeof s === 'string' ? enc(s) : s });
const S = (s: string | Uint8Array): Chunk => ({ isOrig: false, bytes: typeof s === 'string' ? enc(s) : s });
const FLOW = { flow: { respP: 80 } };
const recs = (r: ReturnType<typeof runSession>, type = 'http') => r.records.filter(([t]) => t === type).map(([, x]) => x);
const events = (r: ReturnType<typeof runSession>) => r.events.map((e) => e.name);

const GET = msg(
  'GET /index.html?q=1 HTTP/1.1', // request line: method, target, version
  'Host: plc.example:8080', // → host (with the port, as sent)
  'User-Agent: curl/7.68.0', // → user_agent, software HTTP::BROWSER
  'Referer: http://hmi.example/', // → referrer
  'Origin: http://hmi.example', // → origin
  'Cookie: session=abc', // → cookie_present
  '', '',
);
const OK = msg(
  'HTTP/1.1 200 OK', // status line: version, code, reason
  'Server: Apache/2.4.41 (Ubuntu)', // → server, software HTTP::SERVER
  'Content-Type: text/html; charset=utf-8', // → resp_mime_types (parameters dropped)
  'Content-Length: 5', // body framing
  '', 'hello',
);

test('a request and its response: one record with the fields Zeek writes, and software records', () => {
  const r = runSession(http, [C(GET), S(OK)], FLOW);
  assert.equal(r.confirmed, true);
  assert.deepEqual(events(r), []);
  const [h] = recs(r);
  assert.deepEqual(
    { ...h, ts: undefined, uid: undefined },
    {
      ts: undefined, uid: undefined, 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 80,
      trans_depth: 1, method: 'GET', host: 'plc.example:8080', uri: '/index.html?q=1', referrer: 'http://hmi.example/', version: '1.1',
      user_agent: 'curl/7.68.0', origin: 'http://hmi.example', request_body_len: 0, response_body_len: 5, status_code: 200, status_msg: 'OK',
      info_code: undefined, info_msg: undefined, tags: [], username: undefined, password_present: undefined, proxied: undefined,
      orig_mime_types: undefined, resp_mime_types: ['text/html'], server: 'Apache/2.4.41 (Ubuntu)', auth_scheme: undefined, cookie_present: true,
      login: undefined,
    },
  );
  assert.equal(h.ts, 1700000000.001, 'the time of the request');
  const sw = recs(r, 'software');
  assert.deepEqual(sw.map((s) => [s.software_type, s.host, s.host_p, s.name, s['version.major'], s['version.minor'], s['version.minor2'], s['version.addl']]), [
    ['HTTP::BROWSER', '192.0.2.1', undefined, 'curl', 7, 68, 0, undefined],
    ['HTTP::SERVER', '192.0.2.2', 80, 'Apache', 2, 4, 41, 'Ubuntu'],
  ]);
  assert.deepEqual(Object.keys(h), http.records.http.map((f) => f.name));
});

test('pipelining: requests pair with responses in order; trans_depth counts them', () => {
  const r = runSession(http, [
    C(concat(msg('GET /a HTTP/1.1', 'Host: x', '', ''), msg('GET /b HTTP/1.1', 'Host: x', '', ''), msg('HEAD /c HTTP/1.1', 'Host: x', '', ''))),
    S(concat(
      msg('HTTP/1.1 200 OK', 'Content-Length: 2', '', 'aa'),
      msg('HTTP/1.1 404 Not Found', 'Content-Length: 3', '', 'bbb'),
      // a response to HEAD has no body, whatever Content-Length says (RFC 9110 §9.3.2)
      msg('HTTP/1.1 200 OK', 'Content-Length: 1000', '', ''),
    )),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.trans_depth, h.uri, h.status_code, h.response_body_len]), [[1, '/a', 200, 2], [2, '/b', 404, 3], [3, '/c', 200, 0]]);
  assert.deepEqual(events(r), []);
});

test('chunked bodies are decoded for their length (RFC 9112 §7.1: "Wiki" "pedia" " in\\r\\n\\r\\nchunks.")', () => {
  const body = concat(
    enc('4\r\nWiki\r\n'), // chunk of 4
    enc('5;ext=1\r\npedia\r\n'), // chunk of 5 with an extension
    enc('E\r\n in\r\n\r\nchunks.\r\n'), // chunk of 14, CRLFs inside
    enc('0\r\nExpires: never\r\n\r\n'), // last chunk and a trailer
  );
  const r = runSession(http, [
    C(msg('POST /upload HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Content-Type: application/octet-stream', '', '')),
    C(body),
    S(concat(msg('HTTP/1.1 201 Created', 'Transfer-Encoding: gzip, chunked', 'Content-Type: text/plain', '', ''), body)),
    C(msg('GET /next HTTP/1.1', '', '')),
    S(msg('HTTP/1.1 204 No Content', '', '')),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.method, h.request_body_len, h.response_body_len, h.orig_mime_types, h.resp_mime_types, h.status_code]), [
    ['POST', 23, 23, ['application/octet-stream'], ['text/plain'], 201],
    ['GET', 0, 0, undefined, undefined, 204],
  ]);
  assert.deepEqual(events(r), []);
});

test('1xx: 100 Continue then the final response, one record (info_code, info_msg)', () => {
  const r = runSession(http, [
    C(msg('PUT /f HTTP/1.1', 'Content-Length: 3', 'Expect: 100-continue', '', '')),
    S(msg('HTTP/1.1 100 Continue', '', '')),
    C('abc'),
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.request_body_len, h.info_code, h.info_msg, h.status_code, h.status_msg]), [[3, 100, 'Continue', 200, 'OK']]);
});

test('a response without length runs to the end of the connection; 304 has no body', () => {
  const r = runSession(http, [
    C(msg('GET /a HTTP/1.1', '', '')),
    S(msg('HTTP/1.1 304 Not Modified', 'ETag: "x"', '', '')),
    C(msg('GET /b HTTP/1.0', '', '')),
    S(msg('HTTP/1.0 200', '', 'all of this')),
    S('and this'),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.uri, h.status_code, h.status_msg, h.version, h.response_body_len]), [
    ['/a', 304, 'Not Modified', '1.1', 0],
    // no reason phrase: Zeek's "<empty>"
    ['/b', 200, '<empty>', '1.0', 19],
  ]);
});

test('Basic authentication (RFC 7617 example): the user name, the password only as present, the 401 outcome', () => {
  const r = runSession(http, [
    C(msg('GET /admin HTTP/1.1', 'Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', '', '')), // Aladdin:open sesame
    S(msg('HTTP/1.1 401 Unauthorized', 'WWW-Authenticate: Basic realm="x"', 'Content-Length: 0', '', '')),
    C(msg('GET /admin HTTP/1.1', 'Authorization: basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', '', '')),
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')),
    C(msg('GET /x HTTP/1.1', 'Authorization: Basic QWxhZGRpbjo=', '', '')), // Aladdin: (no password)
    S(msg('HTTP/1.1 403 Forbidden', 'Content-Length: 0', '', '')),
    C(msg('GET /y HTTP/1.1', 'Proxy-Authorization: Basic bm9jb2xvbg==', '', '')), // "nocolon"
    S(msg('HTTP/1.1 407 Proxy Authentication Required', 'Content-Length: 0', '', '')),
    C(msg('GET /z HTTP/1.1', 'Authorization: Bearer eyJhbGciOi', '', '')),
    S(msg('HTTP/1.1 404 Not Found', 'Content-Length: 0', '', '')),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.username, h.password_present, h.auth_scheme, h.status_code, h.login]), [
    ['Aladdin', true, 'Basic', 401, 'failure'],
    ['Aladdin', true, 'basic', 200, 'success'],
    ['Aladdin', false, 'Basic', 403, 'failure'],
    ['<problem-decoding>', false, 'Basic', 407, 'failure'],
    [undefined, undefined, 'Bearer', 404, undefined],
  ]);
  assert.deepEqual(events(r), ['bad_authorization']);
  assert.ok(!JSON.stringify(r.records).includes('open sesame'));
});

test('proxy headers (Zeek names, upper case) and the Zeek decoding of %-escapes in the target', () => {
  const r = runSession(http, [
    C(msg('GET /a%20b%2Fc%41%zz%%42%u0043%u4e2d%e4%b8%ad%ff% HTTP/1.1', 'X-Forwarded-For: 10.1.1.1', 'Via: 1.1 proxy', 'via: 1.1 proxy', '', '')),
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')),
  ]);
  const [h] = recs(r);
  assert.deepEqual(h.proxied, ['X-FORWARDED-FOR -> 10.1.1.1', 'VIA -> 1.1 proxy']);
  // %20 → space, %2F → "/", %41 → "A", %zz kept, "%%42" → "B" (one % dropped), %u0043 → "C",
  // %u4e2d → bytes 4e 2d ("N-"), %e4%b8%ad → "中" (UTF-8), %ff → \xff (not UTF-8), a last "%" kept.
  assert.equal(h.uri, '/a b/cA%zzBCN-中\\xff%');
  assert.equal(unescapeUri(enc('/plain'), 0, 6), '/plain');
});

test('CONNECT and 101 Switching Protocols: what follows is another protocol and is not read', () => {
  const r = runSession(http, [
    C(msg('CONNECT plc.example:443 HTTP/1.1', 'Host: plc.example:443', '', '')),
    S(msg('HTTP/1.1 200 Connection established', '', '')),
    C(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])),
    S(new Uint8Array([0x16, 0x03, 0x03, 0x00, 0x01, 9])),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.method, h.uri, h.status_code]), [['CONNECT', 'plc.example:443', 200]]);
  assert.deepEqual(events(r), []);
  const w = runSession(http, [
    C(msg('GET /ws HTTP/1.1', 'Upgrade: websocket', 'Connection: Upgrade', '', '')),
    S(msg('HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', '', '')),
    S(new Uint8Array([0x81, 0x02, 0x68, 0x69])),
    C(new Uint8Array([0x81, 0x82, 1, 2, 3, 4, 0x69, 0x6b])),
  ]);
  assert.deepEqual(recs(w).map((h) => [h.status_code, h.info_code, h.response_body_len]), [[101, 101, 0]]);
  assert.deepEqual(events(w), []);
});

test('HTTP/0.9: a request without a version, the response without a status line', () => {
  const r = runSession(http, [C('GET /old\r\n'), S('<html>old</html>')]);
  assert.deepEqual(recs(r).map((h) => [h.method, h.uri, h.version, h.status_code, h.response_body_len]), [['GET', '/old', undefined, undefined, 16]]);
});

test('X-Powered-By is HTTP::APPSERVER software; the same software again is not written again', () => {
  const resp = msg('HTTP/1.1 200 OK', 'Server: nginx/1.18.0', 'X-Powered-By: PHP/7.4.3', 'Content-Length: 0', '', '');
  const req = msg('GET / HTTP/1.1', 'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', '', '');
  const r = runSession(http, [C(req), S(resp), C(req), S(resp)]);
  assert.deepEqual(recs(r, 'software').map((s) => [s.software_type, s.name, s['version.major']]), [
    ['HTTP::BROWSER', 'Chrome', 120],
    ['HTTP::SERVER', 'nginx', 1],
    ['HTTP::APPSERVER', 'PHP', 7],
  ]);
});

test('events: bad lines, bad lengths, bad chunks, unknown methods; the flow goes on', () => {
  const r = runSession(http, [
    C(msg('BREW /pot HTTP/1.1', 'Content-Length: abc', 'not a header', '', '')), // unknown method, bad Content-Length, bad header
    S(msg('HTTP/1.1 418 I\'m a teapot', 'Transfer-Encoding: chunked', '', 'zz', '')), // bad chunk size: out of sync
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')), // a status line again: resync
    C(msg('GET /x HTTP/1.1', '', '')),
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')),
  ]);
  // the 200 found at the resync answers no request
  assert.deepEqual(events(r), ['unknown_method', 'bad_content_length', 'bad_header', 'bad_chunk', 'resync', 'response_without_request']);
  assert.deepEqual(recs(r).map((h) => [h.method, h.status_code]), [['BREW', 418], [undefined, 200], ['GET', 200]]);
  const noReq = runSession(http, [S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')), C('\x00\x01garbage\r\n'), C(msg('GET / HTTP/1.1', '', ''))]);
  assert.deepEqual(events(noReq), ['response_without_request', 'bad_request_line', 'resync']);
  assert.deepEqual(recs(noReq).map((h) => [h.trans_depth, h.method, h.status_code]), [[1, undefined, 200], [2, 'GET', undefined]]);
});

test('caps: too many headers, an over-long request line (version still found), too many waiting requests', () => {
  const many = ['GET / HTTP/1.1'];
  for (let i = 0; i < MAX_HEADERS + 10; i++) many.push(`X-H${i}: v`);
  many.push('Content-Length: 2', 'User-Agent: late/1.0', '', 'ab');
  const r = runSession(http, [C(msg(...many)), C(msg('GET /after HTTP/1.1', '', ''))]);
  assert.deepEqual(events(r), ['too_many_headers']);
  assert.deepEqual(recs(r).map((h) => [h.uri, h.request_body_len, h.user_agent]), [['/', 2, undefined], ['/after', 0, undefined]]);

  const long = '/' + 'a'.repeat(MAX_LINE + 100);
  const l = runSession(http, [C(msg(`GET ${long} HTTP/1.1`, 'Host: h', '', '')), S(msg('HTTP/1.1 414 URI Too Long', 'Content-Length: 0', '', ''))]);
  assert.deepEqual(events(l), ['line_too_long']);
  const [h] = recs(l);
  assert.equal(h.status_code, 414);
  assert.equal(h.host, 'h');
  assert.ok((h.uri as string).length < MAX_LINE && (h.uri as string).startsWith('/aaaa'));

  const reqs: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) reqs.push(C(msg(`GET /${i} HTTP/1.1`, '', '')));
  const p = runSession(http, reqs);
  assert.deepEqual(events(p), ['excessive_pipelining']);
  assert.equal(recs(p).length, MAX_PENDING + 1);
});

test('gaps: inside a body of known length the message goes on; elsewhere the side resyncs at the next start line', () => {
  const r = runSession(http, [
    C(msg('GET /a HTTP/1.1', '', '')),
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 1000', '', '0123456789')),
    { isOrig: false, bytes: new Uint8Array(0), gap: 900 },
    S(enc('x'.repeat(90))),
    C(msg('GET /b HTTP/1.1', 'Host: h')),
    { isOrig: true, bytes: new Uint8Array(0), gap: 50 },
    C(concat(enc('rest of a header\r\n\r\n'), msg('GET /c HTTP/1.1', '', ''))),
    S(msg('HTTP/1.1 200 OK', 'Content-Length: 0', '', '')),
  ]);
  assert.deepEqual(recs(r).map((h) => [h.uri, h.response_body_len, h.status_code]), [['/a', 1000, 200], ['/b', 0, 200], ['/c', 0, undefined]]);
  assert.deepEqual(events(r), ['resync']);
});

const CONVO: Chunk[] = [
  C(GET),
  S(OK),
  C(msg('POST /api HTTP/1.1', 'Transfer-Encoding: chunked', 'Authorization: Basic dXNlcjpwYXNz', '', '3', 'abc', '0', '', '')),
  S(msg('HTTP/1.1 100 Continue', '', '')),
  S(msg('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', '', '5', 'hello', '0', '', '')),
];

test('segmentation: the same records whatever the TCP cut', () => {
  const whole = withoutTs(runSession(http, CONVO));
  assert.equal(whole.filter(([t]) => t === 'http').length, 2);
  for (const chunks of everySplit(CONVO)) assert.deepEqual(withoutTs(runSession(http, chunks)), whole);
  assert.deepEqual(withoutTs(runSession(http, bytewise(CONVO))), whole);
});

test('truncation: every prefix of the conversation, no exception and no body longer than the bytes sent', () => {
  const all = concat(...CONVO.filter((c) => !c.isOrig).map((c) => c.bytes));
  for (const p of prefixes(all)) {
    const r = runSession(http, [CONVO[0], CONVO[2], S(p)]);
    for (const h of recs(r)) assert.ok((h.response_body_len as number) <= p.length);
  }
  for (const p of prefixes(CONVO[2].bytes)) runSession(http, [C(p)]);
});

const H = (isOrig: boolean, portMatch = false): ProbeHint => ({ transport: 'tcp', portMatch, isOrig, srcPort: 40000, dstPort: 8080 });

test('probe: request and status lines yes, prefixes maybe, anything else no', () => {
  const p = (s: string | Uint8Array, isOrig = true) => { const b = typeof s === 'string' ? enc(s) : s; return probeHttp(b, 0, b.length, H(isOrig)); };
  assert.equal(p('GET / HTTP/1.1\r\nHost: x\r\n'), PROBE.YES);
  assert.equal(p('OPTIONS * HTTP/1.0\n'), PROBE.YES);
  assert.equal(p('HTTP/1.1 200 OK\r\n', false), PROBE.YES);
  assert.equal(p('HTTP/1.0 404\r\n', false), PROBE.YES);
  assert.equal(p('G'), PROBE.MAYBE);
  assert.equal(p('GE'), PROBE.MAYBE);
  assert.equal(p('GET /very/long'), PROBE.MAYBE);
  assert.equal(p('HTTP/1.', false), PROBE.MAYBE);
  assert.equal(p('H'), PROBE.MAYBE);
  assert.equal(p('HEAD / HTTP/1.1\r\n'), PROBE.YES);
  assert.equal(p('GET /\r\n'), PROBE.NO, 'HTTP/0.9 is too weak a sign');
  assert.equal(p('RTSP/1.0 200 OK\r\n', false), PROBE.NO);
  assert.equal(p('OPTIONS rtsp://cam/ RTSP/1.0\r\n'), PROBE.NO);
  assert.equal(p('GETX / HTTP/1.1\r\n'), PROBE.NO);
  assert.equal(p('get / HTTP/1.1\r\n'), PROBE.NO);
  assert.equal(p('GET / HTTP/1.1 extra\r\n'), PROBE.NO);
  assert.equal(p('GET /\x01 HTTP/1.1\r\n'), PROBE.NO);
  assert.equal(p('HTTP/1.1 20x OK\r\n', false), PROBE.NO);
  assert.equal(p(new Uint8Array([0x00, 0x01, 0x00, 0x00, 0x00, 0x06])), PROBE.NO);
  assert.equal(p(enc('GET /' + 'a'.repeat(5000))), PROBE.NO, 'no line end within 4 KiB');
  assert.equal(probeHttp(enc('GET / HTTP/1.1\r\n'), 0, 16, { ...H(true), transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 12 }), (chunks) => {
      runSession(http, [C(GET), ...chunks]);
      for (const c of chunks) probeHttp(c.bytes, 0, c.bytes.length, H(c.isOrig));
    }),
    { numRuns: 300 },
  );
  const stream = concat(...CONVO.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.nat(7)), { minLength: 1, maxLength: 8 }), fc.nat(stream.length), (flips, cut) => {
      const b = stream.slice();
      for (const [i, bit] of flips) b[i] ^= 1 << bit;
      runSession(http, [C(b.subarray(0, cut)), S(b.subarray(cut)), C(b), S(b)]);
    }),
    { numRuns: 300 },
  );
  // text made of HTTP's own tokens
  const token = fc.constantFrom('GET ', 'HTTP/1.1 ', '200 ', '\r\n', 'Content-Length: ', '5', 'Transfer-Encoding: chunked', '0', 'ffffffffffff', ':', ' ', 'x');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.array(token, { maxLength: 30 })), { maxLength: 10 }), (parts) => {
      runSession(http, parts.map(([o, t]) => ({ isOrig: o, bytes: enc(t.join('')) })));
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/http.md documents every field of every record type and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/http.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name.replaceAll('.', '\\.')}([ ,\`|])`).test(l));
  for (const [type, fields] of Object.entries(http.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of type === 'http' ? fields.slice(6) : fields) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  assert.ok(doc.includes('`ts, uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p`'));
  for (const e of Object.keys(http.events)) assert.ok(doc.includes(`http.${e}`), `event http.${e} documented`);
});
