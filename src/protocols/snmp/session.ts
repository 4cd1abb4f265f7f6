// Per-flow SNMP state: one `snmp_pdu` record per message, and the flow's Zeek `snmp` record
// (the counts of varbinds by PDU kind, the first version and community, the agent's sysDescr
// and boot time), written when the flow ends. Request/response exchanges count as SNMP once
// both sides sent a valid message; traps (one-way by nature) count at once.
import { readHex, readOid } from '../../dissect/ber.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE, PDU_GET_BULK_REQUEST, PDU_GET_NEXT_REQUEST, PDU_GET_REQUEST, PDU_RESPONSE,
  PDU_SET_REQUEST, PDU_TRAP_V1, PDU_TRAP_V2, SYS_CONTACT, SYS_DESCR, SYS_LOCATION, SYS_NAME, SYS_OBJECT_ID, SYS_SERVICES,
  PDU_REPORT, SYS_UP_TIME, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_TIMETICKS, USM_REPORTS, VERSION_V3, errorStatusName, genericTrapName,
  pduName, versionName,
} from './constants.ts';
import { MAX_VARBINDS, PROBLEM, SnmpMsg, SnmpParser, isBulk, readUnsigned } from './parser.ts';
import { RECORD_SNMP, RECORD_SNMP_PDU, type SnmpPduRecord, type SnmpRecord } from './records.ts';
import { hasValue, octetsText, valueText, valueTypeName } from './values.ts';

/** Characters kept per varbind value, and per system-group string. */
export const MAX_VALUE_BYTES = 256;
export const MAX_SYS_BYTES = 1024;
/** Community, user and context names: bytes kept. */
const MAX_NAME_BYTES = 256;
const REJECT_AFTER_BAD = 3;

export const SNMP_EVENTS = {
  not_snmp: 'a datagram on an SNMP flow that is not a BER SEQUENCE starting with a version INTEGER; no record',
  unknown_version: 'a message version other than 0 (v1), 1 (v2c) and 3 (v3); no record',
  truncated: 'a message cut before its end (snap length, or a length beyond the datagram): the fields read are recorded (truncated = true)',
  malformed: 'a TLV where the message structure does not allow it (wrong tag, impossible length): the fields read before it are recorded',
  unknown_pdu: 'a PDU tag outside [0]..[8]: recorded with pdu_type unknown-<n>',
  too_many_varbinds: `a PDU with more than ${MAX_VARBINDS} variable bindings: all are counted, the first ${MAX_VARBINDS} are listed`,
} as const;

/** The flow's Zeek snmp.log state. */
class FlowState {
  seen = false;
  firstTs = 0;
  lastTs = 0;
  version = '';
  community: string | undefined = undefined;
  getRequests = 0;
  getBulkRequests = 0;
  getResponses = 0;
  setRequests = 0;
  displayString: string | undefined = undefined;
  upSince: number | undefined = undefined;
  authFailures = 0;
}

export class SnmpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly parser = new SnmpParser();
  private readonly m = new SnmpMsg();
  private readonly flow = new FlowState();
  private good = 0;
  private bad = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.m;
    const p = this.parser.parse(d, off, len, m);
    const ctx = this.ctx;
    if (p === PROBLEM.NOT_SNMP || p === PROBLEM.UNKNOWN_VERSION) {
      ctx.event(p === PROBLEM.NOT_SNMP ? 'not_snmp' : 'unknown_version', p === PROBLEM.UNKNOWN_VERSION ? `version ${m.version}` : undefined, isOrig);
      if (this.good === 0 && ++this.bad >= REJECT_AFTER_BAD) ctx.reject('no SNMP message');
      return;
    }
    const headerOnly = m.pdu < 0 && !m.encrypted;
    if (p === PROBLEM.TRUNCATED) ctx.event('truncated', `${len} bytes`, isOrig);
    else if (p === PROBLEM.MALFORMED) ctx.event('malformed', headerOnly ? 'in the message header' : 'in the PDU', isOrig);
    else if (p === PROBLEM.UNKNOWN_PDU) ctx.event('unknown_pdu', `PDU tag [${m.pdu}]`, isOrig);
    // Without a PDU (or an encrypted one) there is nothing to record beyond the event.
    if (headerOnly) return;
    if (m.varbinds > MAX_VARBINDS) ctx.event('too_many_varbinds', `${m.varbinds} varbinds`, isOrig);
    if (p === PROBLEM.NONE) {
      this.good++;
      ctx.valid(isOrig);
      if (m.pdu === PDU_TRAP_V1 || m.pdu === PDU_TRAP_V2) ctx.confirm();
    }
    this.write(d, m, p);
  }

  gap(): void {}

  end(): void {
    const f = this.flow;
    if (!f.seen) return;
    const r: SnmpRecord = {
      duration: f.lastTs - f.firstTs,
      version: f.version,
      community: f.community,
      get_requests: f.getRequests,
      get_bulk_requests: f.getBulkRequests,
      get_responses: f.getResponses,
      set_requests: f.setRequests,
      display_string: f.displayString,
      up_since: f.upSince,
      auth_failures: f.authFailures,
    };
    this.ctx.record(RECORD_SNMP, r as unknown as Record<string, unknown>, f.firstTs);
  }

  private write(d: Uint8Array, m: SnmpMsg, p: number): void {
    const ts = this.ctx.ts;
    const f = this.flow;
    const version = versionName(m.version);
    const community = m.communityOff >= 0 ? octetsLatin1(d, m.communityOff, m.communityLen) : undefined;
    if (!f.seen) {
      f.seen = true;
      f.firstTs = ts;
      f.version = version;
    }
    f.lastTs = ts;
    if (f.community === undefined && community !== undefined) f.community = community;
    const pdu = m.pdu;
    const n = m.varbinds;
    if (pdu === PDU_GET_REQUEST || pdu === PDU_GET_NEXT_REQUEST) f.getRequests += n;
    else if (pdu === PDU_GET_BULK_REQUEST) f.getBulkRequests += n;
    else if (pdu === PDU_RESPONSE) f.getResponses += n;
    else if (pdu === PDU_SET_REQUEST) f.setRequests += n;

    const kept = n < MAX_VARBINDS ? n : MAX_VARBINDS;
    const oids: string[] = [];
    const types: string[] = [];
    const values: string[] = [];
    let sysDescr: string | undefined;
    let sysObjectId: string | undefined;
    let sysUpTime: number | undefined;
    let sysContact: string | undefined;
    let sysName: string | undefined;
    let sysLocation: string | undefined;
    let sysServices: number | undefined;
    for (let i = 0; i < kept; i++) {
      const oid = readOid(d, m.oidOff[i], m.oidLen[i]);
      const tag = m.valTag[i];
      const vo = m.valOff[i];
      const vl = m.valLen[i];
      oids.push(oid === '' ? readHex(d, m.oidOff[i], m.oidLen[i], 64) : oid);
      types.push(valueTypeName(tag));
      values.push(valueText(d, tag, vo, vl, MAX_VALUE_BYTES));
      if (!hasValue(tag) || oid.length !== 17 || !oid.startsWith('1.3.6.1.2.1.1.')) continue;
      // The MIB-2 system group: 1.3.6.1.2.1.1.<n>.0
      if (oid === SYS_DESCR && tag === TAG_OCTET_STRING) sysDescr = octetsText(d, vo, vl, MAX_SYS_BYTES);
      else if (oid === SYS_OBJECT_ID && tag === TAG_OID) sysObjectId = readOid(d, vo, vl);
      else if (oid === SYS_UP_TIME && tag === TAG_TIMETICKS && vl <= 5) sysUpTime = readUnsigned(d, vo, vl);
      else if (oid === SYS_CONTACT && tag === TAG_OCTET_STRING) sysContact = octetsText(d, vo, vl, MAX_SYS_BYTES);
      else if (oid === SYS_NAME && tag === TAG_OCTET_STRING) sysName = octetsText(d, vo, vl, MAX_SYS_BYTES);
      else if (oid === SYS_LOCATION && tag === TAG_OCTET_STRING) sysLocation = octetsText(d, vo, vl, MAX_SYS_BYTES);
      else if (oid === SYS_SERVICES && tag === TAG_INTEGER && vl <= 2) sysServices = readUnsigned(d, vo, vl);
    }
    if (pdu === PDU_RESPONSE) {
      // Zeek: display_string from sysDescr.0, up_since from sysUpTime.0 of responses.
      if (sysDescr !== undefined) f.displayString = sysDescr;
      if (sysUpTime !== undefined) f.upSince = ts - sysUpTime / 100;
    }
    // A v3 Report names, in its first varbind, the usmStats counter of the refusal.
    const usm = pdu === PDU_REPORT && oids.length > 0 ? USM_REPORTS[oids[0]] : undefined;
    if (usm !== undefined && usm.authFailure) f.authFailures++;
    const bulk = isBulk(m);
    const trap1 = pdu === PDU_TRAP_V1;
    const hasPdu = pdu >= 0;
    const v3 = m.version === VERSION_V3;
    const es = m.errorStatus;
    const r: SnmpPduRecord = {
      version,
      community,
      pdu_type: hasPdu ? pduName(pdu) : undefined,
      pdu_type_code: hasPdu ? pdu : undefined,
      request_id: num(m.requestId),
      error_status: !bulk && !Number.isNaN(es) ? errorStatusName(es) : undefined,
      error_status_code: !bulk ? num(es) : undefined,
      error_index: !bulk ? num(m.errorIndex) : undefined,
      non_repeaters: bulk ? num(es) : undefined,
      max_repetitions: bulk ? num(m.errorIndex) : undefined,
      enterprise: trap1 && m.enterpriseOff >= 0 ? readOid(d, m.enterpriseOff, m.enterpriseLen) : undefined,
      agent_addr: trap1 && m.agentAddrLen === 4 ? valueText(d, 0x40, m.agentAddrOff, 4, 4) : undefined,
      generic_trap: trap1 && !Number.isNaN(m.genericTrap) ? genericTrapName(m.genericTrap) : undefined,
      generic_trap_code: trap1 ? num(m.genericTrap) : undefined,
      specific_trap: trap1 ? num(m.specificTrap) : undefined,
      time_stamp: trap1 ? num(m.timeStamp) : undefined,
      msg_id: v3 ? num(m.msgId) : undefined,
      msg_max_size: v3 ? num(m.maxSize) : undefined,
      msg_flags: v3 && m.flags >= 0 ? m.flags : undefined,
      auth: v3 && m.flags >= 0 ? (m.flags & FLAG_AUTH) !== 0 : undefined,
      priv: v3 && m.flags >= 0 ? (m.flags & FLAG_PRIV) !== 0 : undefined,
      reportable: v3 && m.flags >= 0 ? (m.flags & FLAG_REPORTABLE) !== 0 : undefined,
      security_model: v3 ? num(m.securityModel) : undefined,
      engine_id: m.engineIdOff >= 0 ? readHex(d, m.engineIdOff, m.engineIdLen, 32) : undefined,
      engine_boots: m.engineBoots >= 0 ? m.engineBoots : undefined,
      engine_time: m.engineTime >= 0 ? m.engineTime : undefined,
      user_name: m.userOff >= 0 ? octetsLatin1(d, m.userOff, m.userLen) : undefined,
      context_engine_id: m.contextEngineIdOff >= 0 ? readHex(d, m.contextEngineIdOff, m.contextEngineIdLen, 32) : undefined,
      context_name: m.contextNameOff >= 0 ? octetsLatin1(d, m.contextNameOff, m.contextNameLen) : undefined,
      encrypted: v3 ? m.encrypted : undefined,
      varbind_count: n,
      varbind_oids: oids,
      varbind_types: types,
      varbind_values: values,
      sys_descr: sysDescr,
      sys_object_id: sysObjectId,
      sys_up_time: sysUpTime,
      sys_contact: sysContact,
      sys_name: sysName,
      sys_location: sysLocation,
      sys_services: sysServices,
      usm_report: usm?.name,
      auth_failed: usm?.authFailure,
      truncated: p === PROBLEM.TRUNCATED || p === PROBLEM.MALFORMED,
    };
    this.ctx.record(RECORD_SNMP_PDU, r as unknown as Record<string, unknown>);
  }
}

const num = (v: number) => (Number.isNaN(v) || v < -9007199254740991 ? undefined : v);

/** Bytes as Latin-1 characters, as Zeek keeps a community string (any byte value). */
function octetsLatin1(d: Uint8Array, off: number, len: number): string {
  const n = len < MAX_NAME_BYTES ? len : MAX_NAME_BYTES;
  let s = '';
  for (let i = off; i < off + n; i++) s += String.fromCharCode(d[i]);
  return s;
}
