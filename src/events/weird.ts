// The weird record: one anomaly a dissector noticed (a bad length, a CRC error, a cap hit),
// in the layout of Zeek's weird.log (base/frameworks/notice/weird.zeek, Weird::Info), so
// that the tools that read Zeek's weird.log read it. docs/records/weird.md documents it.
import type { ZeekField } from './zeek-tsv.ts';

export interface WeirdRecord {
  ts: number;
  /** uid of the flow; absent for layer-2 anomalies. */
  uid?: string;
  'id.orig_h'?: string;
  'id.orig_p'?: number;
  'id.resp_h'?: string;
  'id.resp_p'?: number;
  /** The event, `<protocol>.<event>` (`modbus.invalid_length`). */
  name: string;
  /** A short detail. */
  addl?: string;
  /** Always false: Palisade raises no notices from weirds. */
  notice: boolean;
  /** Which Palisade instance saw it (`palisade`). */
  peer: string;
  /** The protocol that raised it. */
  source: string;
  /** Palisade: which side sent the offending data (`orig`, `resp`), when known. */
  direction?: string;
}

export const WEIRD_ZEEK_FIELDS = [
  { name: 'ts', type: 'time' },
  { name: 'uid', type: 'string' },
  { name: 'id.orig_h', type: 'addr' },
  { name: 'id.orig_p', type: 'port' },
  { name: 'id.resp_h', type: 'addr' },
  { name: 'id.resp_p', type: 'port' },
  { name: 'name', type: 'string' },
  { name: 'addl', type: 'string' },
  { name: 'notice', type: 'bool' },
  { name: 'peer', type: 'string' },
  { name: 'source', type: 'string' },
  { name: 'direction', type: 'string' },
] as const satisfies readonly ZeekField[];
