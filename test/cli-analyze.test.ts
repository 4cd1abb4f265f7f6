// `palisade analyze` as a user runs it: through its process, on real captures.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runCli } from './support/cli.ts';
import { conversationPcap } from './support/build.ts';
import { zeekCut } from './support/zeek-cut.ts';
import type { AnalysisStats } from '../src/pipeline/stats.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found (../shared/corpus)';
const tmp = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const MODBUS = join(CORPUS, 'icsnpp-modbus/testing/traces/modbus_example.pcap');

const lines = (p: string) => readFileSync(p, 'utf8').trimEnd().split('\n');

test('analyze writes conn.ndjson and stats.json and prints a summary', { skip }, async () => {
  const out = join(tmp, 'basic');
  const r = await runCli(['analyze', MODBUS, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const conns = lines(join(out, 'conn.ndjson')).map((l) => JSON.parse(l));
  assert.equal(conns.length, 2);
  const sf = conns.find((c) => c.conn_state === 'SF');
  // The values Zeek logs for this connection (icsnpp-modbus baseline conn.log).
  assert.deepEqual(
    [sf['id.orig_h'], sf['id.orig_p'], sf['id.resp_p'], sf.history, sf.orig_pkts, sf.orig_ip_bytes, sf.resp_pkts, sf.resp_ip_bytes, sf.orig_bytes, sf.resp_bytes],
    ['127.0.0.1', 47785, 502, 'ShADadFf', 50, 2900, 48, 2897, 292, 393],
  );
  assert.match(sf.uid, /^C[0-9A-Za-z]{18}$/);
  assert.match(sf.community_id, /^1:[A-Za-z0-9+/]{27}=$/);
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as AnalysisStats;
  assert.equal(stats.packets, 100);
  assert.equal(stats.outcomes.flow, 100);
  assert.equal(stats.flows.ended, 2);
  assert.ok(stats.packets_per_second > 0 && stats.elapsed_seconds > 0);
  assert.match(r.stdout, /100 packets/);
  assert.match(r.stdout, /tcp\/502\s+modbus/);
  // The dissected protocols and the inventory, with the counts stats.json holds.
  assert.match(r.stdout, new RegExp(`Protocols recognised \\(flows\\): modbus ${stats.dissectors.modbus.confirmed}\\.`));
  assert.ok(stats.assets !== undefined && stats.assets.count > 0);
  assert.match(r.stdout, new RegExp(`Assets: ${stats.assets.count} \\(.*plc ${stats.assets.by_role.plc}`));
});

test('--format zeek writes a conn.log that zeek-cut reads', { skip }, async () => {
  const out = join(tmp, 'zeek');
  const r = await runCli(['analyze', MODBUS, '--out', out, '--format', 'zeek', '--no-summary']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const text = readFileSync(join(out, 'conn.log'), 'utf8');
  assert.match(text, /^#separator \\x09\n#set_separator\t,\n#empty_field\t\(empty\)\n#unset_field\t-\n#path\tconn\n#open\t/);
  const rows = zeekCut(text, ['id.orig_h', 'id.resp_p', 'conn_state', 'history', 'orig_pkts']);
  assert.deepEqual(rows.sort(), [
    ['127.0.0.1', '502', 'SF', 'ShADadFf', '50'],
    ['192.168.1.6', '502', 'OTH', 'Dd', '1'],
  ]);
  assert.ok(existsSync(join(out, 'stats.json')));
  assert.ok(!existsSync(join(out, 'conn.ndjson')));
});

test('several inputs, a directory and a gzip-compressed capture in one run', { skip }, async () => {
  const dir = join(tmp, 'inputs');
  const out = join(tmp, 'multi');
  const dnp3 = join(CORPUS, 'icsnpp-dnp3/testing/traces/dnp3_example.pcap');
  rmSync(dir, { recursive: true, force: true });
  (await import('node:fs')).mkdirSync(dir, { recursive: true });
  copyFileSync(MODBUS, join(dir, 'a.pcap'));
  writeFileSync(join(dir, 'b.pcap.gz'), gzipSync(readFileSync(dnp3)));
  writeFileSync(join(dir, 'notes.txt'), 'not a capture');
  const r = await runCli(['analyze', dir, dnp3, '--out', out, '--no-summary']);
  assert.equal(r.code, 0, r.stderr);
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as AnalysisStats;
  assert.deepEqual(stats.inputs.map((i) => [i.path.split('/').pop(), i.compressed]), [
    ['a.pcap', false],
    ['b.pcap.gz', true],
    ['dnp3_example.pcap', false],
  ]);
  assert.deepEqual(stats.skipped_files.map((p) => p.split('/').pop()), ['notes.txt']);
  assert.equal(stats.inputs[1].packets, stats.inputs[2].packets, 'the gzip copy reads the same packets');
});

const WORKER_INPUTS = [join(CORPUS, 'iti-ics-security-tools'), join(CORPUS, 'icsnpp-bacnet'), join(CORPUS, 'ndpi')];

/** assets.json without its `generated` time. */
const inventory = (dir: string) => {
  const j = JSON.parse(readFileSync(join(dir, 'assets.json'), 'utf8')) as Record<string, unknown>;
  delete j.generated;
  return j;
};

test('--workers 2 and 3 yield the same records, inventory and graph as --workers 1', { skip, timeout: 300_000 }, async () => {
  const o1 = join(tmp, 'w1');
  const r1 = await runCli(['analyze', ...WORKER_INPUTS, '--out', o1, '--no-summary']);
  const files = readdirSync(o1).filter((f) => f.endsWith('.ndjson')).sort();
  assert.ok(files.length > 20, files.join(' '));
  assert.ok(lines(join(o1, 'conn.ndjson')).length > 3000);
  const s1 = JSON.parse(readFileSync(join(o1, 'stats.json'), 'utf8')) as AnalysisStats;
  for (const w of [2, 3]) {
    const o2 = join(tmp, `w${w}`);
    const r2 = await runCli(['analyze', ...WORKER_INPUTS, '--out', o2, '--workers', String(w), '--no-summary']);
    assert.equal(r2.code, r1.code, r2.stderr);
    // Every record file, line for line (order aside).
    assert.deepEqual(readdirSync(o2).filter((f) => f.endsWith('.ndjson')).sort(), files);
    for (const f of files) {
      const a = lines(join(o1, f)).sort();
      const b = lines(join(o2, f)).sort();
      assert.equal(b.length, a.length, `${f}: ${b.length} records with ${w} workers, ${a.length} with 1`);
      assert.deepEqual(b, a, f);
    }
    // The inventory, merged from the workers' own, is the one engine's.
    assert.deepEqual(inventory(o2), inventory(o1), `assets.json with ${w} workers`);
    for (const f of ['graph.json', 'assets.csv', 'graph.graphml']) assert.equal(readFileSync(join(o2, f), 'utf8'), readFileSync(join(o1, f), 'utf8'), `${f} with ${w} workers`);
    const s2 = JSON.parse(readFileSync(join(o2, 'stats.json'), 'utf8')) as AnalysisStats;
    assert.equal(s2.workers, w);
    assert.deepEqual(s2.outcomes, s1.outcomes);
    assert.deepEqual(s2.protocols, s1.protocols);
    assert.deepEqual(s2.assets, s1.assets);
  }
});

/**
 * A small plant-mix (bench/lib/plant-mix.ts builds the big one the same way): captures moved
 * to one start time and merged, then copies of the merge on other IPv4 addresses (tcprewrite
 * --seed), a few seconds apart, merged again. The copies keep their MAC addresses and DCE/RPC
 * activity UUIDs, and flows of one copy time out while another's packets go on, in whichever
 * worker.
 */
function buildMix(out: string, inputs: string[], copies: number): void {
  const dir = mkdtempSync(join(tmp, 'mix-'));
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const parts: string[] = [];
  inputs.forEach((f, i) => {
    const raw = join(dir, `raw${i}.pcap`);
    run('editcap', ['-F', 'pcap', '-T', 'ether', f, raw]);
    const first = Number(run('capinfos', ['-a', '-S', '-T', raw]).trim().split('\n').pop()!.split('\t')[1]);
    const part = join(dir, `p${i}.pcap`);
    run('editcap', ['-t', String(1767225600 + i - Math.floor(first)), raw, part]);
    parts.push(part);
  });
  const base = join(dir, 'base.pcap');
  run('mergecap', ['-F', 'pcap', '-w', base, ...parts]);
  const reps: string[] = [];
  for (let k = 1; k <= copies; k++) {
    const r = join(dir, `r${k}.pcap`);
    run('tcprewrite', [`--seed=${k}`, '--fixcsum', '-i', base, '-o', r]);
    const rep = join(dir, `rep${k}.pcap`);
    run('editcap', ['-t', String(k * 7), r, rep]);
    reps.push(rep);
  }
  run('mergecap', ['-F', 'pcap', '-w', out, ...reps]);
}

const MIX_INPUTS = [
  ...readdirSync(join(CORPUS, 'iti-ics-security-tools/pcaps/openics')).map((f) => join(CORPUS, 'iti-ics-security-tools/pcaps/openics', f)),
  join(CORPUS, 'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/6.6.2.4/dump.pcap'),
  join(CORPUS, 'icsnpp-enip/tests/traces/enip_cip_example.pcap'),
  ...readdirSync(join(CORPUS, 'icsnpp-profinet-io-cm/testing/traces')).map((f) => join(CORPUS, 'icsnpp-profinet-io-cm/testing/traces', f)),
  join(CORPUS, 'iti-ics-security-tools/pcaps/IEC61850/GOOSE/Sample_File_GOOSE.pcap'),
].filter((f) => /\.pcap(ng)?$/.test(f)).sort();

test('--workers 2 and 3 yield the same records as --workers 1 on copies of one plant (timeouts, calls across flows)', { skip, timeout: 300_000 }, async () => {
  const mix = join(tmp, 'mix.pcap');
  buildMix(mix, MIX_INPUTS, 3);
  const o1 = join(tmp, 'mw1');
  const r1 = await runCli(['analyze', mix, '--out', o1, '--no-summary']);
  assert.equal(r1.code, 0, r1.stderr);
  const files = readdirSync(o1).filter((f) => f.endsWith('.ndjson')).sort();
  // What the mix is for: DNP3 flows that time out with records pending, and PNIO calls of
  // three copies of one device that use the same activity UUIDs.
  const weirds = lines(join(o1, 'weird.ndjson')).map((l) => JSON.parse(l) as { name: string });
  assert.ok(weirds.filter((w) => w.name === 'dnp3.bad_link_crc').length >= 6);
  const calls = lines(join(o1, 'profinet_io_cm_call.ndjson')).map((l) => JSON.parse(l) as { activity_uuid: string; 'id.orig_h': string });
  const hostsOfActivity = new Map<string, Set<string>>();
  for (const c of calls) (hostsOfActivity.get(c.activity_uuid) ?? hostsOfActivity.set(c.activity_uuid, new Set()).get(c.activity_uuid)!).add(c['id.orig_h']);
  assert.ok([...hostsOfActivity.values()].some((h) => h.size === 3), 'an activity UUID used by the three copies');
  for (const w of [2, 3]) {
    const o2 = join(tmp, `mw${w}`);
    const r2 = await runCli(['analyze', mix, '--out', o2, '--workers', String(w), '--no-summary']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(readdirSync(o2).filter((f) => f.endsWith('.ndjson')).sort(), files);
    for (const f of files) assert.deepEqual(lines(join(o2, f)).sort(), lines(join(o1, f)).sort(), `${f} with ${w} workers`);
  }
});

/**
 * Modbus conversations carried over MPLS, as a SPAN of a provider link shows them: each
 * direction between other routers (MAC addresses) and under its own labels.
 */
function mplsPlant(path: string, conversations: number): void {
  const parts: Buffer[] = [];
  for (let i = 0; i < conversations; i++) {
    const client: [string, number] = [`10.20.${i >> 4}.${(i & 15) + 1}`, 49152 + i];
    const pcap = conversationPcap([{ isOrig: true, bytes: Buffer.from([0, i, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]) }, { isOrig: false, bytes: Buffer.from([0, i, 0, 0, 0, 5, 1, 3, 2, 0, 7]) }], client, ['10.99.0.5', 502]);
    for (let at = 24; at < pcap.length; ) {
      const len = pcap.readUInt32LE(at + 8);
      const frame = pcap.subarray(at + 16, at + 16 + len);
      const ip = frame.subarray(14);
      const fromClient = ip.readUInt32BE(12) !== 0x0a630005;
      // Forward: router 02:..:01 to 02:..:02, labels 1001/16; back: 02:..:03 to 02:..:04, label 2002.
      const mac = fromClient ? [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1] : [2, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 3];
      const mpls = fromClient ? Buffer.from([0x00, 0x3e, 0x90, 0x40, 0x00, 0x01, 0x01, 0x40]) : Buffer.from([0x00, 0x7d, 0x21, 0x40]);
      const out = Buffer.concat([Buffer.from(mac), Buffer.from([0x88, 0x47]), mpls, ip]);
      const h = Buffer.from(pcap.subarray(at, at + 16));
      h.writeUInt32LE(out.length, 8);
      h.writeUInt32LE(out.length, 12);
      // Conversations one after the other, a second apart.
      h.writeUInt32LE(h.readUInt32LE(0) + i, 0);
      parts.push(h, out);
      at += 16 + len;
    }
  }
  writeFileSync(path, Buffer.concat([conversationPcap([], ['1.1.1.1', 1], ['2.2.2.2', 2]).subarray(0, 24), ...parts]));
}

test('--workers 2 yields the same flows as --workers 1 over MPLS, whose two directions travel between other routers', async () => {
  const cap = join(tmp, 'mpls.pcap');
  mplsPlant(cap, 24);
  const o1 = join(tmp, 'mpls1');
  const r1 = await runCli(['analyze', cap, '--out', o1, '--no-summary']);
  assert.equal(r1.code, 0, r1.stderr);
  const one = lines(join(o1, 'conn.ndjson'));
  assert.equal(one.length, 24);
  for (const c of one.map((l) => JSON.parse(l) as { conn_state: string; service: string })) assert.deepEqual([c.conn_state, c.service], ['SF', 'modbus']);
  const o2 = join(tmp, 'mpls2');
  const r2 = await runCli(['analyze', cap, '--out', o2, '--no-summary', '--workers', '2']);
  assert.equal(r2.code, 0, r2.stderr);
  for (const f of readdirSync(o1).filter((x) => x.endsWith('.ndjson'))) assert.deepEqual(lines(join(o2, f)).sort(), lines(join(o1, f)).sort(), `${f} with 2 workers`);
  assert.equal(JSON.parse(readFileSync(join(o2, 'stats.json'), 'utf8')).protocols.layers.mpls, 24 * 7);
});

test('--format zeek with --workers 2: the same rows, one header and #close per log', { skip, timeout: 300_000 }, async () => {
  const o1 = join(tmp, 'zw1');
  const o2 = join(tmp, 'zw2');
  const r1 = await runCli(['analyze', ...WORKER_INPUTS, '--out', o1, '--format', 'zeek', '--no-summary']);
  const r2 = await runCli(['analyze', ...WORKER_INPUTS, '--out', o2, '--format', 'zeek', '--workers', '2', '--no-summary']);
  assert.equal(r2.code, r1.code, r2.stderr);
  const logs = readdirSync(o1).filter((f) => f.endsWith('.log')).sort();
  assert.ok(logs.length > 20, logs.join(' '));
  assert.deepEqual(readdirSync(o2).filter((f) => f.endsWith('.log')).sort(), logs);
  for (const f of logs) {
    const a = lines(join(o1, f));
    const b = lines(join(o2, f));
    // The header as one engine writes it (its #open time aside), then rows, then #close.
    assert.deepEqual(b.slice(0, 8).filter((l) => !l.startsWith('#open')), a.slice(0, 8).filter((l) => !l.startsWith('#open')), f);
    assert.match(b[5], /^#open\t/, f);
    assert.match(b[b.length - 1], /^#close\t/, f);
    assert.equal(b.filter((l) => l.startsWith('#')).length, 9, f);
    assert.deepEqual(b.slice(8, -1).sort(), a.slice(8, -1).sort(), f);
  }
});

test('--db with --workers 2: the same records and inventory in the database as --workers 1', { skip, timeout: 300_000 }, async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const dbs = [join(tmp, 'dw1.db'), join(tmp, 'dw2.db')];
  const inputs = [join(CORPUS, 'icsnpp-bacnet'), join(CORPUS, 'icsnpp-enip')];
  for (const [i, db] of dbs.entries()) {
    const r = await runCli(['analyze', ...inputs, '--db', db, '--workers', String(i + 1), '--no-summary']);
    assert.equal(r.code, 0, r.stderr);
  }
  const rows = (db: string, sql: string) => {
    const d = new DatabaseSync(db);
    try {
      return d.prepare(sql).all().map((r) => JSON.stringify(r)).sort();
    } finally {
      d.close();
    }
  };
  for (const sql of ['SELECT type, ts, uid, orig_h, resp_h, data FROM records', 'SELECT uid, data FROM flows', 'SELECT * FROM asset_data', 'SELECT * FROM edges', 'SELECT ts, change, asset_id, data FROM asset_changes']) {
    const a = rows(dbs[0], sql);
    assert.ok(a.length > 0, sql);
    assert.deepEqual(rows(dbs[1], sql), a, sql);
  }
});

test('a worker\'s records that cannot be written stop the run with E_OUTPUT naming the file', { skip: skip || (existsSync('/dev/full') ? false : 'no /dev/full') }, async () => {
  const { mkdirSync, symlinkSync } = await import('node:fs');
  const out = join(tmp, 'full');
  mkdirSync(out, { recursive: true });
  symlinkSync('/dev/full', join(out, 'conn.ndjson'));
  const r = await runCli(['analyze', join(CORPUS, 'icsnpp-bacnet'), '--out', out, '--workers', '2', '--no-summary']);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /Cannot write to .*conn\.ndjson: ENOSPC/);
});

test("an inventory file that cannot be written (written by the inventory's thread) stops the run with E_OUTPUT naming it", { skip: skip || (existsSync('/dev/full') ? false : 'no /dev/full') }, async () => {
  const { mkdirSync, symlinkSync } = await import('node:fs');
  const out = join(tmp, 'full-assets');
  mkdirSync(out, { recursive: true });
  symlinkSync('/dev/full', join(out, 'graph.json'));
  const r = await runCli(['analyze', MODBUS, '--out', out, '--no-summary']);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /cannot write graph\.json \(.*ENOSPC.*\); check the directory's permissions and free space/);
  // The records are complete, and the file before it in the order written.
  assert.ok(lines(join(out, 'conn.ndjson')).length >= 1);
  assert.ok(readFileSync(join(out, 'assets.csv'), 'utf8').startsWith('id,key,'));
});

test('a truncated capture: clear message with file and offset, records kept, exit code 4', { skip }, async () => {
  const bad = join(tmp, 'cut.pcap');
  const whole = readFileSync(MODBUS);
  writeFileSync(bad, whole.subarray(0, whole.length - 20));
  const out = join(tmp, 'cut');
  const r = await runCli(['analyze', bad, '--out', out, '--no-summary']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /cut\.pcap: truncated at byte \d+/);
  assert.ok(lines(join(out, 'conn.ndjson')).length >= 1, 'the flows before the damage are written');
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as AnalysisStats;
  assert.equal(stats.inputs[0].error?.code, 'E_TRUNCATED');
  assert.equal(stats.packets, 99);
});

test('not a capture, a missing file and a bad option: clear errors and documented exit codes', async () => {
  const txt = join(tmp, 'x.pcap');
  writeFileSync(txt, 'hello, this is text');
  let r = await runCli(['analyze', txt, '--out', join(tmp, 'x')]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /x\.pcap.*(not a pcap|pcapng)/i);
  r = await runCli(['analyze', join(tmp, 'nope.pcap'), '--out', join(tmp, 'y')]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /nope\.pcap/);
  r = await runCli(['analyze', MODBUS, '--out', join(tmp, 'z'), '--workers', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--workers must be a whole number/);
  r = await runCli(['analyze', MODBUS]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out/);
  r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
});

test('a progress bar on stderr when stderr is a terminal, and none otherwise', { skip: skip || (existsSync('/usr/bin/script') ? false : 'script (util-linux) not installed') }, async () => {
  const { spawnSync } = await import('node:child_process');
  const cmd = `${JSON.stringify(process.execPath)} bin/palisade analyze ${JSON.stringify(join(CORPUS, 'icsnpp-bacnet'))} --out ${JSON.stringify(join(tmp, 'tty'))} --no-summary`;
  // script(1) runs the command on a pseudo-terminal: what a user at a terminal sees.
  const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
  assert.equal(tty.status, 0, tty.stderr);
  assert.match(tty.stdout, /analysing \[/);
  // With stderr sent elsewhere the terminal shows no bar: it is drawn on stderr, never stdout.
  const quiet = spawnSync('script', ['-qec', `${cmd} 2>/dev/null`, '/dev/null'], { encoding: 'utf8' });
  assert.equal(quiet.status, 0);
  assert.doesNotMatch(quiet.stdout, /analysing/);
  const pipe = await runCli(['analyze', join(CORPUS, 'icsnpp-bacnet'), '--out', join(tmp, 'notty'), '--no-summary']);
  assert.equal(pipe.code, 0);
  assert.equal(pipe.stderr, '');
});

test('--help lists every analyze option', async () => {
  const r = await runCli(['analyze', '--help']);
  assert.equal(r.code, 0);
  for (const o of ['--out', '--format', '--workers', '--no-progress', '--no-summary', '--max-flows', '--tcp-timeout', '--udp-timeout', '--icmp-timeout']) assert.ok(r.stdout.includes(o), o);
  assert.ok(readdirSync(tmp).length >= 0);
});
