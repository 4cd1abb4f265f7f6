// Per-flow state of IEC 60870-5-104: APDU framing over the TCP stream, the send sequence
// numbers of each direction (gaps are events), and the records: `iec104` per APDU and
// `iec104_object` per information object (at most MAX_OBJECTS of each ASDU are written).
import { StreamFramer, type PduFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  APCI_S, APCI_U, ASDU_HEADER_LENGTH, CONTROL_LENGTH, IOA_LENGTH, LEADING_JUNK, MAX_APDU_LENGTH, SEQ_MODULO, START,
  U_FUNCTIONS, causeName, typeName, uFunctionName,
} from './constants.ts';
import {
  Apci, AsduHeader, InfoObject, Q_NONE, elementSize, parseApci, parseAsduHeader, parseElement, qualityFlags,
  qualityText, readIoa,
} from './parser.ts';

/** Information objects of one ASDU written out (the list in `iec104` and `iec104_object` records). */
export const MAX_OBJECTS = 64;
/** Bytes skipped before the first valid APDU after which the flow is not IEC 104. */
const REJECT_AFTER_BYTES = 2048;
const APCI_NAMES = ['I', 'S', '', 'U'];

/**
 * Whether an APDU header at d[off] (at least 6 bytes) is exactly what its format requires:
 * used where the stream position is uncertain (first bytes of a side, after a gap or garbage).
 */
export function plausibleHeader(d: Uint8Array, off: number): boolean {
  if (d[off] !== START) return false;
  const len = d[off + 1];
  if (len < CONTROL_LENGTH || len > MAX_APDU_LENGTH) return false;
  const c1 = d[off + 2];
  const c2 = d[off + 3];
  const c3 = d[off + 4];
  const c4 = d[off + 5];
  if ((c1 & 1) === 0) return len >= CONTROL_LENGTH + ASDU_HEADER_LENGTH && (c3 & 1) === 0;
  if ((c1 & 3) === 1) return c1 === 0x01 && c2 === 0 && (c3 & 1) === 0 && len === CONTROL_LENGTH;
  return U_FUNCTIONS.has(c1) && c2 === 0 && c3 === 0 && c4 === 0 && len === CONTROL_LENGTH;
}

export class Iec104Session implements Session, PduFramer {
  private readonly ctx: SessionContext;
  private readonly framer: StreamFramer;
  private readonly apci = new Apci();
  private readonly hdr = new AsduHeader();
  private readonly obj = new InfoObject();
  /** APDUs seen in this connection. */
  private apduNo = 0;
  /** Next expected N(S) per side (orig, resp), -1 when unknown. */
  private readonly expectTx = [-1, -1];
  /** Per side: the position is uncertain (after a gap or garbage): accept only a header that is exactly right. */
  private readonly lost = [false, false];
  /** Per side: an APDU was seen. */
  private readonly seen = [false, false];
  private everValid = false;
  private badBytes = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.framer = new StreamFramer(this, { maxPdu: 2 + 255 });
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    this.framer.data(isOrig, d, off, len);
  }

  gap(isOrig: boolean, len: number): void {
    const side = isOrig ? 0 : 1;
    this.lost[side] = true;
    this.expectTx[side] = -1;
    this.framer.gap(isOrig, len);
  }

  end(): void {}

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    if (d[off] === START) {
      if (avail < 2) return 0;
      const len = d[off + 1];
      if (len >= CONTROL_LENGTH) {
        if (!this.lost[isOrig ? 0 : 1]) return 2 + len;
        if (avail < 2 + CONTROL_LENGTH) return 0;
        if (plausibleHeader(d, off)) return 2 + len;
      }
    }
    this.lost[isOrig ? 0 : 1] = true;
    if (!this.everValid && ++this.badBytes === REJECT_AFTER_BYTES) this.ctx.reject('no IEC 104 APDU');
    return -1;
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    // After a gap, skipping to the next header is expected, and so are a few keep-alive bytes
    // before a side's first APDU (a capture that starts mid-connection); elsewhere it is garbage.
    if (afterGap || (!this.seen[isOrig ? 0 : 1] && bytes <= LEADING_JUNK)) return;
    this.ctx.event('bad_start', `${bytes} bytes without an APDU start`, isOrig);
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const side = isOrig ? 0 : 1;
    this.lost[side] = false;
    this.seen[side] = true;
    const a = this.apci;
    const ctx = this.ctx;
    if (!parseApci(d, off, len, a)) {
      // A start octet and a length but fewer than 4 control octets cannot come from the framer.
      return;
    }
    const apdu = ++this.apduNo;
    if (a.length > MAX_APDU_LENGTH) ctx.event('bad_length', `APDU length ${a.length} > ${MAX_APDU_LENGTH}`, isOrig);
    if (a.format === APCI_U) {
      if (!U_FUNCTIONS.has(a.uFunc)) ctx.event('unknown_u_func', `control octet 0x${a.uFunc.toString(16)}`, isOrig);
      else if (a.length !== CONTROL_LENGTH) ctx.event('bad_length', `U frame with length ${a.length}`, isOrig);
      else if (!a.wellFormed) ctx.event('bad_control', 'U frame control octets 2-4 not zero', isOrig);
      this.writeApci(isOrig, apdu);
    } else if (a.format === APCI_S) {
      if (a.length !== CONTROL_LENGTH) ctx.event('bad_length', `S frame with length ${a.length}`, isOrig);
      else if (!a.wellFormed) ctx.event('bad_control', 'S frame control bits not as the format requires', isOrig);
      this.writeApci(isOrig, apdu);
    } else {
      this.checkSequence(side, isOrig);
      if (len < 2 + CONTROL_LENGTH + ASDU_HEADER_LENGTH) {
        ctx.event('bad_length', `I frame with length ${a.length}: no data unit identifier`, isOrig);
        this.writeApci(isOrig, apdu);
      } else {
        if ((d[off + 4] & 1) !== 0) ctx.event('bad_control', 'I frame receive sequence number with bit 0 set', isOrig);
        this.asdu(isOrig, apdu, d, off + 2 + CONTROL_LENGTH, len - 2 - CONTROL_LENGTH);
      }
    }
    if (a.wellFormed) {
      this.everValid = true;
      ctx.valid(isOrig);
    }
  }

  private checkSequence(side: number, isOrig: boolean): void {
    const tx = this.apci.tx;
    const want = this.expectTx[side];
    if (want >= 0 && tx !== want) this.ctx.event('seq_gap', `N(S) ${tx}, expected ${want}`, isOrig);
    this.expectTx[side] = (tx + 1) % SEQ_MODULO;
  }

  private writeApci(isOrig: boolean, apdu: number): void {
    const a = this.apci;
    const hd = this.ctx.head();
    this.ctx.rawRecord('iec104', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      apdu,
      apdu_len: a.length,
      apci_type: APCI_NAMES[a.format],
      apci_tx: a.tx >= 0 ? a.tx : undefined,
      apci_rx: a.rx >= 0 ? a.rx : undefined,
      u_func: a.format === APCI_U ? uFunctionName(a.uFunc) : undefined,
      u_func_code: a.format === APCI_U ? a.uFunc : undefined,
    });
  }

  /** The ASDU at d[off], `len` bytes (the rest of the APDU). */
  private asdu(isOrig: boolean, apdu: number, d: Uint8Array, off: number, len: number): void {
    const ctx = this.ctx;
    const h = this.hdr;
    parseAsduHeader(d, off, len, h);
    const info = h.info;
    const typeId = info !== undefined ? info.name : typeName(h.typeId);
    const cause = causeName(h.cause);
    let ioas: number[] | undefined;
    let values: (number | null)[] | undefined;
    let qualities: string[] | undefined;
    if (info === undefined) {
      ctx.event('unknown_type_id', `type identification ${h.typeId}`, isOrig);
    } else {
      ioas = [];
      values = [];
      qualities = [];
      const o = this.obj;
      const end = off + len;
      let p = off + ASDU_HEADER_LENGTH;
      let decoded = 0;
      let base = 0;
      if (h.sq && h.count > 0) {
        if (end - p >= IOA_LENGTH) base = readIoa(d, p);
        p += IOA_LENGTH;
      }
      for (let i = 0; i < h.count && p <= end; i++) {
        let ioa: number;
        if (h.sq) {
          ioa = (base + i) & 0xffffff;
        } else {
          if (end - p < IOA_LENGTH) break;
          ioa = readIoa(d, p);
          p += IOA_LENGTH;
        }
        const size = elementSize(info, d, p, end - p);
        if (size < 0) break;
        decoded++;
        if (decoded <= MAX_OBJECTS) {
          o.reset(ioa);
          parseElement(info, d, p, o);
          ioas.push(ioa);
          values.push(Number.isNaN(o.value) ? null : o.value);
          qualities.push(qualityText(o.quality, o.qualityScheme));
          this.writeObject(isOrig, apdu, typeId, h.typeId, cause, o);
        }
        p += size;
      }
      if (decoded < h.count || p !== end) {
        ctx.event('length_mismatch', `${typeId}: ${h.count} objects declared, ${decoded} fit in ${len - ASDU_HEADER_LENGTH} bytes`, isOrig);
      }
      if (decoded > MAX_OBJECTS) ctx.event('too_many_objects', `${decoded} objects, ${MAX_OBJECTS} written`, isOrig);
    }
    const a = this.apci;
    const hd = ctx.head();
    ctx.rawRecord('iec104', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      apdu,
      apdu_len: a.length,
      apci_type: 'I',
      apci_tx: a.tx,
      apci_rx: a.rx,
      u_func: undefined,
      u_func_code: undefined,
      type_id: typeId,
      type_id_code: h.typeId,
      sq: h.sq,
      num_ix: h.count,
      cause_tx: cause,
      cause_tx_code: h.cause,
      negative: h.negative,
      test: h.test,
      originator_address: h.originator,
      common_address: h.commonAddress,
      ioa: ioas,
      value: values,
      quality: qualities,
    });
  }

  private writeObject(isOrig: boolean, apdu: number, typeId: string, typeCode: number, cause: string, o: InfoObject): void {
    const h = this.hdr;
    const hd = this.ctx.head();
    this.ctx.rawRecord('iec104_object', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      apdu,
      type_id: typeId,
      type_id_code: typeCode,
      cause_tx: cause,
      cause_tx_code: h.cause,
      common_address: h.commonAddress,
      ioa: o.ioa,
      value: Number.isNaN(o.value) ? undefined : o.value,
      value_name: o.valueName !== '' ? o.valueName : undefined,
      quality: o.qualityScheme !== Q_NONE ? qualityFlags(o.quality, o.qualityScheme) : undefined,
      time: o.hasTime && !Number.isNaN(o.time) ? o.time : undefined,
      time_cp24: o.timeCp24 !== '' ? o.timeCp24 : undefined,
      time_invalid: o.hasTime ? o.timeIv : undefined,
      time_summer: o.hasTime && o.timeCp24 === '' ? o.timeSummer : undefined,
      elapsed_ms: o.elapsedMs >= 0 ? o.elapsedMs : undefined,
      select: o.select >= 0 ? o.select === 1 : undefined,
      qualifier: o.qualifier >= 0 ? o.qualifier : undefined,
      qualifier_name: o.qualifierName !== '' ? o.qualifierName : undefined,
      freeze: o.freeze >= 0 ? o.freeze : undefined,
      transient: o.transient >= 0 ? o.transient === 1 : undefined,
    });
  }
}

