// HART-IP state for one connection: TCP framing by the header's length field (UDP: one
// message per datagram), one `hart_ip` record per message as ICSNPP's general log, and
// request/response pairing by message id and sequence number for the response's rtt.
import { StreamFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import {
  ADDRESS_TYPES, COMMAND_NAMES, FRAME_TYPES, MESSAGE_IDS, MESSAGE_TYPES, MSG_DIRECT_PDU, MSG_TOKEN_PASSING_PDU, MSG_TYPE_REQUEST,
  MSG_TYPE_RESPONSE, PHYSICAL_LAYER_TYPES, STATUS_CODES, nameOf,
} from './constants.ts';
import { HART_BAD_BODY, HART_BAD_CHECK_BYTE, HART_OK, HART_TRUNCATED, type HartMessage, messageLength, parseMessage } from './parser.ts';

/** Requests waiting for their response per connection. */
export const MAX_PENDING = 256;

const bit = (v: number, n: number): boolean | undefined => (v < 0 ? undefined : (v & (1 << n)) !== 0);

export class HartIpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly transport: Transport;
  private readonly framer: StreamFramer | null;
  /** Request times by direction, message id and sequence number. */
  private readonly pending = new Map<number, number>();

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.transport = transport;
    this.framer =
      transport === 'tcp'
        ? new StreamFramer({
            pduLength: messageLength,
            pdu: (isOrig, d, off, len) => this.message(isOrig, d, off, len),
            skipped: (isOrig, n, afterGap) => this.ctx.event('resync', `${n} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig),
          })
        : null;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) {
      this.framer.data(isOrig, d, off, len);
      return;
    }
    const end = off + len;
    while (off < end) {
      const n = messageLength(d, off, end - off);
      if (n <= 0 || n > end - off) {
        this.ctx.event('truncated', n > 0 ? `length ${n}, ${end - off} bytes in the datagram` : 'no HART-IP header at the start of the datagram', isOrig);
        return;
      }
      this.message(isOrig, d, off, n);
      off += n;
    }
  }

  gap(isOrig: boolean, len: number): void {
    this.framer?.gap(isOrig, len);
  }

  end(): void {
    this.pending.clear();
  }

  private message(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = parseMessage(d, off, len);
    if (m.problem === HART_TRUNCATED) {
      this.ctx.event('truncated', m.detail, isOrig);
      return;
    }
    if (m.problem === HART_BAD_BODY) this.ctx.event('bad_body', m.detail, isOrig);
    else if (m.problem === HART_BAD_CHECK_BYTE) this.ctx.event('bad_check_byte', m.detail, isOrig);
    if (m.problem === HART_OK && m.messageId < MESSAGE_IDS.length) this.ctx.valid(isOrig);
    let rtt: number | undefined;
    const ts = this.ctx.ts;
    if (m.messageType === MSG_TYPE_REQUEST) {
      const k = this.key(isOrig, m);
      if (!this.pending.has(k) && this.pending.size >= MAX_PENDING) {
        this.ctx.event('too_many_pending', `more than ${MAX_PENDING} requests without a response`, isOrig);
        this.pending.delete(this.pending.keys().next().value!);
      }
      this.pending.set(k, ts);
    } else if (m.messageType === MSG_TYPE_RESPONSE) {
      const k = this.key(!isOrig, m);
      const t0 = this.pending.get(k);
      if (t0 !== undefined) {
        this.pending.delete(k);
        rtt = ts - t0;
      }
    }
    this.write(isOrig, m, rtt);
  }

  private key(isOrig: boolean, m: HartMessage): number {
    return ((isOrig ? 0 : 1) * 256 + m.messageId) * 65536 + m.sequence;
  }

  private write(isOrig: boolean, m: HartMessage, rtt: number | undefined): void {
    const tp = m.messageId === MSG_TOKEN_PASSING_PDU && m.tpDelimiter >= 0;
    const tpRes = tp && m.tpResponseCode >= 0;
    const dp = m.messageId === MSG_DIRECT_PDU && m.deviceStatus >= 0;
    const ds = tpRes ? m.deviceStatus : -1;
    const dds = dp ? m.deviceStatus : -1;
    const xs = dp ? m.extendedStatus : -1;
    const audit = m.auditStartRecord >= 0;
    const srv = m.auditServerStatus;
    const r: Record<string, unknown> = {
      proto: this.transport,
      message_packet_bytes: m.packetBytes === '' ? undefined : m.packetBytes,
      header_version: m.version,
      header_message_type_reserved: m.reserved,
      header_message_type_message_type: nameOf(MESSAGE_TYPES, m.messageType),
      header_message_id: nameOf(MESSAGE_IDS, m.messageId),
      header_status_code: nameOf(STATUS_CODES, m.status),
      header_sequence_number: m.sequence,
      header_length: m.length,
      session_initiate_master_type: m.masterType >= 0 ? m.masterType : undefined,
      session_initiate_inactivity_close_timer: m.inactivityCloseTimer >= 0 ? m.inactivityCloseTimer : undefined,
      token_passing_pdu_delimiter_address_type: tp ? nameOf(ADDRESS_TYPES, m.tpDelimiter >> 7) : undefined,
      token_passing_pdu_delimiter_expansion_bytes: tp ? (m.tpDelimiter >> 5) & 3 : undefined,
      token_passing_pdu_delimiter_physical_layer_type: tp ? nameOf(PHYSICAL_LAYER_TYPES, (m.tpDelimiter >> 3) & 3) : undefined,
      token_passing_pdu_delimiter_frame_type: tp ? nameOf(FRAME_TYPES, m.tpDelimiter & 7) : undefined,
      token_passing_pdu_address_v4: m.tpPollingAddress >= 0 ? m.tpPollingAddress : undefined,
      token_passing_pdu_address_v6: m.tpUniqueAddress === '' ? undefined : m.tpUniqueAddress,
      token_passing_pdu_command_number: m.tpCommand >= 0 ? nameOf(COMMAND_NAMES, m.tpCommand) : undefined,
      token_passing_pdu_byte_count: m.tpByteCount >= 0 ? m.tpByteCount : undefined,
      token_passing_pdu_check_byte: m.tpCheckByte >= 0 ? m.tpCheckByte : undefined,
      token_passing_pdu_contents_data_data: tp && m.data !== '' ? m.data : undefined,
      token_passing_pdu_contents_response_response_code: tpRes ? m.tpResponseCode : undefined,
      token_passing_pdu_contents_response_device_status_device_malfunction: bit(ds, 7),
      token_passing_pdu_contents_response_device_status_configuration_changed: bit(ds, 6),
      token_passing_pdu_contents_response_device_status_cold_start: bit(ds, 5),
      token_passing_pdu_contents_response_device_status_more_status_available: bit(ds, 4),
      token_passing_pdu_contents_response_device_status_loop_current_fixed: bit(ds, 3),
      token_passing_pdu_contents_response_device_status_loop_current_saturated: bit(ds, 2),
      token_passing_pdu_contents_response_device_status_non_primary_variable_out_of_limits: bit(ds, 1),
      token_passing_pdu_contents_response_device_status_primary_variable_out_of_limits: bit(ds, 0),
      direct_pdu_device_status_device_malfunction: bit(dds, 7),
      direct_pdu_device_status_configuration_changed: bit(dds, 6),
      direct_pdu_device_status_cold_start: bit(dds, 5),
      direct_pdu_device_status_more_status_available: bit(dds, 4),
      direct_pdu_device_status_loop_current_fixed: bit(dds, 3),
      direct_pdu_device_status_loop_current_saturated: bit(dds, 2),
      direct_pdu_device_status_non_primary_variable_out_of_limits: bit(dds, 1),
      direct_pdu_device_status_primary_variable_out_of_limits: bit(dds, 0),
      direct_pdu_extended_status_undefined_bits: xs >= 0 ? xs >> 6 : undefined,
      direct_pdu_extended_status_function_check: bit(xs, 5),
      direct_pdu_extended_status_out_of_specification: bit(xs, 4),
      direct_pdu_extended_status_failure: bit(xs, 3),
      direct_pdu_extended_status_critical_power_failure: bit(xs, 2),
      direct_pdu_extended_status_device_variable_alert: bit(xs, 1),
      direct_pdu_extended_status_maintenance_required: bit(xs, 0),
      read_audit_log_start_record: audit ? m.auditStartRecord : undefined,
      read_audit_log_number_of_records: audit ? m.auditNumberOfRecords : undefined,
      read_audit_log_power_up_time: m.auditPowerUpTime >= 0 ? m.auditPowerUpTime : undefined,
      read_audit_log_last_security_change: m.auditLastSecurityChange >= 0 ? m.auditLastSecurityChange : undefined,
      read_audit_log_server_status_undefined_bits: srv >= 0 ? srv >> 3 : undefined,
      read_audit_log_server_status_insecure_syslog_connection: bit(srv, 2),
      read_audit_log_server_status_syslog_server_located_but_connection_failed: bit(srv, 1),
      read_audit_log_server_status_unable_to_locate_syslog_server: bit(srv, 0),
      read_audit_log_session_record_size: m.auditSessionRecordSize >= 0 ? m.auditSessionRecordSize : undefined,
      is_orig: isOrig,
      header_message_type_code: m.messageType,
      header_message_id_code: m.messageId,
      header_status_code_code: m.status,
      token_passing_pdu_command_number_code: m.tpCommand >= 0 ? m.tpCommand : undefined,
      direct_pdu_command_numbers: dp ? m.directCommands : undefined,
      direct_pdu_command_names: dp ? m.directCommands.map((n) => nameOf(COMMAND_NAMES, n)) : undefined,
      direct_pdu_byte_counts: dp ? m.directByteCounts : undefined,
      direct_pdu_response_codes: dp && m.messageType === MSG_TYPE_RESPONSE ? m.directResponseCodes : undefined,
      rtt,
      device_expanded_type: m.expandedDeviceType >= 0 ? m.expandedDeviceType : undefined,
      device_manufacturer_id: m.manufacturerId >= 0 ? m.manufacturerId : undefined,
      device_id: m.deviceId === '' ? undefined : m.deviceId,
      device_hart_revision: m.hartRevision >= 0 ? m.hartRevision : undefined,
      device_revision: m.deviceRevision >= 0 ? m.deviceRevision : undefined,
      device_software_revision: m.softwareRevision >= 0 ? m.softwareRevision : undefined,
      device_tag: m.tag === '' ? undefined : m.tag,
      device_long_tag: m.longTag === '' ? undefined : m.longTag,
    };
    this.ctx.record('hart_ip', r);
  }
}
