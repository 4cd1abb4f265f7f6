// Differential test against tshark: every corpus capture whose MANIFEST.md protocols include
// s7comm. Per S7comm PDU, in order per direction, the key fields must agree: ROSCTR
// (s7comm.header.rosctr), the function of Job / Ack-Data (s7comm.param.func), the userdata
// function group and subfunction (s7comm.param.userdata.funcgroup / .subfunc, and
// s7comm.param.modetrans.subfunc for mode-transition pushes) — against Palisade's `s7comm`
// records — and the SZL ids of Read SZL requests and whole answers (s7comm.data.userdata.szl_id)
// against `s7comm_read_szl`. At least 99% of PDUs must agree, and every PDU that does not is
// listed below with the reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const exec = promisify(execFile);

/** PDUs where tshark's key fields differ from the S7comm PDU on the wire, by "capture#frame". */
const TSHARK_DIFFERS: Record<string, string> = {
  'arkime/tests/pcap/s7comm_synthetic.pcap#19':
    'an Ack (ROSCTR 2) whose header announces a 1-byte parameter, 05 (Write Var); tshark dissects no parameter of an Ack, ' +
    'so s7comm.param.func is empty, while Palisade (like ICSNPP) reads the function code that is there',
};

const FIELDS = [
  'frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport',
  's7comm.header.rosctr', 's7comm.param.func', 's7comm.param.userdata.funcgroup', 's7comm.param.userdata.subfunc',
  's7comm.param.modetrans.subfunc', 's7comm.data.userdata.szl_id',
];

interface TsharkPdu {
  frame: number;
  rosctr: number;
  /** Job / Ack-Data function ("0x04"), userdata group and subfunction; undefined when tshark has none. */
  func: string | undefined;
  group: number | undefined;
  sub: number | undefined;
  /** Set when a frame holds several PDUs whose fields cannot be told apart. */
  ambiguous: boolean;
}

interface TsharkCapture {
  pdus: Map<string, TsharkPdu[]>;
  szl: Map<string, string[]>;
}

const last = (s: string) => s.split('|').filter((x) => x !== '').at(-1) ?? '';
const list = (s: string) => (s === '' ? [] : s.split('|'));

async function tsharkPdus(file: string): Promise<TsharkCapture> {
  const args = ['-n', '-r', file, '-Y', 's7comm', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of FIELDS) args.push('-e', f);
  const { stdout } = await exec(TSHARK, args, { maxBuffer: 1 << 28 });
  const out: TsharkCapture = { pdus: new Map(), szl: new Map() };
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const c = line.split('\t');
    const key = `${last(c[1]) || last(c[2])}:${last(c[3])}>${last(c[4]) || last(c[5])}:${last(c[6])}`;
    const rosctrs = list(c[7]).map(Number);
    const funcs = list(c[8]);
    const groups = list(c[9]).map(Number);
    const subs = list(c[10]).map(Number);
    const modes = list(c[11]).map(Number);
    for (const z of list(c[12])) {
      let l = out.szl.get(key);
      if (l === undefined) out.szl.set(key, (l = []));
      l.push(z);
    }
    // Several PDUs in one frame: tshark lists each field's values in order; they line up
    // when every Job/Ack-Data has a function and every userdata PDU a (sub)function.
    const jobs = rosctrs.filter((r) => r === 1 || r === 3).length;
    const uds = rosctrs.filter((r) => r === 7);
    const ambiguous = rosctrs.length > 1 && (funcs.length !== jobs || groups.length !== uds.length);
    let fi = 0;
    let gi = 0;
    let si = 0;
    let mi = 0;
    let l = out.pdus.get(key);
    if (l === undefined) out.pdus.set(key, (l = []));
    for (const rosctr of rosctrs) {
      const p: TsharkPdu = { frame: Number(c[0]), rosctr, func: undefined, group: undefined, sub: undefined, ambiguous };
      if (rosctr === 1 || rosctr === 3) p.func = funcs[fi++];
      else if (rosctr === 7) {
        p.group = groups[gi++];
        p.sub = p.group === 0 ? modes[mi++] : subs[si++];
      }
      l.push(p);
    }
  }
  return out;
}

interface Outcome {
  pdus: number;
  agree: number;
  /** [where ("capture#frame", or "capture direction"), what differs]. */
  differ: [string, string][];
}

async function compareCapture(path: string): Promise<Outcome> {
  const file = join(CORPUS, path);
  const [t, run] = await Promise.all([tsharkPdus(file), runEngine([file])]);
  const ours = new Map<string, Record<string, unknown>[]>();
  const oursSzl = new Map<string, string[]>();
  const dir = (r: Record<string, unknown>) => `${r.source_h}:${r.source_p}>${r.destination_h}:${r.destination_p}`;
  for (const r of (run.records.get('s7comm') ?? []) as Record<string, unknown>[]) {
    let l = ours.get(dir(r));
    if (l === undefined) ours.set(dir(r), (l = []));
    l.push(r);
  }
  for (const r of (run.records.get('s7comm_read_szl') ?? []) as Record<string, unknown>[]) {
    let l = oursSzl.get(dir(r));
    if (l === undefined) oursSzl.set(dir(r), (l = []));
    l.push(r.szl_id as string);
  }
  const out: Outcome = { pdus: 0, agree: 0, differ: [] };
  for (const [k, tl] of t.pdus) {
    const ol = ours.get(k) ?? [];
    if (ol.length !== tl.length) out.differ.push([`${path} ${k}`, `tshark has ${tl.length} PDUs, Palisade ${ol.length}`]);
    for (let i = 0; i < tl.length; i++) {
      out.pdus++;
      const a = tl[i];
      const b = ol[i];
      const where = `${path}#${a.frame}`;
      if (b === undefined) {
        out.differ.push([where, 'no Palisade record']);
        continue;
      }
      const diffs: string[] = [];
      if (a.rosctr !== b.rosctr_code) diffs.push(`rosctr ${a.rosctr} / ${b.rosctr_code}`);
      else if (!a.ambiguous && a.rosctr === 7) {
        const fc = b.function_code === undefined ? -1 : parseInt(b.function_code as string, 16);
        const sc = b.subfunction_code === undefined ? -1 : parseInt(b.subfunction_code as string, 16);
        if (a.group !== (fc & 0x0f)) diffs.push(`funcgroup ${a.group} / ${fc & 0x0f}`);
        if (a.sub !== sc) diffs.push(`subfunc ${a.sub} / ${sc}`);
      } else if (!a.ambiguous && a.func !== b.function_code) {
        diffs.push(`func ${a.func} / ${b.function_code}`);
      }
      if (diffs.length === 0) out.agree++;
      else out.differ.push([where, `${diffs.join(', ')} (tshark / Palisade)`]);
    }
  }
  for (const [k, l] of ours) if (!t.pdus.has(k)) out.differ.push([`${path} ${k}`, `${l.length} Palisade records, no tshark PDU`]);
  const szlKeys = new Set([...t.szl.keys(), ...oursSzl.keys()]);
  for (const k of szlKeys) {
    const a = (t.szl.get(k) ?? []).join(' ');
    const b = (oursSzl.get(k) ?? []).join(' ');
    if (a !== b) out.differ.push([`${path} ${k} SZL`, `SZL ids differ: tshark [${a}], Palisade [${b}]`]);
  }
  return out;
}

test('S7comm: key fields agree with tshark on every corpus capture with S7comm', { skip: !HAVE_CORPUS || !HAVE_TSHARK, timeout: 120_000 }, async (t) => {
  const captures = manifest().filter((r) => /(^|, )s7comm(,|$)/.test(r.protocols)).map((r) => r.path);
  assert.ok(captures.length >= 20, `corpus captures with s7comm: ${captures.length}`);
  let pdus = 0;
  let agree = 0;
  const unexplained: string[] = [];
  const seen = new Set<string>();
  for (const c of captures) {
    const o = await compareCapture(c);
    pdus += o.pdus;
    agree += o.agree;
    for (const [key, what] of o.differ) {
      if (TSHARK_DIFFERS[key] !== undefined) seen.add(key);
      else unexplained.push(`${key}: ${what}`);
    }
  }
  t.diagnostic(`${agree} of ${pdus} PDUs agree (${((100 * agree) / pdus).toFixed(3)}%), ${captures.length} captures`);
  assert.deepEqual(unexplained, []);
  assert.deepEqual([...seen].sort(), Object.keys(TSHARK_DIFFERS).sort(), 'every listed tshark difference still occurs');
  assert.ok(pdus > 20000, `${pdus} PDUs compared`);
  assert.ok(agree / pdus >= 0.99, `${agree} of ${pdus} PDUs agree`);
});
