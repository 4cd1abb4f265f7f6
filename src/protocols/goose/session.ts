// GOOSE state for one engine: one entry per publisher (source MAC, APPID, gocbRef). A GOOSE
// publisher retransmits its data set every few milliseconds to seconds, so a record per frame
// would bury the few frames that matter. The rule (docs/protocols/goose.md):
//   - a record for the first frame of each publisher (record_kind "first");
//   - a record whenever stNum changes (a new event in the data set: "state_change");
//   - a record when sqNum goes back to 0 or 1 with stNum unchanged (the publisher restarted,
//     stNum starting at 1 again: "restart");
//   - a record whenever confRev, datSet or the data set size changes with stNum unchanged
//     ("config_change");
//   - a summary per publisher at the end of input ("summary": the last frame's fields, the
//     number of frames and state changes).
// Retransmissions (same stNum, sqNum + 1) are counted, not written. Anomalies between frames
// of one publisher are events: data changed without a new stNum, stNum or sqNum going back,
// a frame arriving later than the previous frame's timeAllowedtoLive.
import { formatMac } from '../../core/addr.ts';
import type { Packet } from '../../decode/packet.ts';
import type { L2Context, L2Session } from '../../dissect/types.ts';
import { readText } from '../../dissect/ber.ts';
import { ETHERTYPE_GOOSE } from './constants.ts';
import { GooseFrame, PROBLEM, allDataHash, describeAllData, isSimulated, parseGoose } from './parser.ts';
import { KIND_CONFIG_CHANGE, KIND_FIRST, KIND_RESTART, KIND_STATE_CHANGE, KIND_SUMMARY, type GooseRecord } from './records.ts';

/** Publishers tracked per engine; frames of further publishers raise `too_many_publishers` and are not recorded. */
export const MAX_PUBLISHERS = 4096;
/** Data set elements listed in a record (all_data_types / all_data_values). */
export const MAX_VALUES = 64;
/** Characters per listed value, and per name field. */
export const MAX_VALUE_CHARS = 128;
export const MAX_NAME_CHARS = 256;

const PROBLEM_EVENTS = ['', 'truncated', 'bad_length', 'bad_ber', 'unsupported_pdu', 'missing_field', 'bad_field'];

class Publisher {
  readonly macHi: number;
  readonly macLo: number;
  readonly appid: number;
  /** The gocbRef bytes (a copy). */
  readonly ref: Uint8Array;
  frames = 0;
  stateChanges = 0;
  firstTs = 0;
  lastTs = 0;
  stNum = 0;
  sqNum = 0;
  confRev = 0;
  entries = 0;
  dataHash = 0;
  datSetHash = 0;
  timeAllowedToLive = 0;
  /** The last frame's GOOSE payload (a reused buffer) and its addressing, for the summary. */
  last: Uint8Array = new Uint8Array(0);
  lastLen = 0;
  dstHi = 0;
  dstLo = 0;
  vlan = -1;

  constructor(macHi: number, macLo: number, appid: number, ref: Uint8Array) {
    this.macHi = macHi;
    this.macLo = macLo;
    this.appid = appid;
    this.ref = ref;
  }
}

function hashBytes(d: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = off; i < off + len; i++) h = Math.imul(h ^ d[i], 0x01000193);
  return h >>> 0;
}

export class GooseSession implements L2Session {
  private readonly ctx: L2Context;
  private readonly f = new GooseFrame();
  /** Publishers by source MAC (48 bits as a number). */
  private readonly byMac = new Map<number, Publisher[]>();
  private readonly all: Publisher[] = [];
  private capHit = false;
  /** Frames of publishers beyond the cap. */
  untracked = 0;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  frame(p: Packet): void {
    if (p.ethertype !== ETHERTYPE_GOOSE) return;
    const d = p.data;
    const f = this.f;
    const problem = parseGoose(d, p.l2PayloadOff, p.end, f);
    if (problem !== PROBLEM.NONE) this.ctx.event(PROBLEM_EVENTS[problem], f.detail);
    // Only whole goosePdus that name their publisher and state are followed (a frame cut by
    // the snap length, or with broken BER, is an event and nothing more).
    if (problem !== PROBLEM.NONE && problem !== PROBLEM.BAD_FIELD && problem !== PROBLEM.MISSING_FIELD) return;
    if ((f.present & 0x61) !== 0x61) return; // gocbRef, stNum, sqNum
    if (f.allDataCount >= 0 && f.allDataCount !== f.numDatSetEntries && (f.present & (1 << 10)) !== 0) {
      this.ctx.event('entries_mismatch', `numDatSetEntries ${f.numDatSetEntries}, allData has ${f.allDataCount}`);
    }
    const fr = p.frame;
    const m = p.macOff;
    let srcHi = -1;
    let srcLo = 0;
    let dstHi = -1;
    let dstLo = 0;
    if (m >= 0) {
      dstHi = (fr[m] << 8) | fr[m + 1];
      dstLo = ((fr[m + 2] << 24) | (fr[m + 3] << 16) | (fr[m + 4] << 8) | fr[m + 5]) >>> 0;
      srcHi = (fr[m + 6] << 8) | fr[m + 7];
      srcLo = ((fr[m + 8] << 24) | (fr[m + 9] << 16) | (fr[m + 10] << 8) | fr[m + 11]) >>> 0;
    }
    const pub = this.publisher(srcHi, srcLo, f, d);
    if (pub === null) return;
    const ts = this.ctx.ts;
    const hash = allDataHash(f);
    const datSetHash = hashBytes(d, f.datSetOff, f.datSetLen);
    let kind = '';
    if (pub.frames === 0) {
      kind = KIND_FIRST;
      pub.firstTs = ts;
    } else {
      const tal = pub.timeAllowedToLive;
      if (tal > 0 && (ts - pub.lastTs) * 1000 > tal) {
        this.ctx.event('ttl_exceeded', `${gocb(f)}: ${Math.round((ts - pub.lastTs) * 1000)} ms after a frame allowed to live ${tal} ms`);
      }
      if (f.stNum !== pub.stNum) {
        kind = KIND_STATE_CHANGE;
        pub.stateChanges++;
        // stNum wraps to 1 after the maximum; a publisher restart starts again at 1.
        if (f.stNum < pub.stNum && f.stNum !== 1 && f.stNum !== 0) this.ctx.event('st_num_decreased', `${gocb(f)}: stNum ${pub.stNum} -> ${f.stNum}`);
      } else {
        if (hash !== pub.dataHash) this.ctx.event('data_changed_without_st_num', `${gocb(f)}: stNum ${f.stNum}`);
        if (f.sqNum < pub.sqNum) {
          // Back to 0 or 1: the publisher restarted (stNum starts at 1 again). Otherwise a replay or reordering.
          if (f.sqNum <= 1) kind = KIND_RESTART;
          else this.ctx.event('sq_num_decreased', `${gocb(f)}: sqNum ${pub.sqNum} -> ${f.sqNum}`);
        }
        if (kind === '' && (f.confRev !== pub.confRev || datSetHash !== pub.datSetHash || f.numDatSetEntries !== pub.entries)) kind = KIND_CONFIG_CHANGE;
      }
    }
    pub.frames++;
    pub.lastTs = ts;
    pub.stNum = f.stNum;
    pub.sqNum = f.sqNum;
    pub.confRev = f.confRev;
    pub.entries = f.numDatSetEntries;
    pub.dataHash = hash;
    pub.datSetHash = datSetHash;
    pub.timeAllowedToLive = f.timeAllowedToLive;
    pub.dstHi = dstHi;
    pub.dstLo = dstLo;
    pub.vlan = p.vlan;
    // Keep the frame for the end-of-input summary (one copy into a reused buffer).
    const len = p.end - p.l2PayloadOff;
    if (pub.last.length < len) pub.last = new Uint8Array(Math.max(len, 256));
    pub.last.set(d.subarray(p.l2PayloadOff, p.end), 0);
    pub.lastLen = len;
    if (kind !== '') this.write(f, pub, kind, ts, srcHi, srcLo);
  }

  end(): void {
    const f = this.f;
    for (const pub of this.all) {
      parseGoose(pub.last, 0, pub.lastLen, f);
      this.write(f, pub, KIND_SUMMARY, pub.lastTs, pub.macHi, pub.macLo);
    }
  }

  /** The publisher of this frame, made on its first frame; null beyond the cap. */
  private publisher(hi: number, lo: number, f: GooseFrame, d: Uint8Array): Publisher | null {
    const key = hi * 4294967296 + lo;
    let list = this.byMac.get(key);
    if (list !== undefined) {
      for (const pub of list) {
        if (pub.appid !== f.appid || pub.ref.length !== f.gocbRefLen) continue;
        let same = true;
        for (let i = 0; i < f.gocbRefLen; i++) {
          if (pub.ref[i] !== d[f.gocbRefOff + i]) {
            same = false;
            break;
          }
        }
        if (same) return pub;
      }
    }
    if (this.all.length >= MAX_PUBLISHERS) {
      this.untracked++;
      if (!this.capHit) {
        this.capHit = true;
        this.ctx.event('too_many_publishers', `more than ${MAX_PUBLISHERS} publishers: later ones are not recorded`);
      }
      return null;
    }
    const pub = new Publisher(hi, lo, f.appid, d.slice(f.gocbRefOff, f.gocbRefOff + f.gocbRefLen));
    if (list === undefined) this.byMac.set(key, (list = []));
    list.push(pub);
    this.all.push(pub);
    return pub;
  }

  private write(f: GooseFrame, pub: Publisher, kind: string, ts: number, srcHi: number, srcLo: number): void {
    const d = f.d;
    const data = f.allDataCount >= 0 ? describeAllData(f, MAX_VALUES, MAX_VALUE_CHARS) : null;
    const r: GooseRecord = {
      ts,
      src_mac: srcHi >= 0 ? formatMac(srcHi, srcLo) : '',
      dst_mac: pub.dstHi >= 0 ? formatMac(pub.dstHi, pub.dstLo) : '',
      vlan: pub.vlan >= 0 ? pub.vlan : undefined,
      eth_type: '0x88b8',
      appid: '0x' + f.appid.toString(16).padStart(4, '0'),
      length: f.length,
      simulated: isSimulated(f),
      gocb_ref: f.present & 1 ? readText(d, f.gocbRefOff, f.gocbRefLen, MAX_NAME_CHARS) : undefined,
      time_allowed_to_live: f.timeAllowedToLive,
      dataset: f.present & 4 ? readText(d, f.datSetOff, f.datSetLen, MAX_NAME_CHARS) : undefined,
      go_id: f.present & 8 ? readText(d, f.goIdOff, f.goIdLen, MAX_NAME_CHARS) : undefined,
      timestamp: Number.isNaN(f.t) ? undefined : f.t,
      timestamp_quality: Number.isNaN(f.t) ? undefined : f.tQuality,
      st_num: f.stNum,
      sq_num: f.sqNum,
      simulation: f.simulation,
      conf_rev: f.confRev,
      nds_com: f.ndsCom,
      num_dat_set_entries: f.numDatSetEntries,
      all_data_count: f.allDataCount >= 0 ? f.allDataCount : undefined,
      all_data_types: data?.types,
      all_data_values: data?.values,
      record_kind: kind,
      frame_count: pub.frames,
      state_change_count: pub.stateChanges,
      first_ts: pub.firstTs,
    };
    this.ctx.record('goose', r as unknown as Record<string, unknown>);
  }
}

function gocb(f: GooseFrame): string {
  return readText(f.d, f.gocbRefOff, f.gocbRefLen, 96);
}
