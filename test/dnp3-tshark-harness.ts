// DNP3 against tshark (test/dnp3-tshark*.test.ts) on every corpus capture MANIFEST.md lists with dnp3: the application
// fragments that complete in each frame (per side; frames of one side with the same
// timestamp, as millisecond captures have, are taken together) must agree with tshark's on
// the key fields, the function code (dnp3.al.func) and the object types of the object
// headers (dnp3.al.obj, group × 256 + variation), for at least 99% of the fragments.
//
// Two views are compared. The parser's: a test observer on each session reports every
// fragment it parses (function code, object headers including one cut short, which tshark
// lists too). The records': Palisade's dnp3_objects records (ts, direction, fc_code,
// object_group/object_variation) against tshark's objects of the same frames; its
// dnp3_control records against tshark's control blocks (dnp3.ctl.op, dnp3.ctl.trip,
// dnp3.al.count, dnp3.al.on_time, dnp3.al.off_time, dnp3.al.anaout.*, and in responses
// dnp3.al.ctrlstatus); file names (dnp3.al.file_name) against dnp3_objects.file_name.
//
// Wireshark 4.0 reads object headers only for some functions (TSHARK_OBJECT_FUNCTIONS); for
// the others only the function code is compared. Frames where tshark is wrong are listed in
// TSHARK_WRONG, each with its reason; the test checks the evidence of each against tshark's
// own fields and leaves the frame out of the counts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import { isPalisadeError } from '../src/core/errors.ts';
import { Registry } from '../src/dissect/registry.ts';
import type { ProtocolDef, SessionContext, Transport } from '../src/dissect/types.ts';
import { Engine } from '../src/pipeline/engine.ts';
import { dnp3 } from '../src/protocols/dnp3/index.ts';
import type { Dnp3Session } from '../src/protocols/dnp3/session.ts';
import { CORPUS, manifest } from './support/corpus.ts';
import { TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const MERGECAP = process.env.MERGECAP ?? '/usr/bin/mergecap';

/** Every corpus capture MANIFEST.md lists with dnp3. */
export const CAPTURES = [...new Set(manifest().filter((r) => /\bdnp3\b/.test(r.protocols)).map((r) => r.path))].sort();
/** The opendnp3 conformance dumps (many small captures, compared in a file of their own). */
export const isConformance = (c: string) => c.includes('/opendnp3-3/conformance/');

/**
 * Functions whose object headers Wireshark 4.0 dissects; for the others its tree ends at the
 * function code (assign_class.pcap frame 1: "c3 16 3c 03 06 01 00 06" holds the headers
 * g60v3 and g1v0, tshark lists no dnp3.al.obj; likewise STOP_APPL, AUTHENTICATE_REQ/RESP).
 */
const TSHARK_OBJECT_FUNCTIONS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21, 25, 26, 27, 129, 130]);

/** Evidence tshark gives for a frame (its own fields). */
interface Evidence {
  /** dnp3.ctl of each link frame. */
  ctl: number[];
  /** dnp3.tr.ctl of each link frame. */
  tr: number[];
  /** dnp3.al.ctl of each fragment tshark decoded. */
  al: number[];
  /** dnp3.al.objq.prefix and dnp3.al.objq.range of each object header. */
  prefix: number[];
  range: number[];
  expert: string;
}

/** Why tshark is wrong on a frame, with the check of its evidence. */
const REASONS = {
  wrap: {
    why: 'the fragment\'s transport sequence wraps from 63 to 0 between its segments (IEEE 1815 counts it modulo 64); tshark does not join the segment with sequence 0 to the fragment, so it shows no application layer where the fragment ends',
    check: (f: Frame, e: Evidence = f.ev) => e.tr.some((t) => (t & 0xc0) === 0x80 && (t & 0x3f) === 0),
  },
  stale: {
    why: 'a fragment in one segment (FIR and FIN) with a transport sequence an older, never finished fragment of this side used; tshark appends it to that one and reads zeros (application control 0x00, CONFIRM)',
    check: (f: Frame, e: Evidence = f.ev) => e.tr.some((t) => (t & 0xc0) === 0xc0) && e.al.includes(0),
  },
  unknownObject: {
    why: 'tshark does not know an object type IEEE 1815 Annex A defines (g51v2 unsynchronized CTO, g0 device attributes …), says so, and stops reading the fragment there; the headers after it are missing from its list',
    check: (f: Frame, e: Evidence = f.ev) => /Unknown Object\\Variation|Unknown Group 0 Variation/.test(e.expert),
  },
  reservedQualifier: {
    why: 'an object header whose qualifier has a reserved range code (10, 12-15) or prefix code (7): its range field has no defined size, so nothing after it can be located; tshark reads it as a header without range and goes on reading the objects\' bytes as further headers',
    check: (f: Frame, e: Evidence = f.ev) => e.range.some((r) => r === 10 || r >= 12) || e.prefix.includes(7),
  },
  variationZero: {
    why: 'an object header of variation 0 ("any variation": it names objects, it cannot carry them) in a function whose headers carry object data: the objects have no size, so nothing after them can be located; tshark takes them as empty and reads on',
    check: (f: Frame) => f.objs.some((o) => (o & 0xff) === 0 && o >> 8 !== 60) && f.funcs.some((fc) => fc !== 1 && fc !== 7 && fc !== 9 && fc !== 20 && fc !== 21 && fc !== 22),
  },
  linkFunction: {
    why: 'tshark decodes user data in a link frame whose function carries none (test link, reserved functions); only primary CONFIRMED/UNCONFIRMED_USER_DATA frames carry transport segments, and Palisade ignores the others as an outstation does (event unexpected_link_data)',
    check: (f: Frame, e: Evidence = f.ev) => e.ctl.some((c) => (c & 0x40) === 0 || ((c & 0x0f) !== 3 && (c & 0x0f) !== 4)),
  },
} as const;

/** Frames where tshark's reading is wrong (capture → reason → frame numbers); they (and the frames of their side with the same timestamp) are left out of the counts. */
const TSHARK_WRONG: Record<string, Partial<Record<keyof typeof REASONS, number[]>>> = {
  'icsnpp-dnp3/testing/traces/dnp3_example.pcap': { wrap: [18, 114, 210, 810], stale: [311] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/6.6.2.2/dump.pcap': { linkFunction: [14, 16] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/6.6.2.5/dump.pcap': { linkFunction: [8] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/8.14.2.13/dump.pcap': { unknownObject: [10, 16] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/8.14.2.14/dump.pcap': { unknownObject: [10, 16] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/8.22.2.12/dump.pcap': { unknownObject: [10] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/8.22.2.13/dump.pcap': { unknownObject: [10, 16] },
  'iti-ics-security-tools/pcaps/dnp3/opendnp3-3/conformance/8.22.2.15/dump.pcap': { unknownObject: [10] },
  // A fuzzed capture: OPERATE requests whose CROB header has a mutated qualifier and object bytes.
  'iti-ics-security-tools/pcaps/openics/DNP3-Malformed.pcap': {
    reservedQualifier: [45, 47, 48, 49, 50, 63, 65, 66, 67, 68, 82, 84, 85, 86, 87, 101, 103, 104, 105, 106, 119, 121, 122, 123, 124, 138, 140, 141, 142, 143, 159, 161, 162, 163, 164, 180, 182, 183, 184, 185],
    variationZero: [156, 157, 160, 169, 170],
  },
};

interface Frame {
  /** File names of file control objects (dnp3.al.file_name). */
  files: string[];
  /** Control relay output / pattern control blocks: "op trip count on off" each, in order. */
  crobs: string[];
  /** Control status octets of the blocks (CROB, PCB, analog output). */
  statuses: number[];
  /** Analog output block values. */
  values: number[];
  funcs: number[];
  objs: number[];
  /** Frame numbers of this key. */
  frames: number[];
  ev: Evidence;
}

type Key = string;
/** tshark's control blocks; one cut short by the end of a fragment (its status octet missing) is not a record. */
const crobList = (op: number[], trip: number[], count: number[], on: number[], off: number[], statuses: number) =>
  op.map((o, i) => `${o} ${trip[i]} ${count[i]} ${on[i]} ${off[i]}`).slice(0, statuses);
const key = (ts: number, srcIp: string, srcPort: number): Key => `${ts.toFixed(6)} ${srcIp}:${srcPort}`;
const nums = (s: string) => (s === '' ? [] : s.split(',').map(Number));

interface TsharkView {
  byKey: Map<Key, Frame>;
  byFrame: Map<number, Frame>;
}

const FIELDS = ['frame.interface_id', 'frame.number', 'frame.time_epoch', 'ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport', 'dnp3.al.func', 'dnp3.al.obj',
  'dnp3.ctl', 'dnp3.tr.ctl', 'dnp3.al.ctl', 'dnp3.al.objq.prefix', 'dnp3.al.objq.range', '_ws.expert.message', 'tcp.analysis.retransmission', 'dnp3.al.file_name',
  'dnp3.ctl.op', 'dnp3.ctl.trip', 'dnp3.al.count', 'dnp3.al.on_time', 'dnp3.al.off_time', 'dnp3.al.ctrlstatus',
  'dnp3.al.anaout.int', 'dnp3.al.anaout.float', 'dnp3.al.anaout.double'];

async function tshark(file: string): Promise<string> {
  // No display filter: every frame is printed, so frame numbers can be counted per interface.
  const args = ['-n', '-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])];
  try {
    return (await run(TSHARK, args, { maxBuffer: 256 << 20 })).stdout;
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    if (typeof out !== 'string') throw e;
    return out;
  }
}

/**
 * tshark's frames, per interface of the file read (one per capture when several were merged),
 * numbered within their capture.
 */
function parseTshark(stdout: string): Map<number, TsharkView> {
  const views = new Map<number, TsharkView>();
  const first = new Map<number, number>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [iface, numText, ts, ip4, ip6, tport, uport, func, obj, ctl, tr, al, prefix, range, expert, retrans, file, op, trip, count, on, off, status, aInt, aFloat, aDouble] = line.split('\t');
    const id = Number(iface);
    if (!first.has(id)) first.set(id, Number(numText));
    const num = Number(numText) - first.get(id)! + 1;
    if (ctl === '') continue; // not DNP3
    // A TCP retransmission repeats bytes the receiver already has: no new fragment (Palisade's
    // reassembly delivers each byte once; tshark dissects the copy again).
    if (retrans !== '') continue;
    let v = views.get(id);
    if (v === undefined) views.set(id, (v = { byKey: new Map(), byFrame: new Map() }));
    const ip = (ip4 !== '' ? ip4 : ip6).split(',')[0];
    const port = Number((tport !== '' ? tport : uport).split(',')[0]);
    const one: Frame = {
      files: file === '' ? [] : file.split(','),
      crobs: crobList(nums(op), nums(trip), nums(count), nums(on), nums(off), nums(status).length),
      statuses: nums(status),
      values: [...nums(aInt), ...nums(aFloat), ...nums(aDouble)],
      funcs: nums(func), objs: nums(obj), frames: [num],
      ev: { ctl: nums(ctl), tr: nums(tr), al: nums(al), prefix: nums(prefix), range: nums(range), expert },
    };
    v.byFrame.set(num, one);
    const k = key(Number(ts), ip, port);
    const e = v.byKey.get(k);
    if (e === undefined) v.byKey.set(k, { files: [...one.files], crobs: [...one.crobs], statuses: [...one.statuses], values: [...one.values], funcs: [...one.funcs], objs: [...one.objs], frames: [...one.frames], ev: one.ev });
    else {
      e.files.push(...one.files);
      e.crobs.push(...one.crobs);
      e.statuses.push(...one.statuses);
      e.values.push(...one.values);
      e.frames.push(...one.frames);
      e.funcs.push(...one.funcs);
      e.objs.push(...one.objs);
    }
  }
  return views;
}

const EMPTY_VIEW = (): TsharkView => ({ byKey: new Map(), byFrame: new Map() });

/** tshark's view of one capture. */
async function tsharkFrames(file: string): Promise<TsharkView> {
  return parseTshark(await tshark(file)).get(0) ?? EMPTY_VIEW();
}

/**
 * tshark's views of many small captures from one tshark run (its start-up costs more than
 * reading them): mergecap concatenates them into a pcapng with one interface per capture
 * (`-I none`), and frames are renumbered per interface. Only for captures whose connections
 * are all distinct, so tshark's TCP and DNP3 reassembly cannot mix them.
 */
export async function tsharkMerged(files: string[]): Promise<Map<string, TsharkView>> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-dnp3-'));
  try {
    const merged = join(dir, 'merged.pcapng');
    await run(MERGECAP, ['-a', '-I', 'none', '-F', 'pcapng', '-w', merged, ...files.map((f) => join(CORPUS, f))]);
    const views = parseTshark(await tshark(merged));
    return new Map(files.map((f, i) => [f, views.get(i) ?? EMPTY_VIEW()]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Side {
  funcs: number[];
  /** Object types per fragment, in order. */
  objs: number[][];
}

async function palisade(file: string): Promise<{
  parsed: Map<Key, Side>;
  records: Map<Key, { funcs: number[]; objs: number[]; files: string[] }>;
  controls: Map<Key, { crobs: string[]; statuses: number[]; values: number[] }>;
}> {
  const parsed = new Map<Key, Side>();
  const at = (k: Key) => {
    let e = parsed.get(k);
    if (e === undefined) parsed.set(k, (e = { funcs: [], objs: [] }));
    return e;
  };
  const observed: ProtocolDef = {
    ...dnp3,
    create(ctx: SessionContext, transport: Transport) {
      const s = dnp3.create(ctx, transport) as Dnp3Session;
      const k = (isOrig: boolean, ts: number) => key(ts, isOrig ? ctx.flow.origH : ctx.flow.respH, isOrig ? ctx.flow.origP : ctx.flow.respP);
      s.observer = {
        fragment(isOrig, ts, fc) {
          const e = at(k(isOrig, ts));
          e.funcs.push(fc);
          e.objs.push([]);
        },
        object(isOrig, ts, g, v) {
          const e = at(k(isOrig, ts));
          e.objs[e.objs.length - 1].push(g * 256 + v);
        },
      };
      return s;
    },
  };
  const records = new Map<Key, { funcs: number[]; objs: number[]; files: string[] }>();
  const controls = new Map<Key, { crobs: string[]; statuses: number[]; values: number[] }>();
  const engine = new Engine(
    {
      write(type, rec) {
        const r = rec as Record<string, unknown>;
        if (type === 'dnp3_control') {
          const k = key(r.ts as number, r.source_h as string, r.source_p as number);
          let e = controls.get(k);
          if (e === undefined) controls.set(k, (e = { crobs: [], statuses: [], values: [] }));
          const cc = r.control_code as number | undefined;
          if (cc !== undefined) e.crobs.push(`${cc & 0x0f} ${cc >> 6} ${r.execute_count} ${r.on_time} ${r.off_time}`);
          if (r.status !== undefined) e.statuses.push(r.status as number);
          if (r.value !== undefined) e.values.push(r.value as number);
          return;
        }
        if (type !== 'dnp3_objects') return;
        const k = key(r.ts as number, r.source_h as string, r.source_p as number);
        let e = records.get(k);
        if (e === undefined) records.set(k, (e = { funcs: [], objs: [], files: [] }));
        e.objs.push((r.object_group as number) * 256 + (r.object_variation as number));
        e.funcs.push(r.fc_code as number);
        if (r.file_name !== undefined) e.files.push(r.file_name as string);
      },
    },
    { registry: new Registry([observed]) },
  );
  try {
    await readCapture(file, engine);
  } catch (e) {
    if (!isPalisadeError(e)) throw e;
  }
  engine.finish();
  return { parsed, records, controls };
}

const same = <T>(a: T[], b: T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (l: number[]) => l.map((x) => x.toString(16).padStart(4, '0')).join(',');

export interface Tally {
  /** Control blocks (dnp3_control records) in tshark's frames, and those whose fields and value agree. */
  controls: number;
  controlsAgree: number;
  /** File names of file control objects: in tshark's frames, and equal in Palisade's records. */
  files: number;
  filesAgree: number;
  pdus: number;
  funcAgree: number;
  agree: number;
  recordFrames: number;
  recordAgree: number;
  excluded: number;
  diffs: string[];
}

export async function compareCapture(rel: string, t: Tally, view?: TsharkView): Promise<void> {
  const file = join(CORPUS, rel);
  const [{ byKey: ts, byFrame }, ours] = await Promise.all([view ?? tsharkFrames(file), palisade(file)]);
  const wrong = new Set<number>();
  for (const [reason, frames] of Object.entries(TSHARK_WRONG[rel] ?? {}) as [keyof typeof REASONS, number[]][]) {
    for (const n of frames) {
      const f = byFrame.get(n);
      assert.ok(f !== undefined, `${rel} frame ${n} is listed as "${reason}" but tshark has no DNP3 there`);
      assert.ok(REASONS[reason].check(f), `${rel} frame ${n} is listed as "${reason}" but tshark's fields do not show it: ${JSON.stringify(f)}`);
      wrong.add(n);
    }
  }
  for (const k of new Set([...ts.keys(), ...ours.parsed.keys()])) {
    const f = ts.get(k);
    if (f !== undefined && f.frames.some((n) => wrong.has(n))) {
      t.excluded += f.funcs.length;
      continue;
    }
    const o = ours.parsed.get(k) ?? { funcs: [], objs: [] };
    const tf = f?.funcs ?? [];
    const n = Math.max(tf.length, o.funcs.length);
    if (n === 0) continue;
    t.pdus += n;
    let fa = 0;
    for (let i = 0; i < n; i++) if (tf[i] !== undefined && tf[i] === o.funcs[i]) fa++;
    t.funcAgree += fa;
    // tshark's objects are of the functions it dissects, in order.
    const ourObjs = o.objs.filter((_, i) => TSHARK_OBJECT_FUNCTIONS.has(o.funcs[i])).flat();
    const objOk = same(f?.objs ?? [], ourObjs);
    if (objOk) t.agree += fa;
    if (fa < n || !objOk) {
      t.diffs.push(`${rel} frames ${f?.frames ?? '-'} (${k}): tshark func ${tf} obj ${hex(f?.objs ?? [])} / Palisade func ${o.funcs} obj ${hex(ourObjs)}`);
    }
    // Records: the dnp3_objects of these frames against tshark's object list. A header cut
    // short is in tshark's list (and the parser's), never in a record.
    // Control blocks: CROB/PCB fields, analog output values, and the status of responses.
    const c = ours.controls.get(k) ?? { crobs: [], statuses: [], values: [] };
    const tc = f ?? { crobs: [], statuses: [], values: [] };
    // tshark's dnp3.al.anaout.* also hold analog output statuses and events (g40, g42, g43):
    // its values are those of the blocks only when no such header is in the frames.
    if (f !== undefined && f.objs.some((o) => o >> 8 === 40 || o >> 8 === 42 || o >> 8 === 43)) {
      tc.values = c.values;
      if (!f.objs.some((o) => o >> 8 === 41)) tc.values = [];
    }
    const n2 = Math.max(tc.crobs.length + tc.values.length, c.crobs.length + c.values.length);
    if (n2 > 0) {
      t.controls += n2;
      const response = tf.some((fc) => fc >= 0x80);
      const valuesOk = same([...tc.values].sort((a, b) => a - b).map((x) => x.toPrecision(6)), [...c.values].sort((a, b) => a - b).map((x) => x.toPrecision(6)));
      if (same(tc.crobs, c.crobs) && valuesOk && (!response || same(tc.statuses, c.statuses))) t.controlsAgree += n2;
      else t.diffs.push(`controls ${rel} frames ${f?.frames ?? '-'}: tshark ${tc.crobs} ${tc.values} status ${tc.statuses} / records ${c.crobs} ${c.values} status ${c.statuses}`);
    }
    const r = ours.records.get(k) ?? { funcs: [], objs: [], files: [] };
    if ((f?.files.length ?? 0) > 0 || r.files.length > 0) {
      t.files += Math.max(f?.files.length ?? 0, r.files.length);
      if (same(f?.files ?? [], r.files)) t.filesAgree += r.files.length;
      else t.diffs.push(`file names ${rel} frames ${f?.frames ?? '-'}: tshark ${f?.files} / records ${r.files}`);
    }
    const rObjs = r.objs.filter((_, i) => TSHARK_OBJECT_FUNCTIONS.has(r.funcs[i]));
    if ((f?.objs.length ?? 0) === 0 && rObjs.length === 0) continue;
    t.recordFrames++;
    const complete = o.objs.filter((_, i) => TSHARK_OBJECT_FUNCTIONS.has(o.funcs[i])).flat().slice(0, rObjs.length);
    if (objOk && same(complete, rObjs) && r.funcs.every((fc) => tf.includes(fc))) t.recordAgree++;
    else t.diffs.push(`records ${rel} frames ${f?.frames ?? '-'}: tshark obj ${hex(f?.objs ?? [])} / records ${hex(rObjs)}`);
  }
}

/** Compares `captures` (a few at a time: tshark runs beside the engine) and checks the agreement. */
export async function compareAll(captures: string[], minPdus: number, merged = false): Promise<void> {
  const t: Tally = { controls: 0, controlsAgree: 0, files: 0, filesAgree: 0, pdus: 0, funcAgree: 0, agree: 0, recordFrames: 0, recordAgree: 0, excluded: 0, diffs: [] };
  if (merged) {
    const views = await tsharkMerged(captures);
    for (const c of captures) await compareCapture(c, t, views.get(c));
  } else {
    for (let i = 0; i < captures.length; i += 4) await Promise.all(captures.slice(i, i + 4).map((c) => compareCapture(c, t)));
  }
  const pct = (a: number, b: number) => (100 * a) / b;
  const msg = `${captures.length} captures, fragments ${t.pdus} (${t.excluded} more in frames tshark reads wrong): function code ${pct(t.funcAgree, t.pdus).toFixed(2)}%, function code and objects ${pct(t.agree, t.pdus).toFixed(2)}%; dnp3_objects records in ${t.recordFrames} frames: ${pct(t.recordAgree, t.recordFrames).toFixed(2)}%; file names ${t.filesAgree}/${t.files}; control blocks ${t.controlsAgree}/${t.controls}\n${t.diffs.slice(0, Number(process.env.DNP3_DIFFS ?? 60)).join('\n')}`;
  console.log(msg);
  assert.ok(t.pdus >= minPdus, msg);
  assert.ok(pct(t.agree, t.pdus) >= 99, msg);
  assert.ok(pct(t.recordAgree, t.recordFrames) >= 99, msg);
  assert.equal(t.filesAgree, t.files, msg);
  assert.ok(pct(t.controlsAgree, t.controls) >= 99, msg);
}
