// Kerberos against tshark. The shared corpus holds no Kerberos traffic (no capture shows
// kerberos in tshark's protocol hierarchy, nor TCP/UDP port 88), so the comparison runs on
// the fixture made with MIT Kerberos (src/protocols/kerberos/fixtures/mit-kdc.pcap, see its
// SOURCES.md), over UDP and TCP. Per connection, in order, for every message: the message
// type (kerberos.msg_type), the error code of errors (kerberos.error_code) and the client
// name (kerberos.CNameString; TGS-REQ carries none in the clear). Palisade's kerberos records
// are per exchange: the request's type, and the reply's type, error code and client.
// Known difference by design: exchanges answered with KDC_ERR_PREAUTH_REQUIRED (25) are not
// recorded (Zeek's default ignored_errors); tshark's messages of those exchanges are
// counted and must equal twice the number of such errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('../src/protocols/kerberos/fixtures/mit-kdc.pcap', import.meta.url));
const TYPES: Record<string, number> = { 'AS-REQ': 10, 'AS-REP': 11, 'TGS-REQ': 12, 'TGS-REP': 13, 'KRB-ERROR': 30 };

test('kerberos agrees with tshark on message types, error codes and client names', { skip: !HAVE_TSHARK }, async () => {
  const r = await runEngine([FIXTURE]);
  const ours = new Map<string, string[]>();
  for (const o of (r.records.get('kerberos') ?? []) as Record<string, unknown>[]) {
    const k = `${o['id.orig_p']}`;
    const l = ours.get(k) ?? [];
    const client = typeof o.client === 'string' ? o.client.slice(0, o.client.lastIndexOf('/')) : '';
    l.push(`${TYPES[o.request_msg as string]}`);
    if (o.reply_msg !== undefined) l.push(`${TYPES[o.reply_msg as string]}/${o.error_code ?? ''}/${client}`);
    ours.set(k, l);
  }
  const { stdout } = await run(TSHARK, ['-n', '-r', FIXTURE, '-Y', 'kerberos', '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'udp.srcport', '-e', 'tcp.srcport', '-e', 'udp.dstport', '-e', 'tcp.dstport', '-e', 'kerberos.msg_type', '-e', 'kerberos.error_code',
    '-e', 'kerberos.CNameString']);
  const theirs = new Map<string, string[]>();
  let preauthRequired = 0;
  let skippedMessages = 0;
  const lines = stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  for (let i = 0; i < lines.length; i++) {
    const [usp, tsp, udp, tdp, type, err, cname] = lines[i];
    const reply = type !== '10' && type !== '12';
    const port = reply ? (udp || tdp) : (usp || tsp);
    if (type === '30' && err === '25') {
      preauthRequired++;
      skippedMessages++;
      // and the request it answers (the last one from that port)
      const l = theirs.get(port)!;
      l.pop();
      skippedMessages++;
      continue;
    }
    const l = theirs.get(port) ?? [];
    l.push(reply ? `${type}/${err}/${cname}` : type);
    theirs.set(port, l);
  }
  for (const [k, v] of [...theirs]) if (v.length === 0) theirs.delete(k);
  let pdus = 0;
  let agree = 0;
  const diffs: string[] = [];
  for (const k of new Set([...ours.keys(), ...theirs.keys()])) {
    const a = ours.get(k) ?? [];
    const b = theirs.get(k) ?? [];
    pdus += Math.max(a.length, b.length);
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] === b[i]) agree++;
    if (a.join() !== b.join()) diffs.push(`port ${k}: ours [${a.join(' ')}] tshark [${b.join(' ')}]`);
  }
  process.stderr.write(`kerberos vs tshark: ${agree}/${pdus} messages agree; ${skippedMessages} messages of ${preauthRequired} PREAUTH_REQUIRED exchanges not recorded by design\n`);
  assert.equal(pdus, 24, 'messages compared (36 in the capture, 12 of them in PREAUTH_REQUIRED exchanges)');
  assert.equal(agree, pdus, diffs.join('\n'));
  assert.equal(preauthRequired, 6);
  // The engine wrote no record for those: records = exchanges tshark shows minus the PREAUTH_REQUIRED ones.
  assert.equal((r.records.get('kerberos') ?? []).length, 12);
});
