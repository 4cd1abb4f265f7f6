// Compares Palisade's records with the ICSNPP (icsnpp-s7comm) btest baselines in the corpus:
// cotp.log, s7comm.log, s7comm_plus.log, s7comm_known_devices.log. Used by the cotp, s7comm
// and s7comm_plus baseline tests. Rows are matched per connection (the 5-tuple; btest masks
// ts and uids are Zeek's own) in order; every column of the baseline except ts and uid is
// compared with our value as Palisade's Zeek writer prints it.
import { join } from 'node:path';
import type { ProtocolDef } from '../src/dissect/types.ts';
import { formatZeekValue, type ZeekType } from '../src/events/zeek-tsv.ts';
import { CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine, type EngineRun } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';

export interface BaselineLog {
  /** Path of the log in the corpus. */
  log: string;
  /** Its capture, as MANIFEST.md names it. */
  capture: string;
}

/** Every icsnpp-s7comm baseline log of this record type with its capture. */
export function baselines(type: string): BaselineLog[] {
  const out: BaselineLog[] = [];
  for (const row of manifest()) {
    if (!row.path.startsWith('icsnpp-s7comm/') || !row.path.endsWith(`/${type}.log`)) continue;
    const capture = captureFor(row);
    if (capture !== undefined) out.push({ log: row.path, capture });
  }
  return out;
}

const runs = new Map<string, Promise<EngineRun>>();
export function run(capture: string): Promise<EngineRun> {
  let r = runs.get(capture);
  if (r === undefined) runs.set(capture, (r = runEngine([join(CORPUS, capture)])));
  return r;
}

export interface Comparison {
  /** Baseline rows. */
  rows: number;
  /** Rows whose every compared field agrees. */
  agree: number;
  /** What disagrees, one line per row. */
  problems: string[];
  /** Our records left out before matching, with the reason (records ICSNPP does not write). */
  extra: Map<string, number>;
  /** Fields where ICSNPP writes nothing and Palisade a value, by field (documented additions). */
  filled: Map<string, number>;
}

export interface CompareOptions {
  /** Our records ICSNPP does not write: returns the reason, or undefined to keep the record. */
  extra?: (r: Record<string, unknown>) => string | undefined;
  /** Fields that ICSNPP leaves unset and Palisade fills on purpose. */
  filled?: ReadonlySet<string>;
}

const conn = (r: Record<string, unknown>) => `${r['id.orig_h']}:${r['id.orig_p']} > ${r['id.resp_h']}:${r['id.resp_p']}`;

export function compare(def: ProtocolDef, type: string, b: BaselineLog, engine: EngineRun, opts: CompareOptions = {}): Comparison {
  const schema = new Map<string, ZeekType>(def.records[type].map((f) => [f.name, f.type]));
  const base = readZeekLog(join(CORPUS, b.log));
  const out: Comparison = { rows: base.length, agree: 0, problems: [], extra: new Map(), filled: new Map() };
  const ours = new Map<string, Record<string, unknown>[]>();
  for (const r of (engine.records.get(type) ?? []) as Record<string, unknown>[]) {
    const why = opts.extra?.(r);
    if (why !== undefined) {
      out.extra.set(why, (out.extra.get(why) ?? 0) + 1);
      continue;
    }
    const k = conn(r);
    let l = ours.get(k);
    if (l === undefined) ours.set(k, (l = []));
    l.push(r);
  }
  const next = new Map<string, number>();
  for (const row of base) {
    const k = conn(row);
    const i = next.get(k) ?? 0;
    next.set(k, i + 1);
    const r = ours.get(k)?.[i];
    if (r === undefined) {
      out.problems.push(`${k} row ${i + 1}: no Palisade record`);
      continue;
    }
    const diffs: string[] = [];
    for (const [f, expected] of Object.entries(row)) {
      if (f === 'ts' || f === 'uid') continue;
      const t = schema.get(f);
      if (t === undefined) {
        diffs.push(`${f}: not in the ${type} record`);
        continue;
      }
      const actual = formatZeekValue(t, r[f]);
      if (actual === expected) continue;
      if (expected === '-' && opts.filled?.has(f)) {
        out.filled.set(f, (out.filled.get(f) ?? 0) + 1);
        continue;
      }
      diffs.push(`${f}: ICSNPP ${expected}, Palisade ${actual}`);
    }
    if (diffs.length === 0) out.agree++;
    else out.problems.push(`${k} row ${i + 1}: ${diffs.join('; ')}`);
  }
  for (const [k, l] of ours) {
    const n = next.get(k) ?? 0;
    if (l.length > n) out.problems.push(`${k}: ${l.length - n} Palisade records more than ICSNPP rows`);
  }
  return out;
}
