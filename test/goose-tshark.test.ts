// GOOSE against tshark on every corpus capture that has GOOSE (MANIFEST.md Protocols column):
//  1. per frame: our parser and tshark agree on the goosePdu key fields (APPID, Length,
//     gocbRef, timeAllowedtoLive, datSet, goID, t, stNum, sqNum, simulation, confRev, ndsCom,
//     numDatSetEntries, the Reserved 1 simulated bit);
//  2. the records: the engine's `goose` records are exactly those the documented rule
//     (first / state_change / restart / config_change / summary per publisher) gives when
//     applied to tshark's view of the frames, with tshark's values;
//  3. data_changed_without_st_num: raised exactly where tshark's decoded allData values
//     change while stNum stays.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import type { RawFrame } from '../src/capture/frame.ts';
import { Decoder } from '../src/decode/decoder.ts';
import { OUTCOME, Packet } from '../src/decode/packet.ts';
import { GooseFrame, isSimulated, parseGoose } from '../src/protocols/goose/parser.ts';
import { readText } from '../src/dissect/ber.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const KEY_FIELDS = [
  'goose.appid', 'goose.length', 'goose.gocbRef', 'goose.timeAllowedtoLive', 'goose.datSet', 'goose.goID', 'goose.t',
  'goose.stNum', 'goose.sqNum', 'goose.simulation', 'goose.confRev', 'goose.ndsCom', 'goose.numDatSetEntries',
  'goose.reserve1.s_bit',
];
/** Decoded allData values, for telling data changes apart. */
const DATA_FIELDS = [
  'goose.boolean', 'goose.bit_string', 'goose.integer', 'goose.unsigned', 'goose.float_value', 'goose.octet_string',
  'goose.visible_string', 'goose.utc_time', 'goose.binary_time',
];

type Row = Record<string, string>;

async function tsharkRows(file: string): Promise<Row[]> {
  const fields = ['frame.number', 'frame.time_epoch', 'eth.src', ...KEY_FIELDS, ...DATA_FIELDS];
  const args = ['-n', '-r', file, '-Y', 'goose', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 256 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const cells = l.split('\t');
    const row: Row = {};
    fields.forEach((f, i) => (row[f] = cells[i] ?? ''));
    return row;
  });
}

/** tshark's `t` ("Jul 24, 2008 14:25:05.140625000 UTC") as seconds since the epoch. */
function tsharkTime(s: string): number {
  const m = /^(\w{3}) +(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d+) UTC$/.exec(s);
  if (m === null) return Number.NaN;
  const secs = Date.UTC(Number(m[3]), 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[1]) / 3, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  return secs + Number(`0.${m[7]}`);
}

interface Ours {
  appid: number;
  length: number;
  gocbRef: string;
  tal: number;
  datSet: string;
  goId: string;
  t: number;
  stNum: number;
  sqNum: number;
  simulation: boolean;
  confRev: number;
  ndsCom: boolean;
  entries: number;
  simulatedBit: boolean;
}

/** Our parser on every GOOSE frame of the capture, by frame number. */
async function ourFrames(file: string): Promise<Map<number, Ours>> {
  const dec = new Decoder();
  const p = new Packet();
  const f = new GooseFrame();
  const out = new Map<number, Ours>();
  let n = 0;
  await readCapture(file, {
    frame(raw: RawFrame) {
      n++;
      if (dec.decode(raw, p) !== OUTCOME.L2 || p.ethertype !== 0x88b8) return;
      parseGoose(p.data, p.l2PayloadOff, p.end, f);
      out.set(n, {
        appid: f.appid,
        length: f.length,
        gocbRef: readText(f.d, f.gocbRefOff, f.gocbRefLen, 1000),
        tal: f.timeAllowedToLive,
        datSet: readText(f.d, f.datSetOff, f.datSetLen, 1000),
        goId: readText(f.d, f.goIdOff, f.goIdLen, 1000),
        t: f.t,
        stNum: f.stNum,
        sqNum: f.sqNum,
        simulation: f.simulation,
        confRev: f.confRev,
        ndsCom: f.ndsCom,
        entries: f.numDatSetEntries,
        simulatedBit: isSimulated(f),
      });
    },
  });
  return out;
}

const tsBool = (s: string) => s === '1' || s === 'True';

function captures(): string[] {
  return manifest().filter((r) => /\bgoose\b/.test(r.protocols)).map((r) => r.path);
}

test('GOOSE: every frame agrees with tshark on the goosePdu key fields', { skip }, async () => {
  const files = captures();
  assert.ok(files.length >= 3, `GOOSE captures in the corpus: ${files.join(', ')}`);
  let compared = 0;
  let agree = 0;
  const problems: string[] = [];
  for (const rel of files) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    const ours = await ourFrames(file);
    for (const r of rows) {
      const o = ours.get(Number(r['frame.number']));
      compared++;
      const diffs: string[] = [];
      const eq = (name: string, a: unknown, b: unknown) => {
        if (a !== b) diffs.push(`${name}: ours ${String(a)}, tshark ${String(b)}`);
      };
      if (o === undefined) diffs.push('not parsed');
      else {
        eq('appid', o.appid, Number(r['goose.appid']));
        eq('length', o.length, Number(r['goose.length']));
        eq('gocbRef', o.gocbRef, r['goose.gocbRef']);
        eq('timeAllowedtoLive', o.tal, Number(r['goose.timeAllowedtoLive']));
        eq('datSet', o.datSet, r['goose.datSet']);
        eq('goID', o.goId, r['goose.goID']);
        const tt = tsharkTime(r['goose.t']);
        if (!(Math.abs(o.t - tt) < 1e-6)) diffs.push(`t: ours ${o.t}, tshark ${r['goose.t']}`);
        eq('stNum', o.stNum, Number(r['goose.stNum']));
        eq('sqNum', o.sqNum, Number(r['goose.sqNum']));
        eq('simulation', o.simulation, tsBool(r['goose.simulation']));
        eq('confRev', o.confRev, Number(r['goose.confRev']));
        eq('ndsCom', o.ndsCom, tsBool(r['goose.ndsCom']));
        eq('numDatSetEntries', o.entries, Number(r['goose.numDatSetEntries']));
        eq('simulated bit', o.simulatedBit, tsBool(r['goose.reserve1.s_bit']));
      }
      if (diffs.length === 0) agree++;
      else if (problems.length < 20) problems.push(`${rel} frame ${r['frame.number']}: ${diffs.join('; ')}`);
    }
  }
  console.log(`GOOSE key fields: ${agree}/${compared} frames agree with tshark`);
  assert.ok(compared > 400, `frames compared: ${compared}`);
  assert.equal(agree, compared, problems.join('\n'));
});

test('GOOSE: the records are the state changes and summaries of tshark\'s frames; data changes without a new stNum are flagged', { skip }, async () => {
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    // The documented rule, applied to tshark's frames.
    interface Pub {
      frames: number;
      changes: number;
      st: number;
      sq: number;
      conf: number;
      datSet: string;
      entries: number;
      data: string;
      last: Row;
    }
    const pubs = new Map<string, Pub>();
    const expected: string[] = [];
    let dataChanges = 0;
    const describe = (kind: string, r: Row, p: Pub) =>
      `${kind} ${r['eth.src']} ${r['goose.gocbRef']} st=${r['goose.stNum']} sq=${r['goose.sqNum']} conf=${r['goose.confRev']} frames=${p.frames} changes=${p.changes}`;
    for (const r of rows) {
      const key = `${r['eth.src']}|${Number(r['goose.appid'])}|${r['goose.gocbRef']}`;
      const st = Number(r['goose.stNum']);
      const sq = Number(r['goose.sqNum']);
      const data = DATA_FIELDS.map((f) => r[f]).join('/');
      let p = pubs.get(key);
      let kind = '';
      if (p === undefined) {
        p = { frames: 0, changes: 0, st, sq, conf: 0, datSet: '', entries: 0, data, last: r };
        pubs.set(key, p);
        kind = 'first';
      } else if (st !== p.st) {
        kind = 'state_change';
        p.changes++;
      } else {
        if (data !== p.data) dataChanges++;
        if (sq < p.sq && sq <= 1) kind = 'restart';
        else if (Number(r['goose.confRev']) !== p.conf || r['goose.datSet'] !== p.datSet || Number(r['goose.numDatSetEntries']) !== p.entries) kind = 'config_change';
      }
      p.frames++;
      p.st = st;
      p.sq = sq;
      p.conf = Number(r['goose.confRev']);
      p.datSet = r['goose.datSet'];
      p.entries = Number(r['goose.numDatSetEntries']);
      p.data = data;
      p.last = r;
      if (kind !== '') expected.push(describe(kind, r, p));
    }
    for (const p of pubs.values()) expected.push(describe('summary', p.last, p));
    const res = await runEngine([file]);
    const got = ((res.records.get('goose') ?? []) as Record<string, unknown>[]).map(
      (x) => `${x.record_kind} ${x.src_mac} ${x.gocb_ref} st=${x.st_num} sq=${x.sq_num} conf=${x.conf_rev} frames=${x.frame_count} changes=${x.state_change_count}`,
    );
    assert.deepEqual(got, expected, rel);
    const c = res.counters.dissectors.goose;
    assert.equal(c.internal_errors, 0);
    assert.equal(c.events.data_changed_without_st_num ?? 0, dataChanges, `${rel}: data changes without a new stNum`);
    console.log(`${rel}: ${rows.length} frames, ${got.length} records (${pubs.size} publishers), ${dataChanges} data changes without a new stNum`);
  }
});
