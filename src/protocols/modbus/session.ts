// Per-flow Modbus/TCP state: MBAP framing on both directions, request/response pairing by
// transaction id (and unit), the pending-request cap, and the records.
//
// Pairing: a request waits in `pending` (oldest first) until a response with its
// transaction id arrives. A response whose unit or function does not fit the waiting
// request is written alone (`response_mismatch`), and so is a response nobody asked for
// (`response_without_request`, normal at the start of a capture). A new request that reuses
// the transaction id and unit of a waiting one means that one got no answer: it is written
// unmatched. Requests waiting longer than REQUEST_TIMEOUT seconds, beyond MAX_PENDING
// (`flooded`), or at the end of the flow are written unmatched too (matched = false).
import type { PduFramer } from '../../dissect/stream.ts';
import { StreamFramer } from '../../dissect/stream.ts';
import type { RecordFields, Session, SessionContext } from '../../dissect/types.ts';
import {
  ENCAPSULATED_INTERFACE_TRANSPORT, EXCEPTION_BIT, MASK_WRITE_REGISTER, MBAP_MAX_LENGTH, MBAP_MAX_STANDARD_LENGTH,
  READ_WRITE_MULTIPLE_REGISTERS, UMAS, conformityName, diagnosticName, exceptionName, functionName, isKnownException, isKnownFunction,
  meiTypeName, objectIdName, readDeviceIdName, umasFunctionName, umasStatusName,
} from './constants.ts';
import {
  MAX_DEVICE_OBJECTS, Msg, PROBLEM, Problems, Txn, hexOf, parseRequest, parseResponse, readU16, requestValuesOf,
} from './parser.ts';
import {
  RECORD_MASK_WRITE_REGISTER, RECORD_MODBUS, RECORD_READ_DEVICE_IDENTIFICATION, RECORD_READ_WRITE_MULTIPLE_REGISTERS,
} from './records.ts';

/** Requests waiting for a response, per flow. */
export const MAX_PENDING = 500;
/** Seconds a request waits for its response before it is written unmatched. */
export const REQUEST_TIMEOUT = 60;
/** Bytes skipped, without a single valid message on the flow, after which it is not Modbus. */
const REJECT_AFTER_SKIPPED = 4096;

export const MODBUS_EVENTS = {
  invalid_length: 'an MBAP length outside 2..254 (UMAS: 2048), or a PDU shorter or longer than its function (or a byte count) says',
  unknown_protocol_id: 'an MBAP header whose protocol identifier is not 0 (Modbus)',
  resync: 'bytes skipped to find the next valid MBAP header (after a gap or invalid bytes)',
  response_without_request: 'a response whose transaction id matches no waiting request',
  response_mismatch: 'a response whose transaction id matches a waiting request but whose unit id or function code does not',
  flooded: `more than ${MAX_PENDING} requests waiting for a response on one flow: the oldest is written unmatched`,
  invalid_value: 'a value the specification does not allow: a quantity out of range, a coil value other than 0xff00/0x0000, a byte count that does not fit the quantity',
  unknown_function: 'a function code that is neither public nor a known vendor-specific one',
  unknown_exception: 'an exception response with an exception code the specification does not define',
  too_many_objects: `a Read Device Identification response with more than ${MAX_DEVICE_OBJECTS} objects: the rest are not recorded`,
} as const;

type EventName = keyof typeof MODBUS_EVENTS;

function needsLink(fc: number): boolean {
  return fc === MASK_WRITE_REGISTER || fc === READ_WRITE_MULTIPLE_REGISTERS || fc === ENCAPSULATED_INTERFACE_TRANSPORT;
}

/** Whether a header found while out of sync is believable: a named function and a fitting length. */
function plausibleAfterLoss(fc: number, length: number): boolean {
  const base = fc & ~EXCEPTION_BIT;
  if (!isKnownFunction(base)) return false;
  if ((fc & EXCEPTION_BIT) !== 0) return length === 3;
  return length <= MBAP_MAX_STANDARD_LENGTH || base === UMAS;
}

export class ModbusSession implements Session, PduFramer {
  private readonly ctx: SessionContext;
  private readonly framer: StreamFramer;
  private readonly pending: Txn[] = [];
  private readonly msg = new Msg();
  private readonly problems = new Problems();
  /** Per side: out of sync (after a gap or an invalid header) until the next valid PDU. */
  private lostOrig = false;
  private lostResp = false;
  private validOrig = false;
  private validResp = false;
  /** Bytes skipped as not the start of a header (for the reject rule). */
  private skippedBytes = 0;
  private rejected = false;
  private links = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.framer = new StreamFramer(this, { maxPdu: 6 + MBAP_MAX_LENGTH });
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    this.framer.data(isOrig, d, off, len);
  }

  gap(isOrig: boolean, len: number): void {
    if (isOrig) this.lostOrig = true;
    else this.lostResp = true;
    this.framer.gap(isOrig, len);
  }

  end(): void {
    for (const t of this.pending) this.writeTxn(t);
    this.pending.length = 0;
  }

  // ---- PduFramer ----

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    if (this.rejected) return -1;
    const lost = isOrig ? this.lostOrig : this.lostResp;
    if (avail >= 4 && (d[off + 2] | d[off + 3]) !== 0) {
      if (!lost) this.loseSync(isOrig, 'unknown_protocol_id', `protocol id ${readU16(d, off + 2)}`);
      return this.skip();
    }
    if (avail < 6) return 0;
    const length = readU16(d, off + 4);
    if (length < 2 || length > MBAP_MAX_LENGTH) {
      if (!lost) this.loseSync(isOrig, 'invalid_length', `MBAP length ${length}`);
      return this.skip();
    }
    if (lost) {
      if (avail < 8) return 0;
      if (!plausibleAfterLoss(d[off + 7], length)) return this.skip();
    }
    return 6 + length;
  }

  /** No header here: the framer skips a byte. Too many without any valid message: not Modbus. */
  private skip(): number {
    if (++this.skippedBytes > REJECT_AFTER_SKIPPED && !this.validOrig && !this.validResp) {
      this.rejected = true;
      this.ctx.reject('no valid Modbus/TCP message');
    }
    return -1;
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    this.ctx.event('resync', `${bytes} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig);
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    if (isOrig) this.lostOrig = false;
    else this.lostResp = false;
    const ts = this.ctx.ts;
    const tid = readU16(d, off);
    const length = len - 6;
    const unit = d[off + 6];
    const fc = d[off + 7];
    const p = this.problems;
    p.reset();
    this.msg.reset();
    if (length > MBAP_MAX_STANDARD_LENGTH && fc !== UMAS) p.length(`MBAP length ${length} over ${MBAP_MAX_STANDARD_LENGTH}`);
    if (!isKnownFunction(fc & ~EXCEPTION_BIT)) this.ctx.event('unknown_function', `function code ${fc}`, isOrig);
    if (isOrig) this.request(ts, tid, unit, fc, d, off + 7, len - 7);
    else this.response(ts, tid, unit, fc, d, off + 7, len - 7);
  }

  // ---- transactions ----

  private request(ts: number, tid: number, unit: number, fc: number, d: Uint8Array, off: number, len: number): void {
    const pending = this.pending;
    // Requests that waited too long got no answer.
    while (pending.length > 0 && ts - pending[0].ts > REQUEST_TIMEOUT) this.writeTxn(pending.shift()!);
    for (let i = 0; i < pending.length; i++) {
      const q = pending[i];
      if (q.tid === tid && q.unit === unit) {
        pending.splice(i, 1);
        this.writeTxn(q);
        break;
      }
    }
    const t = new Txn(ts, tid, unit, fc);
    parseRequest(d, off, len, t, this.msg, this.problems);
    if (needsLink(fc)) t.linkId = this.newLink();
    this.report(true);
    this.messageRecords(true, t, fc);
    pending.push(t);
    if (pending.length > MAX_PENDING) {
      this.ctx.event('flooded', `${pending.length} requests waiting`, true);
      this.writeTxn(pending.shift()!);
    }
  }

  private response(ts: number, tid: number, unit: number, fc: number, d: Uint8Array, off: number, len: number): void {
    const pending = this.pending;
    let t: Txn | null = null;
    // The oldest waiting request this answers; else any with its transaction id (a mismatch).
    let sameTid: Txn | null = null;
    for (let i = 0; i < pending.length; i++) {
      const q = pending[i];
      if (q.tid !== tid) continue;
      if (q.unit === unit && (fc === q.func || fc === (q.func | EXCEPTION_BIT))) {
        t = q;
        pending.splice(i, 1);
        break;
      }
      sameTid ??= q;
    }
    if (t === null) {
      if (sameTid !== null) {
        const q = sameTid;
        this.ctx.event('response_mismatch', `tid ${tid}: response unit ${unit} ${functionName(fc)}, request unit ${q.unit} ${functionName(q.func)}`, false);
      } else {
        this.ctx.event('response_without_request', `tid ${tid} ${functionName(fc)}`, false);
      }
      t = new Txn(ts, tid, unit, fc);
    }
    parseResponse(d, off, len, t, this.msg, this.problems);
    if (t.linkId === undefined && needsLink(fc)) t.linkId = this.newLink();
    this.report(false);
    if (t.exception >= 0 && !isKnownException(t.exception)) this.ctx.event('unknown_exception', `exception code ${t.exception}`, false);
    this.messageRecords(false, t, fc);
    this.writeTxn(t);
  }

  /** Events for the problems of the last parse; a message without length problems counts as valid. */
  private report(isOrig: boolean): void {
    const p = this.problems;
    if ((p.flags & PROBLEM.LENGTH) !== 0) this.ctx.event('invalid_length', p.lengthDetail, isOrig);
    else this.valid(isOrig);
    if ((p.flags & PROBLEM.VALUE) !== 0) this.ctx.event('invalid_value', p.valueDetail, isOrig);
  }

  private valid(isOrig: boolean): void {
    if (isOrig) this.validOrig = true;
    else this.validResp = true;
    this.ctx.valid(isOrig);
  }

  private loseSync(isOrig: boolean, name: EventName, addl: string): void {
    if (isOrig) this.lostOrig = true;
    else this.lostResp = true;
    this.ctx.event(name, addl, isOrig);
  }

  private newLink(): string {
    return `${this.ctx.flow.uid}-${++this.links}`;
  }

  // ---- records ----

  private writeTxn(t: Txn): void {
    const hd = this.ctx.head(t.ts);
    const fields: RecordFields = {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      tid: t.tid,
      unit: t.unit,
      func: functionName(t.func),
      address: t.address,
      quantity: t.quantity,
      request_values: requestValuesOf(t),
      response_values: t.responseValues,
      modbus_detailed_link_id: t.linkId,
      matched: t.hasRequest && t.hasResponse,
      request_subfunction_code: t.requestSub >= 0 ? diagnosticName(t.requestSub) : undefined,
      response_subfunction_code: t.responseSub >= 0 ? diagnosticName(t.responseSub) : undefined,
      request_data: t.requestRaw === undefined ? undefined : hexOf(t.requestRaw, 0, t.requestRaw.length),
      response_data: t.responseData,
      exception_code: t.exception >= 0 ? exceptionName(t.exception) : undefined,
      mei_type: t.mei >= 0 ? meiTypeName(t.mei) : undefined,
      function_code: t.func,
      exception_num: t.exception >= 0 ? t.exception : undefined,
      request_subfunction_num: t.requestSub >= 0 ? t.requestSub : undefined,
      response_subfunction_num: t.responseSub >= 0 ? t.responseSub : undefined,
      mei_type_code: t.mei >= 0 ? t.mei : undefined,
      umas_func: t.umasFunc >= 0 ? umasFunctionName(t.umasFunc) : undefined,
      umas_func_code: t.umasFunc >= 0 ? t.umasFunc : undefined,
      umas_pairing_key: t.umasKey >= 0 ? t.umasKey : undefined,
      umas_status: t.umasStatus >= 0 ? umasStatusName(t.umasStatus) : undefined,
      umas_status_code: t.umasStatus >= 0 ? t.umasStatus : undefined,
      slave_id_text: t.slaveIdText,
      request_seen: t.hasRequest,
      response_seen: t.hasResponse,
    };
    this.ctx.rawRecord(RECORD_MODBUS, fields);
  }

  /** The per-message records of the message just parsed (ICSNPP writes one per message). */
  private messageRecords(isOrig: boolean, t: Txn, fc: number): void {
    const m = this.msg;
    const link = t.linkId ?? '';
    const f = this.ctx.flow;
    const srcH = isOrig ? f.origH : f.respH;
    const srcP = isOrig ? f.origP : f.respP;
    const dstH = isOrig ? f.respH : f.origH;
    const dstP = isOrig ? f.respP : f.origP;
    const rr = isOrig ? 'REQUEST' : 'RESPONSE';
    if (fc === MASK_WRITE_REGISTER && m.maskAddress >= 0) {
      const hd = this.ctx.head();
      this.ctx.rawRecord(RECORD_MASK_WRITE_REGISTER, {
        ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
        is_orig: isOrig, source_h: srcH, source_p: srcP, destination_h: dstH, destination_p: dstP,
        modbus_detailed_link_id: link, tid: t.tid, unit: t.unit, func: functionName(fc), request_response: rr,
        address: m.maskAddress,
        and_mask: m.andMask,
        or_mask: m.orMask,
      });
    } else if (fc === READ_WRITE_MULTIPLE_REGISTERS && (m.readStart >= 0 || m.readRegisters !== undefined)) {
      const hd = this.ctx.head();
      this.ctx.rawRecord(RECORD_READ_WRITE_MULTIPLE_REGISTERS, {
        ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
        is_orig: isOrig, source_h: srcH, source_p: srcP, destination_h: dstH, destination_p: dstP,
        modbus_detailed_link_id: link, tid: t.tid, unit: t.unit, func: functionName(fc), request_response: rr,
        write_start_address: m.writeStart >= 0 ? m.writeStart : undefined,
        write_registers: m.writeRegisters,
        read_start_address: m.readStart >= 0 ? m.readStart : undefined,
        read_quantity: m.readQuantity >= 0 ? m.readQuantity : undefined,
        read_registers: m.readRegisters,
      });
    } else if (fc === ENCAPSULATED_INTERFACE_TRANSPORT && m.deviceIdCode >= 0) {
      if (m.objectsDropped > 0) this.ctx.event('too_many_objects', `${MAX_DEVICE_OBJECTS + m.objectsDropped} objects`, isOrig);
      const objects = isOrig ? undefined : m.objects;
      const count = objects === undefined || objects.length === 0 ? 1 : objects.length;
      for (let i = 0; i < count; i++) {
        const o = objects !== undefined && i < objects.length ? objects[i] : undefined;
        const obj = isOrig ? m.objectId : o !== undefined ? o.id : -1;
        const hd = this.ctx.head();
        this.ctx.rawRecord(RECORD_READ_DEVICE_IDENTIFICATION, {
          ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
          is_orig: isOrig, source_h: srcH, source_p: srcP, destination_h: dstH, destination_p: dstP,
          modbus_detailed_link_id: link, tid: t.tid, unit: t.unit, func: functionName(fc), request_response: rr,
          mei_type: 'READ-DEVICE-IDENTIFICATION',
          conformity_level_code: isOrig ? undefined : hex2(m.conformity),
          conformity_level: isOrig ? undefined : conformityName(m.conformity),
          device_id_code: m.deviceIdCode,
          object_id_code: obj >= 0 ? hex2(obj) : undefined,
          object_id: obj >= 0 ? objectIdName(obj) : undefined,
          object_value: o !== undefined ? o.value : undefined,
          device_id: readDeviceIdName(m.deviceIdCode),
          more_follows: isOrig ? undefined : m.moreFollows !== 0,
          next_object_id: isOrig ? undefined : m.nextObjectId,
        });
      }
    }
  }
}

function hex2(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}
