// OPC UA against tshark on every corpus capture MANIFEST.md lists with opcua: per
// connection, the messages (message type, request id, and the service's encoding node id —
// tshark's opcua.transport.type, opcua.security.rqid, opcua.servicenodeid.numeric) must agree
// for at least 99% of them. Our rows pair a request with its response, so each row stands for
// up to two messages; the comparison is of the multisets of messages per connection.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);

const CAPTURES = [...new Set(manifest().filter((r) => /\bopcua\b/.test(r.protocols)).map((r) => r.path))].sort();

type Bags = Map<string, Map<string, number>>;

function add(m: Bags, conn: string, k: string): void {
  let b = m.get(conn);
  if (b === undefined) m.set(conn, (b = new Map()));
  b.set(k, (b.get(k) ?? 0) + 1);
}

const conn = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

async function ours(file: string): Promise<Bags> {
  const r = await runEngine([file]);
  const m: Bags = new Map();
  for (const o of (r.records.get('opcua') ?? []) as Record<string, unknown>[]) {
    const c = conn(`${o['id.orig_h']}:${o['id.orig_p']}`, `${o['id.resp_h']}:${o['id.resp_p']}`);
    const t = o.msg_type as string;
    if (o.encrypted === true) add(m, c, `${t}|encrypted`);
    else if (t === 'OPN' || t === 'MSG' || t === 'CLO') {
      if (o.req_seq_number !== undefined) add(m, c, `${t}|${o.request_id}|${o.req_identifier ?? '-'}`);
      if (o.res_seq_number !== undefined) add(m, c, `${t}|${o.request_id}|${o.res_identifier ?? '-'}`);
    } else add(m, c, t);
  }
  return m;
}

/**
 * tshark (4.0) reads the sequence header of an encrypted chunk as if it were plaintext: in
 * open62541_client-server_encrypted.pcap (connection ::1:61713, SecurityPolicy#Basic256Sha256
 * in its OPN, as tshark's opcua.security.spu shows) it prints request ids such as 1269010977
 * and 2874565369 — ciphertext — and no service. Such a message (a connection whose OPN policy
 * is not None, no service decoded) counts as what it is: encrypted, with no request id.
 */
const NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';

async function theirs(file: string): Promise<Bags> {
  const { stdout } = await run(
    TSHARK,
    ['-n', '-r', file, '-Y', 'opcua', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;',
      '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
      '-e', 'opcua.transport.type', '-e', 'opcua.security.rqid', '-e', 'opcua.servicenodeid.numeric', '-e', 'opcua.security.spu'],
    { maxBuffer: 64 << 20 },
  );
  const m: Bags = new Map();
  const secured = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [s4, s6, sp, d4, d6, dp, types, rqids, services, policies] = line.split('\t');
    const c = conn(`${s4 || s6}:${sp}`, `${d4 || d6}:${dp}`);
    if (policies !== '' && policies.split(';').some((p) => p !== NONE)) secured.add(c);
    const rq = rqids === '' ? [] : rqids.split(';');
    const sv = services === '' ? [] : services.split(';');
    let i = 0;
    for (const t of types.split(';')) {
      if (t === 'OPN' || t === 'MSG' || t === 'CLO') {
        const service = sv[i];
        add(m, c, service === undefined && secured.has(c) ? `${t}|encrypted` : `${t}|${rq[i] ?? '-'}|${service ?? '-'}`);
        i++;
      } else add(m, c, t);
    }
  }
  return m;
}

test('OPC UA: ≥ 99% of messages agree with tshark on message type, request id and service', { skip: !HAVE_CORPUS || !HAVE_TSHARK ? 'no corpus or tshark' : false }, async () => {
  assert.ok(CAPTURES.length >= 25, `OPC UA captures in MANIFEST.md: ${CAPTURES.length}`);
  let total = 0;
  let agree = 0;
  const lines: string[] = [];
  for (const rel of CAPTURES) {
    const file = join(CORPUS, rel);
    const [a, b] = await Promise.all([ours(file), theirs(file)]);
    let t = 0;
    let g = 0;
    for (const c of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(c) ?? new Map<string, number>();
      const y = b.get(c) ?? new Map<string, number>();
      for (const k of new Set([...x.keys(), ...y.keys()])) {
        const nx = x.get(k) ?? 0;
        const ny = y.get(k) ?? 0;
        t += Math.max(nx, ny);
        g += Math.min(nx, ny);
        if (nx !== ny && process.env.OPCUA_DEBUG !== undefined) console.log(`${rel} ${c} ${k}: ours ${nx}, tshark ${ny}`);
      }
    }
    total += t;
    agree += g;
    lines.push(`${rel}: ${g}/${t}`);
  }
  const pct = (100 * agree) / total;
  console.log(`OPC UA vs tshark: ${agree}/${total} messages agree (${pct.toFixed(2)}%)\n  ${lines.join('\n  ')}`);
  assert.ok(total > 2000, `messages compared: ${total}`);
  assert.ok(pct >= 99, `agreement ${pct.toFixed(2)}%`);
});

test('OPC UA on another port is found by content (tshark needs "Decode As" there); a crafted request raises bad_body', { skip: !HAVE_CORPUS ? 'no corpus' : false }, async () => {
  // ITI's opc-ua-ap-method-wireshark-freeze.pcap: two connections to port 12001; the server answers the
  // last request of each with ERR (BadInternalError, BadDecodingError).
  const r = await runEngine([join(CORPUS, 'iti-ics-security-tools/pcaps/OPC/opc-ua-ap-method-wireshark-freeze.pcap')]);
  const c = r.counters.dissectors.opcua;
  assert.deepEqual([c.flows, c.confirmed, c.internal_errors], [2, 2, 0]);
  assert.ok((c.events.bad_body ?? 0) > 0);
  const rows = (r.records.get('opcua') ?? []) as Record<string, unknown>[];
  assert.deepEqual(rows.filter((x) => x.msg_type === 'ERR').map((x) => x.error_name).sort(), ['BadDecodingError', 'BadInternalError']);
  assert.ok(rows.every((x) => x['id.resp_p'] === 12001));
});
