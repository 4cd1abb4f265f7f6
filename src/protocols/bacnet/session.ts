// Per-flow BACnet/IP state: one UDP datagram per data() call. Every BVLC message becomes a
// `bacnet` record; the services Palisade decodes become bacnet_discovery / bacnet_property /
// bacnet_device_control / bacnet_file records, written as each message is seen (as ICSNPP
// does). Confirmed requests are kept by invoke id until their answer (SimpleACK, ComplexACK,
// Error, Reject, Abort) so answers carry the request's service and round-trip time; segmented
// Confirmed-Requests and ComplexACKs are reassembled before their service data is decoded.
// Both tables are capped; hitting a cap raises an event and the flow goes on.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  ABORT_REASONS, ABORT_SERVICE, BVLC_FUNCTIONS, CONFIRMED_SERVICES, DCC_STATES, ERROR_CLASSES, ERROR_CODES,
  MAX_APDU_OCTETS, NETWORK_MESSAGES, PDU_ABORT, PDU_COMPLEX_ACK, PDU_CONFIRMED_REQUEST, PDU_ERROR,
  PDU_REJECT, PDU_SEGMENT_ACK, PDU_SIMPLE_ACK, PDU_TYPES, PDU_TYPE_NPDU, PDU_UNCONFIRMED_REQUEST, REINIT_STATES,
  REJECT_REASONS, REJECT_SERVICE, SEGMENTATION, SVC_ATOMIC_READ_FILE, SVC_ATOMIC_WRITE_FILE,
  SVC_DEVICE_COMMUNICATION_CONTROL, SVC_READ_PROPERTY, SVC_READ_PROPERTY_MULTIPLE, SVC_READ_RANGE,
  SVC_REINITIALIZE_DEVICE, SVC_WRITE_PROPERTY, SVC_WRITE_PROPERTY_MULTIPLE, UNCONFIRMED_SERVICES, USVC_I_AM,
  USVC_I_HAVE, USVC_WHO_AM_I, USVC_WHO_HAS, USVC_WHO_IS, USVC_YOU_ARE, bvlcResultName, nameOf, propertyName,
} from './constants.ts';
import {
  Frame, OK, P_BAD_BVLC_LENGTH, P_BAD_NPDU_VERSION, P_MALFORMED_NPDU, P_NOT_BVLC, P_TRUNCATED, P_UNKNOWN_PDU_TYPE,
  parseFrame,
} from './parser.ts';
import { MAX_VALUES, SP_OK, ServiceDecoder, type PropertyRow } from './services.ts';
import { objectTypeName } from './tags.ts';
import { vendorName } from './vendors.ts';
import { hexBytes } from '../../core/hex.ts';

/** Confirmed requests awaiting an answer, per flow. */
export const MAX_PENDING = 256;
/** Segmented messages being reassembled at once, per flow. */
export const MAX_REASSEMBLIES = 8;
/** Octets of one reassembled message (64 segments of the largest B/IP APDU, and then some). */
export const MAX_REASSEMBLY_BYTES = 128 * 1024;
/** Network numbers kept per network layer message. */
export const MAX_NETWORKS = 64;

export const BACNET_EVENTS = {
  not_bvlc: 'a datagram of a BACnet/IP flow does not start with a BVLC header (type 0x81)',
  bad_bvlc_length: 'the BVLC length is below 4 or differs from the datagram length',
  truncated: 'a message ends inside its BVLC, NPDU or APDU header',
  bad_npdu_version: 'the NPDU protocol version is not 1',
  malformed_npdu: 'an NPDU with reserved control bits set, SLEN 0 or SNET 0xFFFF',
  unknown_pdu_type: 'an APDU type above 7',
  malformed_service: 'service data that does not decode (bad tag, missing mandatory parameter, missing closing tag)',
  flooded: `more than ${MAX_PENDING} confirmed requests awaiting an answer; the oldest is forgotten`,
  segment_missing: 'a segment arrived out of order or without its first segment; the segmented message is dropped',
  reassembly_overflow: `a segmented message over ${MAX_REASSEMBLY_BYTES} octets, or more than ${MAX_REASSEMBLIES} at once; it is dropped`,
  too_many_values: `more than ${MAX_VALUES} property values in one message; the rest are not recorded`,
  too_deep: 'constructed values nested deeper than the decoder follows',
} as const;

type EventName = keyof typeof BACNET_EVENTS;

const PROBLEM_EVENTS: (EventName | '')[] = [];
PROBLEM_EVENTS[P_NOT_BVLC] = 'not_bvlc';
PROBLEM_EVENTS[P_BAD_BVLC_LENGTH] = 'bad_bvlc_length';
PROBLEM_EVENTS[P_TRUNCATED] = 'truncated';
PROBLEM_EVENTS[P_BAD_NPDU_VERSION] = 'bad_npdu_version';
PROBLEM_EVENTS[P_MALFORMED_NPDU] = 'malformed_npdu';
PROBLEM_EVENTS[P_UNKNOWN_PDU_TYPE] = 'unknown_pdu_type';

/** Reasons of Reject-Message-To-Network (6.4.4). */
const NETWORK_REJECT_REASONS: readonly string[] = [
  'other', 'not-directly-connected', 'busy', 'unknown-network-message', 'too-long', 'security-error', 'addressing-error',
];

/** A confirmed request awaiting its answer. */
class Pending {
  ts: number;
  service: number;
  /** ReadProperty / WriteProperty: the property reference, for the rows of an Error answer. */
  objectType = -1;
  instance = -1;
  property = -1;
  arrayIndex = -1;
  constructor(ts: number, service: number) {
    this.ts = ts;
    this.service = service;
  }
}

/** A segmented message being put together. */
class Reassembly {
  readonly pduType: number;
  readonly service: number;
  nextSeq = 1;
  readonly parts: Uint8Array[] = [];
  bytes = 0;
  /** A segmented request: its entry in the pending table. */
  pending: Pending | null = null;
  constructor(pduType: number, service: number) {
    this.pduType = pduType;
    this.service = service;
  }
}

type Key = number | string;

export class BacnetSession implements Session {
  private readonly ctx: SessionContext;
  private readonly f = new Frame();
  private readonly dec = new ServiceDecoder();
  private readonly pending = new Map<Key, Pending>();
  private readonly reasm = new Map<Key, Reassembly>();
  /**
   * The routing of the message being read, for its service records (bacnet_discovery,
   * bacnet_property, bacnet_device_control, bacnet_file): NPDU SNET/SADR and DNET/DADR, and
   * a Forwarded-NPDU's originating B/IP address. Undefined when the message has none.
   */
  private snet: number | undefined = undefined;
  private sadr: string | undefined = undefined;
  private dnet: number | undefined = undefined;
  private dadr: string | undefined = undefined;
  private fwdIp: string | undefined = undefined;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const f = this.f;
    const r = parseFrame(d, off, len, f);
    if (r === P_NOT_BVLC) {
      this.ctx.event('not_bvlc', len < 4 ? `${len} octets` : `type 0x${d[off].toString(16)}`, isOrig);
      return;
    }
    this.snet = f.snet >= 0 ? f.snet : undefined;
    this.sadr = f.snet >= 0 ? hexBytes(d, f.sadrOff, f.slen) : undefined;
    this.dnet = f.dnet >= 0 ? f.dnet : undefined;
    this.dadr = f.dnet >= 0 && f.dlen > 0 ? hexBytes(d, f.dadrOff, f.dlen) : undefined;
    this.fwdIp = f.fwdOff >= 0 ? ipv4At(d, f.fwdOff) : undefined;
    const matched = f.hasApdu && r !== P_UNKNOWN_PDU_TYPE ? this.match(isOrig) : null;
    this.writeHeader(isOrig, d, r, matched);
    if (r !== OK) {
      const ev = PROBLEM_EVENTS[r];
      if (ev !== '' && ev !== undefined) this.ctx.event(ev, this.detail(r), isOrig);
      // Only the BVLC length was wrong (parseFrame checks it last): the message is read as
      // tshark and ICSNPP read it, and it counts as BACnet.
      if (r !== P_BAD_BVLC_LENGTH) return;
    }
    this.ctx.valid(isOrig);
    if (f.netMsg >= 0) {
      this.ctx.confirm();
      return;
    }
    if (!f.hasApdu) return;
    this.apdu(isOrig, d, matched);
  }

  gap(): void {
    // UDP: no gaps.
  }

  end(): void {
    this.pending.clear();
    this.reasm.clear();
  }

  // ---- pairing ----

  /** The network address part of a pairing key (from the message's routing, read in `data`): '' without routing information. */
  private netKey(requester: boolean, isRequest: boolean): string {
    // The requester's remote address is SNET/SADR of the request and DNET/DADR of the answer.
    const useSource = requester === isRequest;
    if (useSource) return this.snet !== undefined ? `${this.snet}/${this.sadr ?? ''}` : '';
    return this.dnet !== undefined ? `${this.dnet}/${this.dadr ?? ''}` : '';
  }

  /** Key of a transaction: which side asked, the invoke id, and the routed addresses when there are any. */
  private key(requesterIsOrig: boolean, isRequest: boolean): Key {
    const f = this.f;
    const base = (requesterIsOrig ? 256 : 0) + f.invokeId;
    if (f.snet < 0 && f.dnet < 0) return base;
    return `${base}|${this.netKey(true, isRequest)}|${this.netKey(false, isRequest)}`;
  }

  /** For an answer, the pending request it answers (removed when the answer is final). */
  private match(isOrig: boolean): Pending | null {
    const f = this.f;
    const t = f.pduType;
    if (t === PDU_CONFIRMED_REQUEST || t === PDU_UNCONFIRMED_REQUEST || f.invokeId < 0) return null;
    // SegmentACK and Abort may come from either side; the rest answer the other side's request.
    let requesterIsOrig = !isOrig;
    if ((t === PDU_SEGMENT_ACK || t === PDU_ABORT) && !f.server) requesterIsOrig = isOrig;
    const k = this.key(requesterIsOrig, false);
    const p = this.pending.get(k);
    if (p === undefined) return null;
    const final = t === PDU_SIMPLE_ACK || t === PDU_ERROR || t === PDU_REJECT || t === PDU_ABORT || (t === PDU_COMPLEX_ACK && !f.moreFollows);
    if (final) this.pending.delete(k);
    return p;
  }

  private remember(isOrig: boolean, p: Pending): void {
    const k = this.key(isOrig, true);
    if (this.pending.has(k)) this.pending.delete(k);
    else if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value as Key;
      this.pending.delete(oldest);
      this.ctx.event('flooded', `${MAX_PENDING} confirmed requests unanswered`, isOrig);
    }
    this.pending.set(k, p);
  }

  // ---- the bacnet record ----

  private detail(r: number): string {
    const f = this.f;
    switch (r) {
      case P_BAD_BVLC_LENGTH:
        return `BVLC length ${f.bvlcLength}`;
      case P_BAD_NPDU_VERSION:
        return 'NPDU version';
      case P_UNKNOWN_PDU_TYPE:
        return `APDU type ${f.pduType}`;
      default:
        return nameOf(BVLC_FUNCTIONS, f.bvlcFunction);
    }
  }

  private writeHeader(isOrig: boolean, d: Uint8Array, problem: number, matched: Pending | null): void {
    const f = this.f;
    const fi = this.ctx.flow;
    let pduType: string | undefined;
    let pduService: string | undefined;
    let serviceCode: number | undefined;
    let resultCode: string | undefined;
    let resultNum: number | undefined;
    let errorClass: string | undefined;
    let networks: number[] | undefined;
    if (f.resultCode >= 0) {
      resultCode = bvlcResultName(f.resultCode);
      resultNum = f.resultCode;
    }
    if (f.netMsg >= 0) {
      pduType = PDU_TYPE_NPDU;
      pduService = nameOf(NETWORK_MESSAGES, f.netMsg);
      serviceCode = f.netMsg;
      networks = this.networks(d);
      if (f.netMsg === 3 && f.bodyOff < f.end) {
        resultNum = d[f.bodyOff];
        resultCode = nameOf(NETWORK_REJECT_REASONS, resultNum);
      }
    } else if (f.pduType >= 0) {
      pduType = nameOf(PDU_TYPES, f.pduType);
      const t = f.pduType;
      if (t === PDU_UNCONFIRMED_REQUEST) {
        if (f.service >= 0) pduService = nameOf(UNCONFIRMED_SERVICES, f.service);
      } else if (t === PDU_REJECT) {
        pduService = REJECT_SERVICE;
      } else if (t === PDU_ABORT) {
        pduService = ABORT_SERVICE;
      } else if (t !== PDU_SEGMENT_ACK && f.service >= 0) {
        pduService = nameOf(CONFIRMED_SERVICES, f.service);
      }
      if (f.service >= 0 && t !== PDU_REJECT && t !== PDU_ABORT) serviceCode = f.service;
      if (f.reason >= 0) {
        resultNum = f.reason;
        resultCode = nameOf(t === PDU_REJECT ? REJECT_REASONS : ABORT_REASONS, f.reason);
      }
      if (t === PDU_ERROR && (problem === OK || problem === P_BAD_BVLC_LENGTH)) {
        const dec = this.dec;
        dec.begin(d, f.dataOff, f.end);
        dec.error();
        if (dec.fields.errorCode >= 0) {
          resultNum = dec.fields.errorCode;
          resultCode = nameOf(ERROR_CODES, resultNum);
        }
        if (dec.fields.errorClass >= 0) errorClass = nameOf(ERROR_CLASSES, dec.fields.errorClass);
      }
    }
    const seg = f.pduType === PDU_CONFIRMED_REQUEST || f.pduType === PDU_COMPLEX_ACK;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      bvlc_function: nameOf(BVLC_FUNCTIONS, f.bvlcFunction),
      pdu_type: pduType,
      pdu_service: pduService,
      invoke_id: f.invokeId >= 0 ? f.invokeId : undefined,
      result_code: resultCode,
      snet: this.snet,
      slen: f.snet >= 0 ? f.slen : undefined,
      sadr: this.sadr,
      dnet: this.dnet,
      dlen: f.dnet >= 0 ? f.dlen : undefined,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
      fwd_port: f.fwdOff >= 0 ? (d[f.fwdOff + 4] << 8) | d[f.fwdOff + 5] : undefined,
      bvlc_function_code: f.bvlcFunction,
      pdu_type_code: f.netMsg < 0 && f.pduType >= 0 ? f.pduType : undefined,
      pdu_service_code: serviceCode,
      result_code_num: resultNum,
      error_class: errorClass,
      hop_count: f.hopCount >= 0 ? f.hopCount : undefined,
      segmented: seg ? f.segmented : undefined,
      more_follows: seg && f.segmented ? f.moreFollows : undefined,
      sequence_number: f.sequence >= 0 ? f.sequence : undefined,
      window_size: f.window >= 0 ? f.window : undefined,
      max_apdu: f.maxApdu >= 0 ? (MAX_APDU_OCTETS[f.maxApdu] ?? undefined) : undefined,
      networks,
      bvlc_entries: this.entries(d),
      ttl: f.ttl >= 0 ? f.ttl : undefined,
      request_service: matched !== null ? nameOf(CONFIRMED_SERVICES, matched.service) : undefined,
      rtt: matched !== null ? Math.max(0, this.ctx.ts - matched.ts) : undefined,
    });
  }

  private networks(d: Uint8Array): number[] | undefined {
    const f = this.f;
    const p = f.bodyOff;
    const n = f.end - p;
    switch (f.netMsg) {
      case 0x00: // Who-Is-Router-To-Network: optional DNET
      case 0x02: // I-Could-Be-Router-To-Network: DNET, performance index
      case 0x13: // Network-Number-Is: network number, flag
        return n >= 2 ? [(d[p] << 8) | d[p + 1]] : undefined;
      case 0x03: // Reject-Message-To-Network: reason, DNET
        return n >= 3 ? [(d[p + 1] << 8) | d[p + 2]] : undefined;
      case 0x01: // I-Am-Router-To-Network
      case 0x04: // Router-Busy-To-Network
      case 0x05: { // Router-Available-To-Network
        const out: number[] = [];
        for (let i = p; i + 2 <= f.end && out.length < MAX_NETWORKS; i += 2) out.push((d[i] << 8) | d[i + 1]);
        return out.length > 0 ? out : undefined;
      }
      default:
        return undefined;
    }
  }

  private entries(d: Uint8Array): string[] | undefined {
    const f = this.f;
    if (f.deleteOff >= 0) return [bipAt(d, f.deleteOff)];
    if (f.entriesTotal === 0) return undefined;
    const out: string[] = [];
    for (let i = 0; i < f.entries.length; i++) out.push(bipAt(d, f.entries[i]));
    return out;
  }

  // ---- APDUs ----

  private apdu(isOrig: boolean, d: Uint8Array, matched: Pending | null): void {
    const f = this.f;
    const t = f.pduType;
    if (t === PDU_UNCONFIRMED_REQUEST) {
      const ok = this.unconfirmed(isOrig, d, f.dataOff, f.end);
      if (ok) this.ctx.confirm();
      return;
    }
    if ((t === PDU_CONFIRMED_REQUEST || t === PDU_COMPLEX_ACK) && f.segmented) {
      this.segment(isOrig, d, matched);
      return;
    }
    this.complete(isOrig, t, f.service, d, f.dataOff, f.end, matched, null);
  }

  /** A segment of a Confirmed-Request or ComplexACK: kept until the last one, then decoded whole. */
  private segment(isOrig: boolean, d: Uint8Array, matched: Pending | null): void {
    const f = this.f;
    const t = f.pduType;
    const k = `s${isOrig ? 1 : 0}${t}|${this.key(t === PDU_CONFIRMED_REQUEST ? isOrig : !isOrig, t === PDU_CONFIRMED_REQUEST)}`;
    let r = this.reasm.get(k);
    if (f.sequence === 0) {
      if (r !== undefined) this.reasm.delete(k);
      if (this.reasm.size >= MAX_REASSEMBLIES) {
        this.ctx.event('reassembly_overflow', `${MAX_REASSEMBLIES} segmented messages at once`, isOrig);
        return;
      }
      r = new Reassembly(t, f.service);
      this.reasm.set(k, r);
      if (t === PDU_CONFIRMED_REQUEST) {
        r.pending = new Pending(this.ctx.ts, f.service);
        this.remember(isOrig, r.pending);
      }
    } else if (r === undefined) {
      this.ctx.event('segment_missing', `segment ${f.sequence} of invoke id ${f.invokeId} without the first`, isOrig);
      return;
    } else if (f.sequence !== (r.nextSeq & 0xff)) {
      // A repeat of the last segment (lost SegmentACK) is normal; anything else is a hole.
      if (f.sequence === ((r.nextSeq - 1) & 0xff)) return;
      this.reasm.delete(k);
      this.ctx.event('segment_missing', `segment ${f.sequence} where ${r.nextSeq & 0xff} was due`, isOrig);
      return;
    }
    const n = f.end - f.dataOff;
    if (r.bytes + n > MAX_REASSEMBLY_BYTES) {
      this.reasm.delete(k);
      this.ctx.event('reassembly_overflow', `segmented message over ${MAX_REASSEMBLY_BYTES} octets`, isOrig);
      return;
    }
    r.parts.push(d.slice(f.dataOff, f.end));
    r.bytes += n;
    if (f.sequence !== 0) r.nextSeq++;
    if (f.moreFollows) return;
    this.reasm.delete(k);
    const whole = new Uint8Array(r.bytes);
    let o = 0;
    for (const p of r.parts) {
      whole.set(p, o);
      o += p.length;
    }
    this.complete(isOrig, r.pduType, r.service, whole, 0, whole.length, matched, r.pending);
  }

  /**
   * A whole confirmed-service message (request or answer). `d` is the datagram, or the
   * reassembled service data of a segmented message, whose request is already pending (`req`).
   */
  private complete(isOrig: boolean, t: number, service: number, d: Uint8Array, off: number, end: number, matched: Pending | null, req: Pending | null): void {
    const f = this.f;
    const dec = this.dec;
    dec.begin(d, off, end);
    let r = SP_OK;
    switch (t) {
      case PDU_CONFIRMED_REQUEST: {
        let p = req;
        if (p === null) {
          p = new Pending(this.ctx.ts, service);
          this.remember(isOrig, p);
        }
        r = this.request(isOrig, service, p);
        break;
      }
      case PDU_COMPLEX_ACK:
        r = this.complexAck(isOrig, service);
        break;
      case PDU_SIMPLE_ACK:
        if (service === SVC_DEVICE_COMMUNICATION_CONTROL || service === SVC_REINITIALIZE_DEVICE) this.controlResult(isOrig, service, 'SUCCESS', undefined, undefined);
        break;
      case PDU_ERROR:
        r = dec.error();
        this.errorRows(isOrig, service, matched);
        break;
      case PDU_REJECT:
        if (matched !== null && (matched.service === SVC_DEVICE_COMMUNICATION_CONTROL || matched.service === SVC_REINITIALIZE_DEVICE)) {
          this.controlResult(isOrig, matched.service, 'REJECT', nameOf(REJECT_REASONS, f.reason), undefined);
        }
        break;
      case PDU_ABORT:
        if (matched !== null && (matched.service === SVC_DEVICE_COMMUNICATION_CONTROL || matched.service === SVC_REINITIALIZE_DEVICE)) {
          this.controlResult(isOrig, matched.service, 'ABORT', nameOf(ABORT_REASONS, f.reason), undefined);
        }
        break;
      default:
        break;
    }
    if (r !== SP_OK) this.ctx.event('malformed_service', this.serviceLabel(t, service), isOrig);
    this.valueCaps(isOrig);
  }

  private serviceLabel(t: number, service: number): string {
    return `${nameOf(PDU_TYPES, t)} ${nameOf(t === PDU_UNCONFIRMED_REQUEST ? UNCONFIRMED_SERVICES : CONFIRMED_SERVICES, service)}`;
  }

  private valueCaps(isOrig: boolean): void {
    const dec = this.dec;
    if (dec.dropped > 0) this.ctx.event('too_many_values', `${dec.dropped} values not recorded`, isOrig);
    if (dec.tooDeep) this.ctx.event('too_deep', 'values nested too deep', isOrig);
  }

  private request(isOrig: boolean, service: number, p: Pending): number {
    const dec = this.dec;
    let r = SP_OK;
    switch (service) {
      case SVC_READ_PROPERTY:
        r = dec.readProperty();
        this.pendingRef(p);
        this.propertyRows(isOrig, 'read-property-request');
        break;
      case SVC_READ_PROPERTY_MULTIPLE:
        r = dec.readPropertyMultiple();
        this.propertyRows(isOrig, 'read-property-multiple-request');
        break;
      case SVC_WRITE_PROPERTY:
        r = dec.writeProperty();
        this.pendingRef(p);
        this.propertyRows(isOrig, 'write-property');
        break;
      case SVC_WRITE_PROPERTY_MULTIPLE:
        r = dec.writePropertyMultiple();
        this.propertyRows(isOrig, 'write-property-multiple');
        break;
      case SVC_READ_RANGE:
        r = dec.readProperty();
        this.propertyRows(isOrig, 'read-range-request');
        break;
      case SVC_DEVICE_COMMUNICATION_CONTROL:
        r = dec.deviceCommunicationControl();
        this.controlRequest(isOrig, service);
        break;
      case SVC_REINITIALIZE_DEVICE:
        r = dec.reinitializeDevice();
        this.controlRequest(isOrig, service);
        break;
      case SVC_ATOMIC_READ_FILE:
        r = dec.atomicReadFile();
        this.fileRecord(isOrig, 'atomic-read-file-request');
        break;
      case SVC_ATOMIC_WRITE_FILE:
        r = dec.atomicWriteFile();
        this.fileRecord(isOrig, 'atomic-write-file-request');
        break;
      default:
        break;
    }
    return r;
  }

  /** ReadProperty / WriteProperty: keep the property reference for an Error answer. */
  private pendingRef(p: Pending): void {
    const row = this.dec.rows[0];
    if (row === undefined) return;
    p.objectType = row.objectType;
    p.instance = row.instance;
    p.property = row.property;
    p.arrayIndex = row.arrayIndex;
  }

  private complexAck(isOrig: boolean, service: number): number {
    const dec = this.dec;
    let r = SP_OK;
    switch (service) {
      case SVC_READ_PROPERTY:
        r = dec.readPropertyAck();
        this.propertyRows(isOrig, 'read-property-ack');
        break;
      case SVC_READ_PROPERTY_MULTIPLE:
        r = dec.readPropertyMultipleAck();
        this.propertyRows(isOrig, 'read-property-multiple-ack');
        break;
      case SVC_ATOMIC_READ_FILE:
        r = dec.atomicReadFileAck();
        this.fileRecord(isOrig, 'atomic-read-file-ack');
        break;
      case SVC_ATOMIC_WRITE_FILE:
        r = dec.atomicWriteFileAck();
        this.fileRecord(isOrig, 'atomic-write-file-ack');
        break;
      default:
        break;
    }
    return r;
  }

  private unconfirmed(isOrig: boolean, d: Uint8Array, off: number, end: number): boolean {
    const f = this.f;
    const dec = this.dec;
    dec.begin(d, off, end);
    let r: number;
    let name: string;
    switch (f.service) {
      case USVC_WHO_IS:
        r = dec.whoIs();
        name = 'who-is';
        break;
      case USVC_I_AM:
        r = dec.iAm();
        name = 'i-am';
        break;
      case USVC_WHO_HAS:
        r = dec.whoHas();
        name = 'who-has';
        break;
      case USVC_I_HAVE:
        r = dec.iHave();
        name = 'i-have';
        break;
      case USVC_WHO_AM_I:
        r = dec.whoAmI();
        name = 'who-am-i';
        break;
      case USVC_YOU_ARE:
        r = dec.youAre();
        name = 'you-are';
        break;
      default:
        return true;
    }
    if (r !== SP_OK) this.ctx.event('malformed_service', this.serviceLabel(PDU_UNCONFIRMED_REQUEST, f.service), isOrig);
    const x = dec.fields;
    const fi = this.ctx.flow;
    const ranged = f.service === USVC_WHO_IS || f.service === USVC_WHO_HAS;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet_discovery', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      pdu_service: name,
      device_id_type: x.deviceType >= 0 ? objectTypeName(x.deviceType) : undefined,
      device_id_number: x.deviceType >= 0 ? x.deviceInstance : undefined,
      object_type: x.objectType >= 0 ? objectTypeName(x.objectType) : undefined,
      instance_number: x.objectType >= 0 ? x.instance : undefined,
      vendor: x.vendorId >= 0 ? vendorName(x.vendorId) : undefined,
      range: ranged ? (x.low >= 0 && x.high >= 0 ? `${x.low}-${x.high}` : 'All') : undefined,
      object_name: x.objectName,
      vendor_id: x.vendorId >= 0 ? x.vendorId : undefined,
      max_apdu: x.maxApdu >= 0 ? x.maxApdu : undefined,
      segmentation: x.segmentation >= 0 ? nameOf(SEGMENTATION, x.segmentation) : undefined,
      segmentation_code: x.segmentation >= 0 ? x.segmentation : undefined,
      range_low: x.low >= 0 ? x.low : undefined,
      range_high: x.high >= 0 ? x.high : undefined,
      model_name: x.modelName,
      serial_number: x.serialNumber,
      mac_address: x.macAddress,
      object_type_code: x.objectType >= 0 ? x.objectType : undefined,
      snet: this.snet,
      sadr: this.sadr,
      dnet: this.dnet,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
    });
    return r === SP_OK;
  }

  // ---- record writers ----

  private propertyRows(isOrig: boolean, service: string): void {
    const rows = this.dec.rows;
    for (let i = 0; i < rows.length; i++) this.propertyRecord(isOrig, service, rows[i]);
  }

  private propertyRecord(isOrig: boolean, service: string, r: PropertyRow): void {
    const f = this.f;
    const fi = this.ctx.flow;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet_property', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      invoke_id: f.invokeId >= 0 ? f.invokeId : undefined,
      pdu_service: service,
      object_type: r.objectType >= 0 ? objectTypeName(r.objectType) : undefined,
      instance_number: r.objectType >= 0 ? r.instance : undefined,
      property: r.property >= 0 ? propertyName(r.property) : undefined,
      array_index: r.arrayIndex >= 0 ? r.arrayIndex : undefined,
      value: r.value,
      object_type_code: r.objectType >= 0 ? r.objectType : undefined,
      property_code: r.property >= 0 ? r.property : undefined,
      value_type: r.valueType,
      priority: r.priority >= 0 ? r.priority : undefined,
      error_class: r.errorClass >= 0 ? nameOf(ERROR_CLASSES, r.errorClass) : undefined,
      error_code: r.errorCode >= 0 ? nameOf(ERROR_CODES, r.errorCode) : undefined,
      snet: this.snet,
      sadr: this.sadr,
      dnet: this.dnet,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
    });
  }

  /** An Error answer to a property service: one row, with the request's reference when it was single. */
  private errorRows(isOrig: boolean, service: number, matched: Pending | null): void {
    const x = this.dec.fields;
    if (service === SVC_DEVICE_COMMUNICATION_CONTROL || service === SVC_REINITIALIZE_DEVICE) {
      this.controlResult(isOrig, service, 'ERROR', x.errorCode >= 0 ? nameOf(ERROR_CODES, x.errorCode) : undefined,
        x.errorClass >= 0 ? nameOf(ERROR_CLASSES, x.errorClass) : undefined);
      return;
    }
    if (service !== SVC_READ_PROPERTY && service !== SVC_READ_PROPERTY_MULTIPLE && service !== SVC_WRITE_PROPERTY && service !== SVC_WRITE_PROPERTY_MULTIPLE) return;
    const fi = this.ctx.flow;
    const ref = matched !== null && matched.service === service && matched.objectType >= 0 ? matched : null;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet_property', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      invoke_id: this.f.invokeId,
      pdu_service: `ERROR: ${nameOf(CONFIRMED_SERVICES, service)}`,
      object_type: ref !== null ? objectTypeName(ref.objectType) : undefined,
      instance_number: ref !== null ? ref.instance : undefined,
      property: ref !== null && ref.property >= 0 ? propertyName(ref.property) : undefined,
      array_index: ref !== null && ref.arrayIndex >= 0 ? ref.arrayIndex : undefined,
      value: undefined,
      object_type_code: ref !== null ? ref.objectType : undefined,
      property_code: ref !== null && ref.property >= 0 ? ref.property : undefined,
      value_type: undefined,
      priority: undefined,
      error_class: x.errorClass >= 0 ? nameOf(ERROR_CLASSES, x.errorClass) : undefined,
      error_code: x.errorCode >= 0 ? nameOf(ERROR_CODES, x.errorCode) : undefined,
      snet: this.snet,
      sadr: this.sadr,
      dnet: this.dnet,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
    });
  }

  private controlRequest(isOrig: boolean, service: number): void {
    const x = this.dec.fields;
    const fi = this.ctx.flow;
    const states = service === SVC_DEVICE_COMMUNICATION_CONTROL ? DCC_STATES : REINIT_STATES;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet_device_control', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      invoke_id: this.f.invokeId,
      pdu_service: nameOf(CONFIRMED_SERVICES, service),
      time_duration: x.duration >= 0 ? x.duration : undefined,
      device_state: x.state >= 0 ? nameOf(states, x.state) : undefined,
      result: undefined,
      result_code: undefined,
      device_state_code: x.state >= 0 ? x.state : undefined,
      password_present: x.state >= 0 ? x.passwordPresent : undefined,
      error_class: undefined,
      snet: this.snet,
      sadr: this.sadr,
      dnet: this.dnet,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
    });
  }

  private controlResult(isOrig: boolean, service: number, result: string, code: string | undefined, errorClass: string | undefined): void {
    const fi = this.ctx.flow;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet_device_control', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      invoke_id: this.f.invokeId,
      pdu_service: nameOf(CONFIRMED_SERVICES, service),
      time_duration: undefined,
      device_state: undefined,
      result,
      result_code: code,
      device_state_code: undefined,
      password_present: undefined,
      error_class: errorClass,
      snet: this.snet,
      sadr: this.sadr,
      dnet: this.dnet,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
    });
  }

  private fileRecord(isOrig: boolean, service: string): void {
    const x = this.dec.fields;
    const fi = this.ctx.flow;
    const hd = this.ctx.head();
    this.ctx.rawRecord('bacnet_file', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? fi.origH : fi.respH,
      source_p: isOrig ? fi.origP : fi.respP,
      destination_h: isOrig ? fi.respH : fi.origH,
      destination_p: isOrig ? fi.respP : fi.origP,
      invoke_id: this.f.invokeId,
      pdu_service: service,
      object_type: x.objectType >= 0 ? objectTypeName(x.objectType) : undefined,
      instance_number: x.objectType >= 0 ? x.instance : undefined,
      access: x.access,
      start_position: x.start !== -1 || x.access !== undefined ? x.start : undefined,
      count: x.count >= 0 ? x.count : undefined,
      data_length: x.dataLength >= 0 ? x.dataLength : undefined,
      end_of_file: x.endOfFile >= 0 ? x.endOfFile === 1 : undefined,
      snet: this.snet,
      sadr: this.sadr,
      dnet: this.dnet,
      dadr: this.dadr,
      fwd_ip: this.fwdIp,
    });
  }
}

function ipv4At(d: Uint8Array, p: number): string {
  return `${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`;
}

/** A 6-octet B/IP address: IPv4 address and UDP port. */
function bipAt(d: Uint8Array, p: number): string {
  return `${ipv4At(d, p)}:${(d[p + 4] << 8) | d[p + 5]}`;
}
