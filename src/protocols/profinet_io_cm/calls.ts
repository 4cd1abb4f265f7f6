// Pairing PNIO requests with their responses, across flows. A PROFINET IO device answers a
// call from another UDP port than the one it was called on (the controller calls port 34964,
// the device answers from 49152, and later calls go to that port), so a call's request and
// response often travel in different flows. This is the protocol's shared state (one per
// engine, SharedState in src/dissect/types.ts): sessions hand it each complete request and
// response, keyed by the two hosts' addresses, activity UUID and sequence number (DCE 1.1:
// activity and sequence identify a call; the addresses keep apart two hosts that use the
// same activity, as copies of one device's traffic do); a response completes the call and
// its records are written; a request unanswered for 60 s, and the calls still open at the
// end of input, are written unanswered. Capped: open calls per engine (the oldest is written
// unanswered). With several worker threads, frames are spread by IP address pair
// (src/decode/shard.ts), so the flows of one call, between the same two hosts, land in the
// same worker, and the calls (but for the cap) are the same whatever the number of workers.
import type { FlowInfo, L2Context, RecordFields, SharedState } from '../../dissect/types.ts';
import {
  BLOCK, OPNUM, actionName, alarmCrTypeName, arTypeName, blockName, controlCommandNames, errorCode1Name, errorCode2Name,
  errorCodeName, errorDecodeName, indexName, interfaceName, iocrTypeName, moduleStateName, ncaStatusName, operationName,
  rtClassName, submoduleTypeName,
} from './constants.ts';
import type { PnioPdu, RecordInfo } from './pnio.ts';
import { RECORD_AR, RECORD_CALL, RECORD_IOCR, RECORD_RECORD, RECORD_SUBMODULE } from './records.ts';

/** Calls open at once (per engine), at most. */
export const MAX_CALLS = 1024;
/** A request unanswered this long (seconds) is written unanswered (PNIO's RPC timeouts are seconds). */
export const CALL_TIMEOUT = 60;

/** Where records go: a session's rawRecord, or the shared state's own context at the end. */
export interface RecordSink {
  write(type: string, fields: RecordFields): void;
}

/** One side of a call: who sent it, when, in which flow, and what it held. */
export class CallSide {
  readonly ts: number;
  readonly flow: FlowInfo;
  readonly isOrig: boolean;
  readonly pdu: PnioPdu;
  readonly fragments: number;

  constructor(ts: number, flow: FlowInfo, isOrig: boolean, pdu: PnioPdu, fragments: number) {
    this.ts = ts;
    this.flow = flow;
    this.isOrig = isOrig;
    this.pdu = pdu;
    this.fragments = fragments;
  }

  get srcH(): string {
    return this.isOrig ? this.flow.origH : this.flow.respH;
  }
  get srcP(): number {
    return this.isOrig ? this.flow.origP : this.flow.respP;
  }
  get dstH(): string {
    return this.isOrig ? this.flow.respH : this.flow.origH;
  }
  get dstP(): number {
    return this.isOrig ? this.flow.respP : this.flow.origP;
  }
}

/** The identity of a call, from its DCE/RPC header. */
export class CallId {
  readonly pnio: number;
  readonly interfaceUuid: string;
  readonly objectUuid: string;
  /** Vendor id, device id and instance of a PNIO object UUID; -1 for another object. */
  readonly vendorId: number;
  readonly deviceId: number;
  readonly instance: number;
  readonly activity: string;
  readonly seq: number;
  readonly opnum: number;

  constructor(pnio: number, interfaceUuid: string, objectUuid: string, vendorId: number, deviceId: number, instance: number, activity: string, seq: number, opnum: number) {
    this.pnio = pnio;
    this.interfaceUuid = interfaceUuid;
    this.objectUuid = objectUuid;
    this.vendorId = vendorId;
    this.deviceId = deviceId;
    this.instance = instance;
    this.activity = activity;
    this.seq = seq;
    this.opnum = opnum;
  }
}

export class Call {
  readonly id: CallId;
  req: CallSide | null = null;
  res: CallSide | null = null;
  /** Fault or reject: the packet type and status. */
  faultType = -1;
  faultStatus = -1;
  faultTs = 0;

  constructor(id: CallId) {
    this.id = id;
  }
}

export class PnioCalls implements SharedState {
  private readonly ctx: L2Context;
  private readonly calls = new Map<string, Call>();
  private readonly endSink: RecordSink;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
    this.endSink = { write: (type, fields) => this.ctx.record(type, fields) };
  }

  /** A complete request. Returns false when the cap made room by writing the oldest call unanswered. */
  request(id: CallId, side: CallSide, sink: RecordSink): boolean {
    this.expire(side.ts, sink);
    const key = callKey(id, side.flow);
    const c = this.calls.get(key);
    if (c !== undefined) {
      // A retransmission: the first copy stands.
      if (c.req === null) c.req = side;
      return true;
    }
    let ok = true;
    if (this.calls.size >= MAX_CALLS) {
      const [oldKey, old] = this.calls.entries().next().value!;
      this.calls.delete(oldKey);
      writeCall(old, sink);
      ok = false;
    }
    const call = new Call(id);
    call.req = side;
    this.calls.set(key, call);
    return ok;
  }

  /** A complete response: the call is written (alone when its request was not seen). */
  response(id: CallId, side: CallSide, sink: RecordSink): void {
    const key = callKey(id, side.flow);
    let c = this.open(key, side.ts, sink);
    if (c === undefined) c = new Call(id);
    c.res = side;
    writeCall(c, sink);
  }

  /** A fault or reject for a call: written with it. */
  fault(id: CallId, flow: FlowInfo, ptype: number, status: number, ts: number, sink: RecordSink): void {
    const c = this.open(callKey(id, flow), ts, sink);
    if (c === undefined) return;
    c.faultType = ptype;
    c.faultStatus = status;
    c.faultTs = ts;
    writeCall(c, sink);
  }

  /**
   * Takes the open call of this key out of the table. A call whose request is older than
   * CALL_TIMEOUT is written unanswered and not returned, whether or not a later request
   * already made expire() write it: so a late answer is alone whatever else the engine saw.
   */
  private open(key: string, now: number, sink: RecordSink): Call | undefined {
    const c = this.calls.get(key);
    if (c === undefined) return undefined;
    this.calls.delete(key);
    if (c.req !== null && now - c.req.ts > CALL_TIMEOUT) {
      writeCall(c, sink);
      return undefined;
    }
    return c;
  }

  end(): void {
    for (const c of this.calls.values()) writeCall(c, this.endSink);
    this.calls.clear();
  }

  /** Writes the calls whose request is older than CALL_TIMEOUT (the map is in the order requests came). */
  private expire(now: number, sink: RecordSink): void {
    for (const [key, c] of this.calls) {
      if (c.req !== null && now - c.req.ts <= CALL_TIMEOUT) return;
      this.calls.delete(key);
      writeCall(c, sink);
    }
  }
}

/** The table key of a call: the unordered pair of its hosts, activity UUID and sequence number. */
function callKey(id: CallId, f: FlowInfo): string {
  const a = f.origH;
  const b = f.respH;
  return a < b ? `${a} ${b} ${id.activity}/${id.seq}` : `${b} ${a} ${id.activity}/${id.seq}`;
}

// ---- records of a call ----

function hex8(v: number): string {
  return v.toString(16).padStart(8, '0');
}

/** The PNIO status fields of a 32-bit PNIOStatus (ErrorCode first); none for -1. */
function statusFields(s: number): RecordFields {
  if (s < 0) return {};
  const ec = s >>> 24;
  const ed = (s >>> 16) & 0xff;
  const c1 = (s >>> 8) & 0xff;
  const c2 = s & 0xff;
  return {
    pnio_status: hex8(s),
    error_code: ec,
    error_code_name: errorCodeName(ec),
    error_decode: ed,
    error_decode_name: errorDecodeName(ed),
    error_code1: c1,
    error_code1_name: errorCode1Name(ed, c1),
    error_code2: c2,
    error_code2_name: errorCode2Name(ed, c1, c2),
  };
}

/** The flow header of a call's records: the request's flow and time (the response's when there was no request). */
function head(c: Call): RecordFields {
  const s = (c.req ?? c.res)!;
  const f = s.flow;
  const caller = c.req !== null;
  return {
    ts: s.ts,
    uid: f.uid,
    'id.orig_h': f.origH,
    'id.orig_p': f.origP,
    'id.resp_h': f.respH,
    'id.resp_p': f.respP,
    source_h: caller ? s.srcH : s.dstH,
    source_p: caller ? s.srcP : s.dstP,
    destination_h: caller ? s.dstH : s.srcH,
    destination_p: caller ? s.dstP : s.srcP,
  };
}

function flowHead(c: Call): RecordFields {
  const s = (c.req ?? c.res)!;
  const f = s.flow;
  return { ts: s.ts, uid: f.uid, 'id.orig_h': f.origH, 'id.orig_p': f.origP, 'id.resp_h': f.respH, 'id.resp_p': f.respP };
}

function resultOf(c: Call): string {
  if (c.faultType === 3) return 'fault';
  if (c.faultType === 6) return 'reject';
  if (c.res === null) return 'no_response';
  const s = c.res.pdu.status;
  return s === 0 ? 'ok' : s < 0 ? 'no_status' : 'error';
}

/** Writes a call's records: call, and by operation AR, IOCRs, submodules, read/write records. */
export function writeCall(c: Call, sink: RecordSink): void {
  const req = c.req?.pdu ?? null;
  const res = c.res?.pdu ?? null;
  const id = c.id;
  const result = resultOf(c);
  const control = req?.control ?? res?.control ?? null;
  const arUuid = req?.ar?.arUuid ?? control?.arUuid ?? req?.records[0]?.arUuid ?? res?.ar?.arUuid ?? res?.records[0]?.arUuid;
  const sessionKey = req?.ar?.sessionKey ?? control?.sessionKey;
  const isRw = id.opnum === OPNUM.READ || id.opnum === OPNUM.WRITE || id.opnum === OPNUM.READ_IMPLICIT;
  sink.write(RECORD_CALL, {
    ...head(c),
    pnio_interface: interfaceName(id.pnio),
    interface_uuid: id.interfaceUuid,
    object_uuid: id.objectUuid,
    object_vendor_id: id.vendorId >= 0 ? id.vendorId : undefined,
    object_device_id: id.deviceId >= 0 ? id.deviceId : undefined,
    object_instance: id.instance >= 0 ? id.instance : undefined,
    activity_uuid: id.activity,
    sequence_num: id.seq,
    operation: operationName(id.opnum),
    operation_num_code: id.opnum,
    action: actionName(id.opnum),
    config_change: id.opnum === OPNUM.WRITE,
    request_seen: c.req !== null,
    response_seen: c.res !== null,
    result,
    rtt: c.req !== null && c.res !== null ? c.res.ts - c.req.ts : undefined,
    ar_uuid: arUuid,
    session_key: sessionKey !== undefined && sessionKey >= 0 ? sessionKey : undefined,
    request_blocks: req !== null && req.blockTypes.length > 0 ? req.blockTypes.map(blockName) : undefined,
    response_blocks: res !== null && res.blockTypes.length > 0 ? res.blockTypes.map(blockName) : undefined,
    record_count: isRw && req !== null ? req.records.length : undefined,
    control_command: req?.control ? controlCommandNames(req.control.command) : undefined,
    control_command_code: req?.control?.command,
    response_control_command: res?.control ? controlCommandNames(res.control.command) : undefined,
    response_control_command_code: res?.control?.command,
    ...statusFields(res?.status ?? -1),
    fault_status: c.faultStatus >= 0 ? c.faultStatus : undefined,
    fault_status_name: c.faultStatus >= 0 ? ncaStatusName(c.faultStatus) : undefined,
    request_fragments: c.req?.fragments,
    response_fragments: c.res?.fragments,
    args_maximum: req !== null && req.argsMaximum >= 0 ? req.argsMaximum : undefined,
    args_length: req !== null && req.argsLength >= 0 ? req.argsLength : undefined,
    response_args_length: res !== null && res.argsLength >= 0 ? res.argsLength : undefined,
  });
  if (id.opnum === OPNUM.CONNECT) writeConnect(c, req, res, result, sink);
  else if (isRw) writeRecords(c, req, res, sink);
}

function writeConnect(c: Call, req: PnioPdu | null, res: PnioPdu | null, result: string, sink: RecordSink): void {
  const a = req?.ar ?? null;
  const ra = res?.ar ?? null;
  if (a === null && ra === null) return;
  const ac = req?.alarmCr ?? null;
  const rac = res?.alarmCr ?? null;
  const st = statusFields(res?.status ?? -1);
  const id = c.id;
  const arUuid = a?.arUuid ?? ra?.arUuid;
  sink.write(RECORD_AR, {
    ...head(c),
    ar_uuid: arUuid,
    ar_type: a !== null ? arTypeName(a.arType) : ra !== null ? arTypeName(ra.arType) : undefined,
    ar_type_code: a?.arType ?? ra?.arType,
    session_key: a?.sessionKey ?? ra?.sessionKey,
    cm_initiator_mac: a?.mac,
    cm_initiator_object_uuid: a?.objectUuid,
    cm_initiator_vendor_id: a?.vendorId,
    cm_initiator_device_id: a?.deviceId,
    ar_properties: a?.properties,
    cm_initiator_activity_timeout_factor: a?.timeoutFactor,
    cm_initiator_udp_rt_port: a?.udpRtPort,
    cm_initiator_station_name: a?.stationName,
    cm_responder_mac: ra?.mac,
    cm_responder_udp_rt_port: ra?.udpRtPort,
    cm_responder_station_name: res?.responderStationName,
    object_vendor_id: id.vendorId >= 0 ? id.vendorId : undefined,
    object_device_id: id.deviceId >= 0 ? id.deviceId : undefined,
    object_instance: id.instance >= 0 ? id.instance : undefined,
    parameter_server_station_name: req?.prmServerStationName,
    iocr_count: req?.iocrs.length ?? 0,
    expected_submodule_count: req?.submodules.length ?? 0,
    module_diff_count: res !== null && res.blockTypes.includes(BLOCK.MODULE_DIFF_BLOCK) ? res.diffs.length : undefined,
    alarm_cr_type: ac !== null ? alarmCrTypeName(ac.type) : undefined,
    alarm_cr_type_code: ac?.type,
    rta_timeout_factor: ac?.rtaTimeoutFactor,
    rta_retries: ac?.rtaRetries,
    local_alarm_reference: ac?.localRef,
    responder_alarm_reference: rac?.localRef,
    max_alarm_data_length: rac?.maxDataLength ?? ac?.maxDataLength,
    result,
    pnio_status: st.pnio_status,
    error_code1_name: st.error_code1_name,
    error_code2_name: st.error_code2_name,
  });
  if (req === null) return;
  const h = flowHead(c);
  for (const cr of req.iocrs) {
    const r = res?.iocrs.find((x) => x.type === cr.type && x.reference === cr.reference);
    sink.write(RECORD_IOCR, {
      ...h,
      ar_uuid: arUuid,
      iocr_type: iocrTypeName(cr.type),
      iocr_type_code: cr.type,
      iocr_reference: cr.reference,
      lt: cr.lt,
      iocr_properties: cr.properties,
      rt_class: rtClassName(cr.properties & 0x0f),
      data_length: cr.dataLength,
      frame_id: cr.frameId,
      response_frame_id: r?.frameId,
      send_clock_factor: cr.sendClockFactor,
      reduction_ratio: cr.reductionRatio,
      phase: cr.phase,
      sequence: cr.sequence,
      frame_send_offset: cr.frameSendOffset,
      watchdog_factor: cr.watchdogFactor,
      data_hold_factor: cr.dataHoldFactor,
      iocr_tag_header: cr.tagHeader,
      multicast_mac: cr.multicastMac,
      api_count: cr.apis,
      io_data_objects: cr.ioDataObjects,
      iocs: cr.iocs,
    });
  }
  for (const s of req.submodules) {
    const dif = res?.diffs.find((x) => x.api === s.api && x.slot === s.slot && x.subslot === s.subslot);
    sink.write(RECORD_SUBMODULE, {
      ...h,
      ar_uuid: arUuid,
      api: s.api,
      slot: s.slot,
      module_ident_number: s.moduleIdent,
      module_properties: s.moduleProperties,
      subslot: s.subslot,
      submodule_ident_number: s.submoduleIdent,
      submodule_properties: s.submoduleProperties,
      submodule_type: submoduleTypeName(s.submoduleProperties),
      input_length: s.inputLength >= 0 ? s.inputLength : undefined,
      output_length: s.outputLength >= 0 ? s.outputLength : undefined,
      diff: dif !== undefined,
      module_state: dif !== undefined ? moduleStateName(dif.moduleState) : undefined,
      module_state_code: dif?.moduleState,
      submodule_state: dif?.submoduleState,
      real_module_ident_number: dif?.moduleIdent,
      real_submodule_ident_number: dif?.submoduleIdent,
    });
  }
}

function writeRecords(c: Call, req: PnioPdu | null, res: PnioPdu | null, sink: RecordSink): void {
  const action = actionName(c.id.opnum);
  const h = head(c);
  const used = new Set<RecordInfo>();
  const ndrStatus = res?.status ?? -1;
  const list = req !== null && req.records.length > 0 ? req.records : (res?.records ?? []);
  const fromReq = req !== null && req.records.length > 0;
  for (const q of list) {
    let r: RecordInfo | undefined;
    if (fromReq && res !== null) {
      r = res.records.find((x) => !used.has(x) && x.seq === q.seq && x.index === q.index);
      if (r !== undefined) used.add(r);
    } else if (!fromReq) {
      r = q;
    }
    const rq = fromReq ? q : undefined;
    // A write's own status is in its response header; a read's is the response's.
    const status = r !== undefined && r.status >= 0 ? r.status : res !== null ? ndrStatus : -1;
    const result = res === null ? 'no_response' : status === 0 ? 'ok' : status < 0 ? 'no_status' : 'error';
    const im = r?.im0 ?? null;
    const blocks = (rq?.blockType === BLOCK.IOD_WRITE_REQ_HEADER ? rq.blocks : r?.blocks) ?? [];
    sink.write(RECORD_RECORD, {
      ...h,
      action,
      multiple_write: q.multiple,
      ar_uuid: q.arUuid,
      target_ar_uuid: rq?.targetArUuid,
      seq_number: q.seq,
      api: q.api,
      slot: q.slot,
      subslot: q.subslot,
      index: q.index,
      index_name: indexName(q.index),
      record_data_length: rq !== undefined ? rq.recordDataLength : q.recordDataLength,
      response_record_data_length: r?.recordDataLength,
      additional_value1: r !== undefined && r.additionalValue1 >= 0 ? r.additionalValue1 : undefined,
      additional_value2: r !== undefined && r.additionalValue2 >= 0 ? r.additionalValue2 : undefined,
      record_data: rq?.dataHex,
      record_blocks: blocks.length > 0 ? blocks.map(blockName) : undefined,
      result,
      ...statusFields(status),
      im_vendor_id: im?.vendorId,
      im_order_id: im?.orderId,
      im_serial_number: im?.serialNumber,
      im_hardware_revision: im?.hardwareRevision,
      im_software_revision: im?.softwareRevision,
      im_revision_counter: im?.revisionCounter,
      im_profile_id: im?.profileId,
      im_profile_specific_type: im?.profileSpecificType,
      im_version: im?.version,
      im_supported: im?.supported,
    });
  }
}
