// The enip record: one per encapsulation message, as CISA ICSNPP icsnpp-enip's enip.log
// (ENIP::ENIP_Header in scripts/icsnpp/enip/main.zeek), in its column order, followed by
// the fields Palisade adds. Every field is documented in docs/protocols/enip.md.
import type { RecordHead } from '../../dissect/types.ts';
import { FLOW_HEADER_FIELDS, type RecordSchemas } from '../../dissect/types.ts';

export interface EnipRecord extends RecordHead {
  /** The message came from the connection's originator. */
  is_orig: boolean;
  /** Sender and receiver of this message (the connection's endpoints in the message's direction). */
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Command code, "0x%02x" (ICSNPP's format), e.g. "0x6f". */
  enip_command_code: string;
  /** Command name, e.g. "Send RR Data"; `unknown-<n>` for codes the specification does not define. */
  enip_command: string;
  /** Length of the data after the 24-byte header, as the header says. */
  length: number;
  /** Session handle, "0x%08x". */
  session_handle: string;
  /** Status name, e.g. "Success". */
  enip_status: string;
  /** Sender context: "0x" and the 8 bytes in hex, in wire order. */
  sender_context: string;
  /** Options flags, "0x%08x" (the specification requires 0). */
  options: string;
  /** Status code as a number (Palisade; ICSNPP logs only the name). */
  enip_status_code: number;
}

const IS_ORIG_FIELDS = [
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
] as const;

export const ENIP_RECORDS: RecordSchemas = {
  enip: [
    ...FLOW_HEADER_FIELDS,
    ...IS_ORIG_FIELDS,
    { name: 'enip_command_code', type: 'string' },
    { name: 'enip_command', type: 'string' },
    { name: 'length', type: 'count' },
    { name: 'session_handle', type: 'string' },
    { name: 'enip_status', type: 'string' },
    { name: 'sender_context', type: 'string' },
    { name: 'options', type: 'string' },
    { name: 'enip_status_code', type: 'count' },
  ],
};

const HEX = '0123456789abcdef';

/** "0x" and `n` in lower-case hex, at least `width` digits (C's "0x%0<width>x"). */
export { hexNum } from '../../core/hex.ts';

/** "0x" and the bytes d[off..off+len) in hex. */
export function hexBytes(d: Uint8Array, off: number, len: number): string {
  let s = '0x';
  for (let i = 0; i < len; i++) {
    const b = d[off + i];
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}
