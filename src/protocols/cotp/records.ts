// The `cotp` record: one per COTP TPDU, as ICSNPP's cotp.log (icsnpp-s7comm) writes it
// (is_orig, source/destination, pdu_code, pdu_name), then the header fields ICSNPP leaves
// out: references, class, TPDU size, TSAPs, the disconnect reason, DT sequencing.
// docs/protocols/cotp.md documents every field.
import type { RecordHead } from '../../dissect/types.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export interface CotpRecord extends RecordHead {
  /** The TPDU came from the flow's originator. */
  is_orig: boolean;
  /** Sender and receiver of this TPDU (ICSNPP's source/destination fields). */
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** TPDU code (high nibble of the code byte) as ICSNPP writes it: "0x0e". */
  pdu_code: string;
  /** "CR Connection Request", "DT Data", …; `unknown-<n>` for undefined codes. */
  pdu_name: string;
  /** Destination and source references (CR, CC, DR, DC; DST-REF also in class 2-4 DT/AK/…). */
  dst_ref: number | undefined;
  src_ref: number | undefined;
  /** CR: proposed protocol class; CC: the class agreed (0..4). */
  class: number | undefined;
  /** CR/CC: maximum TPDU size in octets. */
  tpdu_size: number | undefined;
  /** CR/CC: calling and called TSAP, lower-case hex. */
  calling_tsap: string | undefined;
  called_tsap: string | undefined;
  /** DR: disconnect reason; ER: reject cause (number and name). */
  reason_code: number | undefined;
  reason: string | undefined;
  /** DT/ED: TPDU-NR; AK/EA/RJ: YR-TU-NR. */
  tpdu_nr: number | undefined;
  /** DT/ED: last TPDU of the TSDU (EOT mark). */
  eot: boolean | undefined;
  /** Octets of user data this TPDU carries (DT/ED/CR/CC/DR). */
  user_data_length: number | undefined;
}

export const COTP_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
  { name: 'pdu_code', type: 'string' },
  { name: 'pdu_name', type: 'string' },
  { name: 'dst_ref', type: 'count' },
  { name: 'src_ref', type: 'count' },
  { name: 'class', type: 'count' },
  { name: 'tpdu_size', type: 'count' },
  { name: 'calling_tsap', type: 'string' },
  { name: 'called_tsap', type: 'string' },
  { name: 'reason_code', type: 'count' },
  { name: 'reason', type: 'string' },
  { name: 'tpdu_nr', type: 'count' },
  { name: 'eot', type: 'bool' },
  { name: 'user_data_length', type: 'count' },
];
