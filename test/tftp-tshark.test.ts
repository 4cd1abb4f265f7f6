// TFTP against tshark and Suricata on the corpus captures that hold TFTP (MANIFEST.md):
//  1. per packet: our parser and tshark agree on the key fields (tftp.opcode, and the file
//     name of requests: tftp.source_file for RRQ, tftp.destination_file for WRQ), and every
//     packet tshark calls TFTP travels on a flow Palisade counts as TFTP (the request flow on
//     port 69, and the data flow from the server's new port, which both tools join to the
//     request);
//  2. per transfer: the tftp record's file name, direction, size (each DATA block once),
//     highest block sent and acknowledged equal those computed from tshark's packets;
//  3. suricata-verify output-eve-tftp-01: one tftp event, a read request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import type { RawFrame } from '../src/capture/frame.ts';
import { Decoder } from '../src/decode/decoder.ts';
import { IPPROTO, OUTCOME, Packet } from '../src/decode/packet.ts';
import { TftpPacket, parseTftp } from '../src/protocols/tftp/parser.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const FIELDS = ['frame.number', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'udp.length', 'tftp.opcode', 'tftp.block', 'tftp.source_file', 'tftp.destination_file'];

function captures(): string[] {
  return manifest().filter((r) => /(^|[\s,])tftp([\s,]|$)/.test(r.protocols)).map((r) => r.path);
}

async function tsharkRows(file: string): Promise<Record<string, string>[]> {
  const args = ['-n', '-r', file, '-Y', 'tftp && !icmp', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f'];
  for (const f of FIELDS) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const c = l.split('\t');
    const row: Record<string, string> = {};
    FIELDS.forEach((f, i) => (row[f] = c[i] ?? ''));
    return row;
  });
}

/** Our parser on every UDP payload: opcode and request file name, by frame number. */
async function ourPackets(file: string): Promise<Map<number, { opcode: number; fname: string }>> {
  const dec = new Decoder();
  const p = new Packet();
  const t = new TftpPacket();
  const out = new Map<number, { opcode: number; fname: string }>();
  let n = 0;
  await readCapture(file, {
    frame(raw: RawFrame) {
      n++;
      if (dec.decode(raw, p) !== OUTCOME.FLOW || p.ipProto !== IPPROTO.UDP || p.payloadCaplen < 2) return;
      parseTftp(p.data, p.payloadOff, p.payloadCaplen, t);
      out.set(n, { opcode: t.opcode, fname: t.nameOff >= 0 ? Buffer.from(p.data.subarray(t.nameOff, t.nameOff + t.nameLen)).toString('latin1') : '' });
    },
  });
  return out;
}

const pair = (ah: unknown, ap: unknown, bh: unknown, bp: unknown) => [`${ah}:${ap}`, `${bh}:${bp}`].sort().join(' ');

test('TFTP: every packet agrees with tshark on opcode and request file name, and travels on a flow counted as TFTP', { skip }, async () => {
  let compared = 0;
  let agree = 0;
  const problems: string[] = [];
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    const ours = await ourPackets(file);
    const res = await runEngine([file]);
    assert.equal(res.counters.dissectors.tftp?.internal_errors ?? 0, 0);
    const tftpFlows = new Set(((res.records.get('conn') ?? []) as Record<string, unknown>[]).filter((c) => String(c.service ?? '').split(',').includes('tftp')).map((c) => pair(c['id.orig_h'], c['id.orig_p'], c['id.resp_h'], c['id.resp_p'])));
    for (const row of rows) {
      compared++;
      const o = ours.get(Number(row['frame.number']));
      const fname = row['tftp.opcode'] === '1' ? row['tftp.source_file'] : row['tftp.opcode'] === '2' ? row['tftp.destination_file'] : '';
      const onFlow = tftpFlows.has(pair(row['ip.src'], row['udp.srcport'], row['ip.dst'], row['udp.dstport']));
      if (o !== undefined && String(o.opcode) === row['tftp.opcode'] && o.fname === fname && onFlow) agree++;
      else if (problems.length < 20) problems.push(`${rel} frame ${row['frame.number']}: ours ${JSON.stringify(o)} on a TFTP flow: ${onFlow}; tshark opcode ${row['tftp.opcode']} ${fname}`);
    }
  }
  console.log(`TFTP key fields (tftp.opcode, tftp.source_file/destination_file): ${agree}/${compared} packets agree (${((100 * agree) / compared).toFixed(2)}%)`);
  assert.ok(compared >= 200, `packets compared: ${compared}`);
  assert.equal(agree, compared, problems.join('\n'));
});

test('TFTP: each transfer record matches the transfer tshark\'s packets describe', { skip }, async () => {
  let transfers = 0;
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    // tshark's view: requests, then the DATA/ACK packets to and from the client's port.
    const expected: { fname: string; wrq: boolean; size: number; sent: number; acked: number }[] = [];
    for (const row of rows) {
      if (row['tftp.opcode'] !== '1' && row['tftp.opcode'] !== '2') continue;
      const client = `${row['ip.src']}:${row['udp.srcport']}`;
      const seen = new Set<number>();
      let size = 0;
      let sent = 0;
      let acked = 0;
      for (const r of rows) {
        const ends = [`${r['ip.src']}:${r['udp.srcport']}`, `${r['ip.dst']}:${r['udp.dstport']}`];
        if (!ends.includes(client) || ends.includes(`${row['ip.dst']}:69`)) continue;
        const block = Number(r['tftp.block']);
        if (r['tftp.opcode'] === '3' && !seen.has(block)) {
          seen.add(block);
          size += Number(r['udp.length']) - 8 - 4;
          sent = Math.max(sent, block);
        } else if (r['tftp.opcode'] === '4') acked = Math.max(acked, block);
      }
      expected.push({ fname: row['tftp.opcode'] === '1' ? row['tftp.source_file'] : row['tftp.destination_file'], wrq: row['tftp.opcode'] === '2', size, sent, acked });
    }
    const res = await runEngine([file]);
    const recs = (res.records.get('tftp') ?? []) as Record<string, unknown>[];
    assert.deepEqual(
      recs.map((r) => ({ fname: r.fname, wrq: r.wrq, size: r.size, sent: r.block_sent, acked: r.block_acked })),
      expected,
      rel,
    );
    for (const r of recs) {
      assert.equal(typeof r.uid_data, 'string', `${rel}: the data flow is joined`);
      assert.equal(r.complete, true);
    }
    transfers += recs.length;
  }
  console.log(`TFTP: ${transfers} transfers, each as tshark's packets describe it`);
  assert.ok(transfers >= 3);
});

test('TFTP: suricata-verify output-eve-tftp-01 (one tftp event, a read request for rfc1350.txt)', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const res = await runEngine([join(CORPUS, 'suricata-verify/tests/output-eve-tftp-01/input.pcap')]);
  const recs = (res.records.get('tftp') ?? []) as Record<string, unknown>[];
  assert.equal(recs.length, 1);
  assert.equal(recs[0].wrq, false);
  assert.equal(recs[0].fname, 'rfc1350.txt');
});
