// MMS state for one connection: requests waiting for their answer, paired by invoke id
// (confirmed services, cancel) or by kind (initiate, conclude), per direction. Each COTP DT
// payload (TSDU) the cotp parent hands over is unwrapped (session, presentation, ACSE) to
// its MMS PDU; an answer writes the transaction's record, a lone PDU (unconfirmed,
// reject without a pending request, a response whose request was not seen) writes its own.
// Unanswered requests are written at the end of the flow, or when the pending cap evicts them.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  CONFIRMED_SERVICES, ERROR_CLASSES, ERROR_CODES, OBJECT_CLASSES, PDU_CANCEL_ERROR, PDU_CANCEL_REQUEST,
  PDU_CANCEL_RESPONSE, PDU_CONCLUDE_ERROR, PDU_CONCLUDE_REQUEST, PDU_CONCLUDE_RESPONSE, PDU_CONFIRMED_ERROR,
  PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE, PDU_INITIATE_ERROR, PDU_INITIATE_REQUEST, PDU_INITIATE_RESPONSE, PDU_NAMES,
  PDU_REJECT, PDU_UNCONFIRMED, REJECT_CODES, REJECT_REASONS, SVC_WRITE, UNCONFIRMED_SERVICES, nameOf,
} from './constants.ts';
import { Carried, OSI_BAD_ACSE, OSI_BAD_PRESENTATION, OSI_OK, unwrap } from './osi.ts';
import type { MmsInfo} from './parser.ts';
import { MMS_BAD_BER, MMS_BAD_PDU, MMS_OK, MMS_UNKNOWN_PDU, parseMms, pduTypeOf } from './parser.ts';
import type { MmsRecord } from './records.ts';

/** Requests waiting for an answer per connection; beyond it the oldest is written unanswered (`too_many_pending`). */
export const MAX_PENDING = 256;

class Pending {
  readonly ts: number;
  readonly isOrig: boolean;
  readonly m: MmsInfo;
  constructor(ts: number, isOrig: boolean, m: MmsInfo) {
    this.ts = ts;
    this.isOrig = isOrig;
    this.m = m;
  }
}

// Keys of pending requests: kind, side and invoke id in one number.
const KIND_CONFIRMED = 0;
const KIND_CANCEL = 1;
const KIND_INITIATE = 2;
const KIND_CONCLUDE = 3;
const key = (kind: number, isOrig: boolean, invokeId: number) => (kind * 2 + (isOrig ? 0 : 1)) * 4294967296 + (invokeId >>> 0);

export class MmsSession implements Session {
  private readonly ctx: SessionContext;
  private readonly c = new Carried();
  private readonly pending = new Map<number, Pending>();

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (len <= 0) return;
    const c = this.c;
    const end = off + len;
    const bare = pduTypeOf(d[off]) >= 0;
    const problem = unwrap(d, off, end, bare, c);
    if (problem !== OSI_OK) {
      this.ctx.event(problem === OSI_BAD_PRESENTATION ? 'bad_presentation' : problem === OSI_BAD_ACSE ? 'bad_acse' : 'bad_session', c.detail, isOrig);
      return;
    }
    if (c.mmsEnd <= c.mmsOff) {
      // A session or ACSE PDU without MMS (release, abort, an empty DATA TRANSFER).
      this.ctx.valid(isOrig);
      return;
    }
    const m = parseMms(d, c.mmsOff, c.mmsEnd);
    if (m.problem === MMS_UNKNOWN_PDU) {
      this.ctx.event('unknown_pdu', m.detail, isOrig);
      return;
    }
    if (m.problem === MMS_BAD_BER) this.ctx.event('bad_ber', m.detail, isOrig);
    else if (m.problem === MMS_BAD_PDU) this.ctx.event('bad_pdu', m.detail, isOrig);
    if (m.problem === MMS_OK) this.ctx.valid(isOrig);
    this.handle(isOrig, m);
  }

  gap(_isOrig: boolean, _len: number): void {
    // The cotp parent resynchronises; PDUs lost in a gap leave their requests pending.
  }

  end(): void {
    for (const p of this.pending.values()) this.write(p.ts, p.isOrig, p.m, null, undefined);
    this.pending.clear();
  }

  private handle(isOrig: boolean, m: MmsInfo): void {
    const ts = this.ctx.ts;
    switch (m.type) {
      case PDU_CONFIRMED_REQUEST:
        this.request(key(KIND_CONFIRMED, isOrig, m.invokeId), ts, isOrig, m);
        break;
      case PDU_CANCEL_REQUEST:
        this.request(key(KIND_CANCEL, isOrig, m.invokeId), ts, isOrig, m);
        break;
      case PDU_INITIATE_REQUEST:
        this.request(key(KIND_INITIATE, isOrig, 0), ts, isOrig, m);
        break;
      case PDU_CONCLUDE_REQUEST:
        this.request(key(KIND_CONCLUDE, isOrig, 0), ts, isOrig, m);
        break;
      case PDU_CONFIRMED_RESPONSE:
      case PDU_CONFIRMED_ERROR:
        this.answer(key(KIND_CONFIRMED, !isOrig, m.invokeId), ts, isOrig, m, true);
        break;
      case PDU_CANCEL_RESPONSE:
      case PDU_CANCEL_ERROR:
        this.answer(key(KIND_CANCEL, !isOrig, m.invokeId), ts, isOrig, m, true);
        break;
      case PDU_INITIATE_RESPONSE:
      case PDU_INITIATE_ERROR:
        this.answer(key(KIND_INITIATE, !isOrig, 0), ts, isOrig, m, true);
        break;
      case PDU_CONCLUDE_RESPONSE:
      case PDU_CONCLUDE_ERROR:
        this.answer(key(KIND_CONCLUDE, !isOrig, 0), ts, isOrig, m, true);
        break;
      case PDU_REJECT:
        // A reject answers the confirmed request it names, if one is pending; else it stands alone.
        if (m.invokeId >= 0 && this.pending.has(key(KIND_CONFIRMED, !isOrig, m.invokeId))) {
          this.answer(key(KIND_CONFIRMED, !isOrig, m.invokeId), ts, isOrig, m, false);
        } else {
          this.write(ts, isOrig, m, null, undefined);
        }
        break;
      case PDU_UNCONFIRMED:
        this.write(ts, isOrig, m, null, undefined);
        break;
    }
  }

  private request(k: number, ts: number, isOrig: boolean, m: MmsInfo): void {
    const old = this.pending.get(k);
    if (old !== undefined) {
      if (m.type === PDU_CONFIRMED_REQUEST || m.type === PDU_CANCEL_REQUEST) this.ctx.event('duplicate_invoke_id', `invokeID ${m.invokeId} reused before its answer`, isOrig);
      this.pending.delete(k);
      this.write(old.ts, old.isOrig, old.m, null, undefined);
    }
    if (this.pending.size >= MAX_PENDING) {
      const [k0, p0] = this.pending.entries().next().value!;
      this.pending.delete(k0);
      this.ctx.event('too_many_pending', `more than ${MAX_PENDING} requests without an answer`, isOrig);
      this.write(p0.ts, p0.isOrig, p0.m, null, undefined);
    }
    this.pending.set(k, new Pending(ts, isOrig, m));
  }

  private answer(k: number, ts: number, isOrig: boolean, m: MmsInfo, unmatchedEvent: boolean): void {
    const p = this.pending.get(k);
    if (p === undefined) {
      if (unmatchedEvent) this.ctx.event('unmatched_response', `${nameOf(PDU_NAMES, m.type)} without a request${m.invokeId >= 0 ? ` (invokeID ${m.invokeId})` : ''}`, isOrig);
      this.write(ts, !isOrig, null, m, undefined);
      return;
    }
    this.pending.delete(k);
    this.write(p.ts, p.isOrig, p.m, m, ts - p.ts);
  }

  /** Writes the record of a request and its answer (either may be missing). */
  private write(ts: number, isOrig: boolean, req: MmsInfo | null, res: MmsInfo | null, rtt: number | undefined): void {
    const a = req ?? res!;
    const unconfirmed = a.type === PDU_UNCONFIRMED;
    const svc = req !== null && req.service >= 0 ? req.service : res !== null && res.service >= 0 ? res.service : -1;
    const err = res !== null && res.errorClass >= 0 ? res : req !== null && req.errorClass >= 0 ? req : null;
    const rej = res !== null && res.rejectReason >= 0 ? res : req !== null && req.rejectReason >= 0 ? req : null;
    const named = req !== null && (req.itemIds !== undefined || req.domainIds !== undefined) ? req : res;
    const dataFrom = req !== null && (req.service === SVC_WRITE || req.type === PDU_UNCONFIRMED) ? req : (res ?? req);
    const data = dataFrom?.data;
    const r: MmsRecord = {
      is_orig: isOrig,
      invoke_id: a.invokeId >= 0 ? a.invokeId : res !== null && res.invokeId >= 0 ? res.invokeId : undefined,
      pdu_type: req !== null ? nameOf(PDU_NAMES, req.type) : undefined,
      pdu_type_code: req !== null ? req.type : undefined,
      response_pdu_type: res !== null ? nameOf(PDU_NAMES, res.type) : undefined,
      response_pdu_type_code: res !== null ? res.type : undefined,
      service: svc < 0 ? undefined : nameOf(unconfirmed ? UNCONFIRMED_SERVICES : CONFIRMED_SERVICES, svc),
      service_code: svc < 0 ? undefined : svc,
      domain_id: named?.domainIds,
      item_id: named?.itemIds,
      variable_list: req?.variableList ?? res?.variableList,
      object_class: req !== null && req.objectClass >= 0 ? nameOf(OBJECT_CLASSES, req.objectClass) : undefined,
      object_class_code: req !== null && req.objectClass >= 0 ? req.objectClass : undefined,
      name_list: res?.names,
      more_follows: res?.moreFollows,
      file_name: req?.fileName,
      program_invocation: req?.programInvocation,
      vendor: res?.vendor,
      model: res?.model,
      revision: res?.revision,
      max_pdu_size_calling: req !== null && req.maxPduSize >= 0 ? req.maxPduSize : undefined,
      max_pdu_size_called: res !== null && res.maxPduSize >= 0 ? res.maxPduSize : undefined,
      version_proposed: req !== null && req.version >= 0 ? req.version : undefined,
      version_negotiated: res !== null && res.version >= 0 ? res.version : undefined,
      data_count: data?.count,
      data_types: data?.types,
      data_values: data?.values,
      write_results: res?.writeResults,
      error_class: err !== null ? nameOf(ERROR_CLASSES, err.errorClass) : undefined,
      error_class_code: err !== null ? err.errorClass : undefined,
      error_code: err !== null && err.errorCode >= 0 ? err.errorCode : undefined,
      error_name: err !== null && err.errorCode >= 0 ? nameOf(ERROR_CODES[err.errorClass] ?? [], err.errorCode) : undefined,
      reject_reason: rej !== null ? nameOf(REJECT_REASONS, rej.rejectReason) : undefined,
      reject_code: rej !== null && rej.rejectCode >= 0 ? rej.rejectCode : undefined,
      reject_name: rej !== null && rej.rejectCode >= 0 ? nameOf(REJECT_CODES[rej.rejectReason] ?? [], rej.rejectCode) : undefined,
      rtt,
    };
    this.ctx.record('mms', r as unknown as Record<string, unknown>, ts);
  }
}
