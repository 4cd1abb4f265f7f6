// The record type of the genisys dissector (docs/protocols/genisys.md lists the same fields
// with examples). Names and order follow CISA ICSNPP's icsnpp-genisys (analyzer/main.zeek,
// GENISYS::Message, log path `genisys`): one record per message, either direction. Palisade's
// additions come after ICSNPP's columns.
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_GENISYS = 'genisys';

export interface GenisysRecord extends RecordHead {
  /** Time of the packet that completed the message (its terminator). */
  ts: number;
  /** Transport: `tcp`. */
  proto: string;
  /** The header by ICSNPP's name: `Poll`, `Indication Data`…; `unknown-<n>` for an undefined header. */
  header: string;
  /** The station (server) address; unset when the message holds none. */
  server?: number;
  /** By header: `request` (master to station, 0xF9..0xFE), `response` (station to master, 0xF1..0xF3), `unknown`. */
  direction: string;
  /** The CRC the message carries, `0x4083` (unset when the message has none: Acknowledge Client, a poll without CRC). */
  crc_transmitted?: string;
  /** The CRC of the header, station and data (CRC-16, reflected polynomial 0xA001, initial 0xFFFF). */
  crc_calculated?: string;
  /** Address/data pairs, `address=data` in decimal: `0=5`, `1=4`… (unset when there are none). */
  payload?: string[];
  // ---- Palisade ----
  /** The header byte as a number (241..254). */
  header_code: number;
  /** Whether crc_transmitted equals crc_calculated; unset without a CRC. */
  crc_ok?: boolean;
  /** What a master message does: `read` (poll, acknowledge and poll, recall), `write` (control data, common control data), `execute` (execute controls). */
  operation?: string;
  /** A station message: the header of the master message to the same station it answers (unset when none was pending). */
  request_header?: string;
  /** Seconds from that master message to this answer. */
  rtt?: number;
}

export const GENISYS_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'proto', type: 'string' },
  { name: 'header', type: 'string' },
  { name: 'server', type: 'count' },
  { name: 'direction', type: 'string' },
  { name: 'crc_transmitted', type: 'string' },
  { name: 'crc_calculated', type: 'string' },
  { name: 'payload', type: 'vector[string]' },
  { name: 'header_code', type: 'count' },
  { name: 'crc_ok', type: 'bool' },
  { name: 'operation', type: 'string' },
  { name: 'request_header', type: 'string' },
  { name: 'rtt', type: 'interval' },
] as const satisfies readonly ZeekField[];
