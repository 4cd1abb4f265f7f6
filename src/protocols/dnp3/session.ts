// Per-flow DNP3 state: link framing (TCP: StreamFramer; UDP: the frames of each datagram),
// transport reassembly per direction (FIR/FIN/sequence), request/response pairing as Zeek's
// dnp3.log does it, and the records and events (records.ts, index.ts).
//
// Pairing (Zeek's base/protocols/dnp3/main.zeek): a request is kept until the next response
// of either kind, which writes one `dnp3` record with both (ts = the response's time); a
// response with no request kept is written alone; a request still kept at the end of the flow
// is written alone. Where Zeek overwrites a kept request with the next one, it is written
// unanswered instead, so every request appears in a record.
//
// Caps: a fragment of more than MAX_SEGMENTS transport segments is dropped
// (`too_long_reassembly`); object headers per fragment are capped in parser.ts; more than
// FLOOD_REQUESTS requests since the last response raise `flooded` once. The pairing state is
// one kept request and a counter.
import type { FlowInfo, Session, SessionContext, Transport } from '../../dissect/types.ts';
import { StreamFramer, type PduFramer } from '../../dissect/stream.ts';
import {
  BLOCK_CROB, BLOCK_PCB, CTL_FUNC, CTL_PRM, FC_RESPONSE, LFC_CONFIRMED_USER_DATA, LFC_UNCONFIRMED_USER_DATA, LINK_HEADER_LEN, LINK_MAX_FRAME, LINK_MIN_LEN, TH_FIN, TH_FIR, TH_SEQ,
  expectsResponse, functionName, iinFlags, isKnownFunction, objectName, operationTypeName, statusName, tripCodeName,
} from './constants.ts';
import {
  LINK_BAD_CRC, LINK_MORE, LINK_OK, PROBLEM_MALFORMED, PROBLEM_TOO_MANY_OBJECTS, PROBLEM_TOO_MANY_POINTS, PROBLEM_UNKNOWN_OBJECT,
  linkFrameLength, linkHeaderAt, parseFragment, unpackUserData, type FragmentVisitor,
} from './parser.ts';

/** Transport segments one fragment may span: what the 6-bit transport sequence tells apart (≈ 15.9 KB). */
export const MAX_SEGMENTS = 64;
/** Requests without a response after which the flow counts as flooded (suricata-verify dnp3-flood). */
export const FLOOD_REQUESTS = 32;
/** Bytes of a device attribute kept as text. */
const MAX_ATTRIBUTE = 255;

/** Test hook: every application fragment the session parses, as the parser saw it. */
export interface Dnp3Observer {
  fragment(isOrig: boolean, ts: number, fc: number): void;
  /** An object header; `partial` when it was cut short (the parse stopped there). */
  object(isOrig: boolean, ts: number, group: number, variation: number, partial: boolean): void;
}

/** User data of one link frame without its CRCs (one per thread: used within a call only). */
const USER = new Uint8Array(256);

class Side {
  /** The fragment being reassembled (grows up to MAX_SEGMENTS × 249 bytes). */
  frag: Uint8Array = new Uint8Array(0);
  fragLen = 0;
  segments = 0;
  lastSeq = 0;
  inFragment = false;
  /** Segments of a broken fragment are dropped quietly until the next first segment. */
  discarding = false;
  /** Link addresses of the fragment's first segment. */
  src = 0;
  dst = 0;
  /** Link headers with a bad CRC seen while looking for the next frame (reported once that is found). */
  badHeaders = 0;
}

export class Dnp3Session implements Session, PduFramer, FragmentVisitor {
  private readonly ctx: SessionContext;
  private readonly framer: StreamFramer | null;
  private readonly sides: [Side, Side] = [new Side(), new Side()];
  observer: Dnp3Observer | null = null;

  // The fragment being parsed.
  private curOrig = true;
  private curFc = 0;
  private curSrc = 0;
  private curDst = 0;

  // Zeek's kept request (fc -1: none).
  private reqFc = -1;
  private reqTs = 0;
  private reqSrc = 0;
  private reqDst = 0;

  // Flood detection.
  private unanswered = 0;
  private flooded = false;

  // An object header whose record waits for its device attribute (group 0) or the next header.
  private objPending = false;
  private objGroup = 0;
  private objVariation = 0;
  private objQualifier = 0;
  private objCount = -1;
  private objLow = -1;
  private objHigh = -1;
  private objAttribute: string | undefined = undefined;
  private objFileName: string | undefined = undefined;

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.framer = transport === 'tcp' ? new StreamFramer(this, { maxPdu: LINK_MAX_FRAME }) : null;
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) {
      this.framer.data(isOrig, d, off, len);
      return;
    }
    // UDP: a datagram holds whole link frames.
    const end = off + len;
    while (off < end) {
      const h = linkHeaderAt(d, off, end - off);
      if (h === LINK_BAD_CRC) {
        this.ctx.event('bad_link_crc', 'link header CRC', isOrig);
        return;
      }
      if (h !== LINK_OK) {
        this.ctx.event(h === LINK_MORE ? 'malformed' : 'resync', `${end - off} bytes that are not a link frame`, isOrig);
        return;
      }
      const n = this.frameLength(d[off + 2]);
      if (n > end - off) {
        this.ctx.event('malformed', `link frame of ${n} bytes cut to ${end - off}`, isOrig);
        return;
      }
      this.frame(isOrig, d, off, n);
      off += n;
    }
  }

  gap(isOrig: boolean, len: number): void {
    this.framer?.gap(isOrig, len);
    const s = this.sides[isOrig ? 0 : 1];
    // The fragment under way lost bytes: drop it, and what follows of it, quietly.
    if (s.inFragment) {
      s.inFragment = false;
      s.discarding = true;
    }
  }

  end(): void {
    for (let i = 0; i < 2; i++) this.reportBadHeaders(i === 0);
    if (this.reqFc >= 0) this.writeKeptRequest();
  }

  // ---- PduFramer ----

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    const h = linkHeaderAt(d, off, avail);
    if (h === LINK_OK) return this.frameLength(d[off + 2]);
    if (h === LINK_MORE) return 0;
    if (h === LINK_BAD_CRC) this.sides[isOrig ? 0 : 1].badHeaders++;
    return -1;
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    this.frame(isOrig, d, off, len);
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    if (this.sides[isOrig ? 0 : 1].badHeaders > 0) this.reportBadHeaders(isOrig);
    else this.ctx.event('resync', `${bytes} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig);
  }

  private reportBadHeaders(isOrig: boolean): void {
    const s = this.sides[isOrig ? 0 : 1];
    for (; s.badHeaders > 0; s.badHeaders--) this.ctx.event('bad_link_crc', 'link header CRC', isOrig);
  }

  /** Whole frame length for a LEN field; a header with LEN below 5 is consumed alone. */
  private frameLength(lenField: number): number {
    return lenField < LINK_MIN_LEN ? LINK_HEADER_LEN : linkFrameLength(lenField);
  }

  // ---- link and transport layers ----

  /** One link frame with a good header CRC, whole. */
  private frame(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    this.ctx.valid(isOrig);
    const lenField = d[off + 2];
    if (lenField < LINK_MIN_LEN) {
      this.ctx.event('len_too_small', `link LEN ${lenField}`, isOrig);
      return;
    }
    if (lenField === LINK_MIN_LEN) return; // link-layer service frame (no user data)
    const ctl = d[off + 3];
    const lfc = ctl & CTL_FUNC;
    if ((ctl & CTL_PRM) === 0 || (lfc !== LFC_CONFIRMED_USER_DATA && lfc !== LFC_UNCONFIRMED_USER_DATA)) {
      // Only (un)confirmed user data frames carry transport segments (IEEE 1815 §9.2); a
      // device ignores the data of any other link function, and so do we.
      this.ctx.event('unexpected_link_data', `${lenField - LINK_MIN_LEN} bytes of user data in a link frame of function ${lfc}${(ctl & CTL_PRM) !== 0 ? '' : ' (secondary)'}`, isOrig);
      return;
    }
    const dst = d[off + 4] | (d[off + 5] << 8);
    const src = d[off + 6] | (d[off + 7] << 8);
    const n = unpackUserData(d, off, len, USER);
    if (n < 0) {
      this.ctx.event('bad_transport_crc', 'user data block CRC', isOrig);
      return;
    }
    this.segment(isOrig, n, src, dst);
  }

  /** One transport segment: USER[0] is the transport header, USER[1..n) application bytes. */
  private segment(isOrig: boolean, n: number, src: number, dst: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    const th = USER[0];
    const seq = th & TH_SEQ;
    if ((th & TH_FIR) !== 0) {
      if (s.inFragment) this.ctx.event('bad_transport_sequence', 'a first segment before the previous fragment ended', isOrig);
      s.discarding = false;
      if ((th & TH_FIN) !== 0) {
        // The usual case: a fragment in one segment, parsed where it lies.
        s.inFragment = false;
        this.fragment(isOrig, USER, 1, n - 1, src, dst);
        return;
      }
      s.inFragment = true;
      s.fragLen = 0;
      s.segments = 1;
      s.lastSeq = seq;
      s.src = src;
      s.dst = dst;
      append(s, USER, 1, n - 1);
      return;
    }
    if (!s.inFragment) {
      if (!s.discarding) this.ctx.event('bad_transport_sequence', 'a segment without a first segment', isOrig);
      s.discarding = true;
      return;
    }
    if (seq === s.lastSeq) return; // a repeated segment (link-layer retry)
    if (seq !== ((s.lastSeq + 1) & TH_SEQ)) {
      this.ctx.event('bad_transport_sequence', `segment ${seq} after ${s.lastSeq}`, isOrig);
      s.inFragment = false;
      s.discarding = true;
      return;
    }
    if (s.segments >= MAX_SEGMENTS) {
      this.ctx.event('too_long_reassembly', `fragment longer than ${MAX_SEGMENTS} segments (${s.fragLen} bytes so far)`, isOrig);
      s.inFragment = false;
      s.discarding = true;
      return;
    }
    s.segments++;
    s.lastSeq = seq;
    append(s, USER, 1, n - 1);
    if ((th & TH_FIN) !== 0) {
      s.inFragment = false;
      this.fragment(isOrig, s.frag, 0, s.fragLen, s.src, s.dst);
    }
  }

  private fragment(isOrig: boolean, d: Uint8Array, off: number, len: number, src: number, dst: number): void {
    this.curOrig = isOrig;
    this.curSrc = src;
    this.curDst = dst;
    this.curFc = -1;
    parseFragment(d, off, len, this);
    this.flushObject();
  }

  // ---- FragmentVisitor ----

  header(_ac: number, fc: number, iin: number): void {
    this.curFc = fc;
    const ts = this.ctx.ts;
    this.observer?.fragment(this.curOrig, ts, fc);
    if (!isKnownFunction(fc)) this.ctx.event('unknown_function', `function code ${fc}`, this.curOrig);
    if (fc < 0x80) {
      // A request: Zeek keeps it for the next response; one kept before is written unanswered.
      if (this.reqFc >= 0) this.writeKeptRequest();
      this.reqFc = fc;
      this.reqTs = ts;
      this.reqSrc = this.curSrc;
      this.reqDst = this.curDst;
      if (expectsResponse(fc) && ++this.unanswered > FLOOD_REQUESTS && !this.flooded) {
        this.flooded = true;
        this.ctx.event('flooded', `${this.unanswered} requests without a response`, this.curOrig);
      }
      return;
    }
    const kept = this.reqFc >= 0;
    const hd = this.ctx.head(ts);
    this.ctx.rawRecord('dnp3', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      fc_request: kept ? functionName(this.reqFc) : undefined,
      fc_reply: functionName(fc),
      iin,
      fc_request_code: kept ? this.reqFc : undefined,
      fc_reply_code: fc,
      iin_flags: iinFlags(iin),
      master_addr: kept ? this.reqSrc : this.curDst,
      outstation_addr: kept ? this.reqDst : this.curSrc,
    });
    this.reqFc = -1;
    if (fc === FC_RESPONSE) {
      this.unanswered = 0;
      this.flooded = false;
    }
  }

  object(group: number, variation: number, qualifier: number, count: number, low: number, high: number): void {
    this.flushObject();
    this.observer?.object(this.curOrig, this.ctx.ts, group, variation, false);
    this.objPending = true;
    this.objGroup = group;
    this.objVariation = variation;
    this.objQualifier = qualifier;
    this.objCount = count;
    this.objLow = low;
    this.objHigh = high;
    this.objAttribute = undefined;
    this.objFileName = undefined;
  }

  partialObject(group: number, variation: number): void {
    this.observer?.object(this.curOrig, this.ctx.ts, group, variation, true);
  }

  crob(variation: number, index: number, control: number, count: number, onTime: number, offTime: number, status: number): void {
    const resp = this.curFc >= 0x80;
    const f = this.ctx.flow;
    const o = this.curOrig;
    const hd = this.ctx.head();
    this.ctx.rawRecord('dnp3_control', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: o,
      source_h: o ? f.origH : f.respH,
      source_p: o ? f.origP : f.respP,
      destination_h: o ? f.respH : f.origH,
      destination_p: o ? f.respP : f.origP,
      block_type: variation === 1 ? BLOCK_CROB : BLOCK_PCB,
      function_code: functionName(this.curFc),
      index_number: index >= 0 ? index : undefined,
      trip_control_code: tripCodeName(control >> 6),
      operation_type: operationTypeName(control & 0x0f),
      clear_bit: (control & 0x20) !== 0,
      execute_count: count,
      on_time: onTime,
      off_time: offTime,
      status_code: resp ? statusName(status) : undefined,
      fc_code: this.curFc,
      control_code: control,
      status: resp ? status : undefined,
      value: undefined,
    });
  }

  analogOutput(variation: number, index: number, value: number, status: number): void {
    const resp = this.curFc >= 0x80;
    const f = this.ctx.flow;
    const o = this.curOrig;
    const hd = this.ctx.head();
    this.ctx.rawRecord('dnp3_control', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: o,
      source_h: o ? f.origH : f.respH,
      source_p: o ? f.origP : f.respP,
      destination_h: o ? f.respH : f.origH,
      destination_p: o ? f.respP : f.origP,
      block_type: objectName(41, variation),
      function_code: functionName(this.curFc),
      index_number: index >= 0 ? index : undefined,
      trip_control_code: undefined,
      operation_type: undefined,
      clear_bit: undefined,
      execute_count: undefined,
      on_time: undefined,
      off_time: undefined,
      status_code: resp ? statusName(status) : undefined,
      fc_code: this.curFc,
      control_code: undefined,
      status: resp ? status : undefined,
      value,
    });
  }

  sizedObject(group: number, variation: number, d: Uint8Array, off: number, len: number): void {
    if (group !== 70 || !this.objPending || this.objFileName !== undefined) return;
    this.objFileName = fileName(variation, d, off, len);
  }

  attribute(_variation: number, _index: number, type: number, d: Uint8Array, off: number, len: number): void {
    if (this.objPending && this.objAttribute === undefined) this.objAttribute = attributeText(type, d, off, len);
  }

  problem(kind: number, detail: string): void {
    const name =
      kind === PROBLEM_MALFORMED ? 'malformed'
      : kind === PROBLEM_UNKNOWN_OBJECT ? 'unknown_object'
      : kind === PROBLEM_TOO_MANY_OBJECTS ? 'too_many_objects'
      : kind === PROBLEM_TOO_MANY_POINTS ? 'too_many_points'
      : 'malformed';
    this.ctx.event(name, detail, this.curOrig);
  }

  // ---- records ----

  private flushObject(): void {
    if (!this.objPending) return;
    this.objPending = false;
    const f: FlowInfo = this.ctx.flow;
    const o = this.curOrig;
    const ranged = this.objLow >= 0;
    const hd = this.ctx.head();
    this.ctx.rawRecord('dnp3_objects', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: o,
      source_h: o ? f.origH : f.respH,
      source_p: o ? f.origP : f.respP,
      destination_h: o ? f.respH : f.origH,
      destination_p: o ? f.respP : f.origP,
      function_code: functionName(this.curFc),
      object_type: objectName(this.objGroup, this.objVariation),
      object_count: this.objCount >= 0 ? this.objCount : undefined,
      range_low: ranged ? this.objLow : undefined,
      range_high: ranged ? this.objHigh : undefined,
      fc_code: this.curFc,
      object_group: this.objGroup,
      object_variation: this.objVariation,
      qualifier: this.objQualifier,
      attribute_value: this.objAttribute,
      file_name: this.objFileName,
    });
  }

  private writeKeptRequest(): void {
    const hd = this.ctx.head(this.reqTs);
    this.ctx.rawRecord('dnp3', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      fc_request: functionName(this.reqFc),
      fc_reply: undefined,
      iin: undefined,
      fc_request_code: this.reqFc,
      fc_reply_code: undefined,
      iin_flags: undefined,
      master_addr: this.reqSrc,
      outstation_addr: this.reqDst,
    });
    this.reqFc = -1;
  }
}

function append(s: Side, d: Uint8Array, off: number, n: number): void {
  if (n <= 0) return;
  if (s.fragLen + n > s.frag.length) {
    const bigger = new Uint8Array(Math.max(256, s.frag.length * 2, s.fragLen + n));
    bigger.set(s.frag.subarray(0, s.fragLen), 0);
    s.frag = bigger;
  }
  s.frag.set(d.subarray(off, off + n), s.fragLen);
  s.fragLen += n;
}

const HEX = '0123456789abcdef';

/**
 * The file name of a file control object: g70v3 file command and g70v7 file descriptor carry
 * the name's offset and size (from the object's start) in their first four octets; g70v8 is the
 * file specification string itself. Undefined for other variations or impossible offsets.
 */
export function fileName(variation: number, d: Uint8Array, off: number, len: number): string | undefined {
  let start = 0;
  let n = len;
  if (variation === 3 || variation === 7) {
    if (len < 4) return undefined;
    start = d[off] | (d[off + 1] << 8);
    n = d[off + 2] | (d[off + 3] << 8);
    if (start < 4 || start > len || n > len - start) return undefined;
  } else if (variation !== 8) return undefined;
  return text(d, off + start, Math.min(n, MAX_ATTRIBUTE));
}

function text(d: Uint8Array, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

/** A device attribute's value as text: VSTR as sent, UINT/INT/FLT in decimal, anything else hex. */
export function attributeText(type: number, d: Uint8Array, off: number, len: number): string {
  const n = Math.min(len, MAX_ATTRIBUTE);
  if (type === 1) return text(d, off, n);
  if ((type === 2 || type === 3) && len >= 1 && len <= 4) {
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + d[off + i];
    if (type === 3 && d[off + len - 1] >= 0x80) v -= 2 ** (8 * len);
    return String(v);
  }
  if (type === 4 && (len === 4 || len === 8)) {
    const b = d.slice(off, off + len);
    const dv = new DataView(b.buffer);
    return String(len === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true));
  }
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[d[off + i] >> 4] + HEX[d[off + i] & 15];
  return s;
}
