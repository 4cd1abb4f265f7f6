// The inventory's thread (src/assets/feed.ts): `palisade analyze` builds the inventory there
// from the records' NDJSON lines. Checked against an AssetBuilder on this thread fed the
// record objects themselves, on captures of many protocols and through every way records
// reach the thread (the files' lines, lines made for it with Zeek logs or a database only);
// then its back-pressure, and what a failure of the thread does.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AssetBuilder, type Inventory } from '../src/assets/builder.ts';
import { AssetFeed, POOL_BLOCK, POOL_BLOCKS, THREAD_NICE, type AssetFeedOptions } from '../src/assets/feed.ts';
import { v8HelperThreads } from '../src/core/thread-priority.ts';
import { LINE_NEEDS, MAPPERS } from '../src/assets/mappers.ts';
import type { Observer } from '../src/assets/observe.ts';
import { assetsCSV, assetsJSON, graphJSON, graphML } from '../src/assets/export.ts';
import { analyze } from '../src/pipeline/analyze.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found (../shared/corpus)';

/** Captures whose records reach most mappers: ICS protocols, and the IT and layer-2 ones that name devices. */
const CAPTURES = [
  'controlthings-ct-samples/Protocols/Modbus/ModbusTCP/Plant1_ModbusTCP.pcap',
  'icsnpp-enip/tests/traces/enip_cip_example.pcap',
  'emreekin-ics-pcaps/BacNET/BACnetIP-MSTP-Mix.pcap',
  'iti-ics-security-tools/pcaps/s7/s7comm_downloading_block_db1.pcap',
  'iti-ics-security-tools/pcaps/dnp3/assign_class.pcap',
  'arkime/tests/pcap/mqtt_big.pcap',
  'tcpdump/tests/LLDP_and_CDP.pcap',
  'zeek/testing/btest/Traces/dhcp/dhcp.pcap',
  'ndpi/tests/cfgs/default/pcap/profinet-io-le.pcap',
];

/** The inventory of an AssetBuilder on this thread, given every record object of the captures. */
async function inThread(paths: string[]): Promise<Inventory> {
  const run = await runEngine(paths);
  const b = new AssetBuilder(MAPPERS);
  for (const [type, recs] of run.records) for (const r of recs) b.write(type, r);
  return b.finalize();
}

function tmp(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-feed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the inventory built on its thread is the one an AssetBuilder makes of the record objects, for NDJSON, Zeek logs and a database', { skip, timeout: 300_000 }, async (t) => {
  const dir = tmp(t);
  const paths = CAPTURES.map((c) => join(CORPUS, c));
  const want = await inThread(paths);
  assert.ok(want.assets.length > 30 && want.edges.length > 20, `${want.assets.length} assets, ${want.edges.length} edges`);
  // Every mapper family is in play.
  const sources = new Set(want.assets.flatMap((a) => [...a.vendor, ...a.model, ...a.names].map((c) => c.source)));
  for (const s of ['cip_identity', 'lldp', 'cdp', 'dhcp', 'oui']) assert.ok(sources.has(s), `no claim from ${s}: ${[...sources].join(', ')}`);

  const ndjson = await analyze({ inputs: paths, outDir: join(dir, 'ndjson') });
  assert.deepEqual(ndjson.inventory, want, 'NDJSON files (their lines are tapped)');
  const zeek = await analyze({ inputs: paths, outDir: join(dir, 'zeek'), format: 'zeek' });
  assert.deepEqual(zeek.inventory, want, 'Zeek logs (lines made for the thread)');
  const db = join(dir, 'p.db');
  const stored = await analyze({ inputs: paths, db });
  assert.deepEqual(stored.inventory, want, 'a database only');
  const store = new SqliteStore(db);
  try {
    assert.equal(store.assets({}).total, want.assets.length);
  } finally {
    store.close();
  }
  // The files are the thread's too.
  const files = JSON.parse(readFileSync(join(dir, 'ndjson', 'assets.json'), 'utf8')) as { assets: unknown[]; span: unknown };
  assert.deepEqual(files.assets, JSON.parse(JSON.stringify(want.assets)));
  assert.deepEqual(files.span, want.span);
  const changes = readFileSync(join(dir, 'ndjson', 'asset_changes.ndjson'), 'utf8').trimEnd().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(changes, JSON.parse(JSON.stringify(want.changes)));

  // Without keepInventory (the CLI's way) the inventory stays on its thread, which writes the
  // files: the same files, changes and counts.
  const kept = join(dir, 'kept');
  const lean = await analyze({ inputs: paths, outDir: kept, keepInventory: false });
  assert.equal(lean.inventory, undefined);
  assert.deepEqual(lean.stats.assets, ndjson.stats.assets);
  assert.equal(lean.stats.assets?.count, want.assets.length);
  assert.equal(lean.stats.assets?.changes, want.changes.length);
  for (const f of ['assets.csv', 'graph.json', 'graph.graphml', 'assets.json', 'asset_changes.ndjson']) assert.ok(lean.files.includes(join(kept, f)), f);
  assert.equal(readFileSync(join(kept, 'assets.csv'), 'utf8'), assetsCSV(want.assets));
  assert.equal(readFileSync(join(kept, 'graph.json'), 'utf8'), graphJSON(want));
  assert.equal(readFileSync(join(kept, 'graph.graphml'), 'utf8'), graphML(want));
  const meta = JSON.parse(readFileSync(join(kept, 'assets.json'), 'utf8')) as { palisade_version: string; generated: string };
  assert.equal(readFileSync(join(kept, 'assets.json'), 'utf8'), assetsJSON(want, { palisade_version: meta.palisade_version, generated: meta.generated }));
  assert.equal(readFileSync(join(kept, 'asset_changes.ndjson'), 'utf8'), readFileSync(join(dir, 'ndjson', 'asset_changes.ndjson'), 'utf8'));
});

test("records no mapper reads are not sent, yet count in the inventory's span", { skip }, async (t) => {
  // GOOSE frames (layer 2) are records no mapper reads: this capture has no others, so the
  // thread is sent none, and the span must still be that of the GOOSE records.
  const dir = tmp(t);
  const goose = join(CORPUS, 'iti-ics-security-tools/pcaps/IEC61850/GOOSE/Sample_File_GOOSE.pcap');
  const run = await runEngine([goose]);
  const types = [...run.records.keys()];
  const ts = [...run.records.values()].flat().map((r) => (r as { ts: number }).ts);
  assert.ok(types.length > 0);
  const r = await analyze({ inputs: [goose], outDir: join(dir, 'o') });
  assert.deepEqual(r.inventory?.span, { first: Math.min(...ts), last: Math.max(...ts) }, `record types: ${types.join(', ')}`);
  assert.deepEqual(r.inventory, await inThread([goose]));
});

test("a line without the text LINE_NEEDS names for its type is one the type's mapper passes over, so the thread only counts it", { skip }, async () => {
  const run = await runEngine(['icsnpp-enip/tests/traces/enip_cip_example.pcap', 'icsnpp-enip/tests/traces/multiple_service_packet_cip.pcapng'].map((c) => join(CORPUS, c)));
  assert.ok(LINE_NEEDS.size > 0);
  for (const [type, need] of LINE_NEEDS) {
    const mapper = MAPPERS.get(type);
    assert.ok(mapper !== undefined, `${type} has a mapper`);
    const records = (run.records.get(type) ?? []) as Record<string, unknown>[];
    let calls = 0;
    // Any method of the observer called counts.
    const spy = new Proxy({}, { get: () => () => void calls++ }) as unknown as Observer;
    let without = 0;
    let withIt = 0;
    for (const r of records) {
      const line = JSON.stringify(r);
      const before = calls;
      mapper(r, spy);
      if (line.includes(need)) {
        withIt++;
        assert.ok(calls > before, `a ${type} line with ${need} is read: ${line}`);
      } else {
        without++;
        // The mapper passes over every line without the text.
        assert.equal(calls, before, `${type}: the mapper observed something in a line without ${need}: ${line}`);
      }
    }
    assert.ok(without > 0 && withIt > 0, `${type}: ${withIt} lines with ${need}, ${without} without`);
  }
});

/**
 * An EtherNet/IP capture analysed into DIR/o (its records and inventory), and an AssetFeed
 * for the record types the inventory reads, to be fed those files' lines by hand.
 */
async function enipFeed(t: { after: (f: () => unknown) => void }, opts: Omit<AssetFeedOptions, 'types'>) {
  const dir = tmp(t);
  const r = await analyze({ inputs: [join(CORPUS, 'icsnpp-enip/tests/traces/enip_cip_example.pcap')], outDir: join(dir, 'o') });
  const feed = new AssetFeed({ types: [...MAPPERS.keys(), 'conn'], ...opts });
  // A failed assertion must not leave the thread running (the test file would not end).
  t.after(() => feed.terminate());
  return { dir, r, feed };
}

/** The lines of each record file in `dir`/o that the feed wants, by record type. */
function wantedLines(dir: string, feed: AssetFeed): { type: string; lines: string[] }[] {
  return readdirSync(join(dir, 'o'))
    .filter((n) => n.endsWith('.ndjson') && feed.wants(n.slice(0, -'.ndjson'.length)))
    .map((f) => ({ type: f.slice(0, -'.ndjson'.length), lines: readFileSync(join(dir, 'o', f), 'utf8').split('\n').filter((l) => l !== '') }));
}

test('with room for one buffer in flight the reader waits for the thread, and the inventory is the same', { skip, timeout: 120_000 }, async (t) => {
  const { dir, r, feed } = await enipFeed(t, { inFlightBytes: 1 });
  let buffers = 0;
  for (const { type, lines } of wantedLines(dir, feed)) {
    // Many small buffers of whole lines, each of its own (they are transferred).
    for (let i = 0; i < lines.length; i += 7) {
      feed.lines(type, new Uint8Array(Buffer.from(lines.slice(i, i + 7).join('\n') + '\n')));
      buffers++;
    }
  }
  assert.ok(buffers > 20, `${buffers} buffers`);
  feed.span(r.inventory!.span.first, r.inventory!.span.last);
  assert.deepEqual(await feed.finish(), r.inventory);
});

test('lines in blocks of the shared pool, as the writers of the files send them: one block in flight at most, more blocks asked for than the pool has', { skip, timeout: 120_000 }, async (t) => {
  const { dir, r, feed } = await enipFeed(t, { inFlightBytes: 1 });
  // Every block of the pool held at once (as by that many files being filled): the ones
  // asked for past that are buffers of their own, which travel in messages instead.
  const held = Array.from({ length: POOL_BLOCKS + 3 }, () => feed.buffer(POOL_BLOCK));
  const shared = held.filter((b) => b.buffer instanceof SharedArrayBuffer);
  assert.equal(shared.length, POOL_BLOCKS);
  assert.equal(new Set(shared.map((b) => b.byteOffset)).size, POOL_BLOCKS, 'each block once');
  let blocks = 0;
  let own = 0;
  for (const { type, lines } of wantedLines(dir, feed)) {
    for (let i = 0; i < lines.length; i += 5) {
      const b = held.pop() ?? feed.buffer(POOL_BLOCK);
      if (b.buffer instanceof SharedArrayBuffer) blocks++;
      else own++;
      const n = b.write(lines.slice(i, i + 5).join('\n') + '\n');
      feed.lines(type, b.subarray(0, n));
    }
  }
  // The blocks came back from the thread and were used again.
  assert.ok(blocks > POOL_BLOCKS + 20 && own >= 3, `${blocks} blocks, ${own} buffers of their own`);
  // Blocks asked for and given back unused (a writer that wrote nothing more) are not sent.
  for (const b of held) feed.lines('conn', b.subarray(0, 0));
  feed.span(r.inventory!.span.first, r.inventory!.span.last);
  assert.deepEqual(await feed.finish(), r.inventory);
});

test('a snapshot: the thread writes the inventory so far into the directory while lines go on, assets.json last, and reports a file it cannot write', { skip, timeout: 120_000 }, async (t) => {
  const errors: { code: string; message: string }[] = [];
  const { dir, feed } = await enipFeed(t, { onSnapshotError: (e) => errors.push(e) });
  const b = new AssetBuilder(MAPPERS);
  /** A file's lines, in blocks of the pool as a writer fills them. */
  const send = (f: string) => {
    const type = f.slice(0, -'.ndjson'.length);
    let block = feed.buffer(POOL_BLOCK);
    let used = 0;
    for (const l of readFileSync(join(dir, 'o', f), 'utf8').split('\n')) {
      if (l === '') continue;
      b.write(type, JSON.parse(l) as object);
      if (used + Buffer.byteLength(l) + 1 > POOL_BLOCK) {
        feed.lines(type, block.subarray(0, used));
        block = feed.buffer(POOL_BLOCK);
        used = 0;
      }
      used += block.write(l + '\n', used);
    }
    feed.lines(type, block.subarray(0, used));
  };
  const files = readdirSync(join(dir, 'o')).filter((n) => n.endsWith('.ndjson') && feed.wants(n.slice(0, -'.ndjson'.length)));
  assert.ok(files.some((f) => readFileSync(join(dir, 'o', f)).length > POOL_BLOCK), 'a file takes more than one block');
  send('conn.ndjson');
  const snap = join(dir, 'snap');
  mkdirSync(snap);
  const want = b.finalize();
  feed.snapshot(snap, { live: true }, want.span.first, want.span.last);
  feed.snapshot(join(dir, 'missing', 'dir'), { live: true }, want.span.first, want.span.last);
  // assets.json is written last: where it cannot be (a directory of that name), the other three are there.
  const last = join(dir, 'last');
  mkdirSync(join(last, 'assets.json'), { recursive: true });
  feed.snapshot(last, { live: true }, want.span.first, want.span.last);
  // Lines after the snapshot are not in it.
  for (const f of files) if (f !== 'conn.ndjson') send(f);
  const all = b.finalize();
  assert.deepEqual(await feed.finish(), all);
  assert.ok(all.assets.length !== want.assets.length || all.edges.length !== want.edges.length || JSON.stringify(all) !== JSON.stringify(want), 'the later lines changed the inventory');
  assert.equal(readFileSync(join(snap, 'assets.json'), 'utf8'), assetsJSON(want, { live: true }));
  assert.equal(readFileSync(join(snap, 'assets.csv'), 'utf8'), assetsCSV(want.assets));
  assert.equal(readFileSync(join(snap, 'graph.json'), 'utf8'), graphJSON(want));
  assert.equal(readFileSync(join(snap, 'graph.graphml'), 'utf8'), graphML(want));
  assert.deepEqual(readdirSync(snap).sort(), ['assets.csv', 'assets.json', 'graph.graphml', 'graph.json'], 'no temporary file left');
  assert.equal(errors.length, 2, JSON.stringify(errors));
  assert.equal(errors[0].code, 'E_OUTPUT');
  assert.match(errors[0].message, /missing\/dir\/assets\.csv/, 'the first file written');
  assert.equal(errors[1].code, 'E_OUTPUT');
  assert.match(errors[1].message, /last\/assets\.json/);
  for (const f of ['assets.csv', 'graph.json', 'graph.graphml']) assert.equal(readFileSync(join(last, f), 'utf8'), readFileSync(join(snap, f), 'utf8'), `${f} before assets.json`);
  assert.deepEqual(readdirSync(last).sort(), ['assets.csv', 'assets.json', 'graph.graphml', 'graph.json'], 'no temporary file left where the rename failed');
  assert.ok(!existsSync(join(dir, 'missing')));
});

test('a failure of the thread stops the feeding without a hang and is an E_WORKER error naming --no-assets', async () => {
  const feed = new AssetFeed({ types: ['conn'], inFlightBytes: 1 });
  feed.lines('conn', new Uint8Array(Buffer.from('not json\n')));
  // With room for one buffer only, these wait for the thread: they must see that it failed.
  for (let i = 0; i < 5; i++) feed.lines('conn', new Uint8Array(Buffer.from('{"ts":2}\n')));
  feed.record('conn', { ts: 3 });
  // The files' writers go on with buffers that are still usable.
  const b = feed.buffer(POOL_BLOCK);
  assert.equal(b.length, POOL_BLOCK);
  feed.lines('conn', b.subarray(0, b.write('{"ts":4}\n')));
  await assert.rejects(feed.finish(), (e: unknown) => {
    const err = e as { code?: string; message?: string };
    assert.equal(err.code, 'E_WORKER');
    assert.match(err.message ?? '', /asset inventory's thread failed: .*JSON.*--no-assets/s);
    return true;
  });
});

test('docs/assets.md names every record type the inventory thread is sent', () => {
  const doc = readFileSync(new URL('../docs/assets.md', import.meta.url), 'utf8');
  const line = doc.split('\n').find((l) => l.startsWith('- The main thread hands that thread the records the inventory reads'));
  assert.ok(line !== undefined, 'the paragraph is there');
  const named = [...line.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]).sort();
  assert.deepEqual(named, [...MAPPERS.keys(), 'conn'].sort());
});

test('lines longer than the piece the thread decodes at a time, amid short ones, are read whole', async () => {
  const recs = Array.from({ length: 40 }, (_, i) => ({
    ts: 1_700_000_000 + i, uid: `C${i % 5}`, 'id.orig_h': `10.0.0.${1 + (i % 3)}`, 'id.orig_p': 40000 + i, 'id.resp_h': '10.0.0.9', 'id.resp_p': 502,
    proto: 'tcp', service: 'modbus', duration: 1, conn_state: 'SF', history: 'ShADadFf', orig_pkts: 5, orig_ip_bytes: 300, resp_pkts: 4, resp_ip_bytes: 250,
    orig_l2_addr: `00:1d:9c:00:00:0${1 + (i % 3)}`, resp_l2_addr: '00:1d:9c:00:00:09', ...(i % 7 === 3 ? { padding: 'x'.repeat(70_000 + i) } : {}),
  }));
  const b = new AssetBuilder(MAPPERS);
  for (const r of recs) b.write('conn', r);
  const want = b.finalize();
  const feed = new AssetFeed({ types: ['conn'] });
  feed.lines('conn', new Uint8Array(Buffer.from(recs.map((r) => JSON.stringify(r)).join('\n') + '\n')));
  assert.deepEqual(await feed.finish(), want);
});

test("with yieldV8Helpers, V8's helper threads run at the inventory thread's priority while it reads, one engine only, and get theirs back", { skip: skip || (existsSync('/proc/self/task') ? false : 'no /proc (not Linux)') }, async (t) => {
  const dir = tmp(t);
  const ids = v8HelperThreads();
  assert.ok(ids.length > 0);
  const before = ids.map((id) => getPriority(id));
  const capture = join(CORPUS, CAPTURES[0]);
  const seen = async (opts: { workers: number; yieldV8Helpers: boolean }, out: string) => {
    const during = new Set<number>();
    await analyze({ inputs: [capture], outDir: join(dir, out), keepInventory: false, ...opts, onProgress: () => { for (const id of ids) during.add(getPriority(id)); } });
    return [...during];
  };
  assert.deepEqual(await seen({ workers: 1, yieldV8Helpers: true }, 'a'), [THREAD_NICE]);
  if (process.getuid?.() === 0) assert.deepEqual(ids.map((id) => getPriority(id)), before, 'restored after the run');
  else return;
  assert.deepEqual(await seen({ workers: 1, yieldV8Helpers: false }, 'b'), [...new Set(before)], 'not asked for');
  assert.deepEqual(await seen({ workers: 2, yieldV8Helpers: true }, 'c'), [...new Set(before)], 'not beside engine workers');
});
