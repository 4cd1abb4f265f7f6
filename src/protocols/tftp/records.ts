// The `tftp` record: the tftp.log of the Zeek TFTP package (zeek/spicy-tftp, TFTP::Info:
// ts, uid, id, wrq, fname, mode, uid_data, size, block_sent, block_acked, error_code,
// error_msg) with the same names and meanings, then Palisade's fields: the options asked and
// acknowledged, the block size and declared size, retransmitted requests, completion.
// docs/protocols/tftp.md.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';

export const RECORD_TFTP = 'tftp';

export interface TftpRecord extends RecordHead {
  /** The request flow (client → server port 69). */
  uid: string;
  /** True for a write request (file sent to the server), false for a read request. */
  wrq: boolean;
  fname: string;
  mode: string;
  /** uid of the data flow (server's new port ↔ client), when one was seen. */
  uid_data: string | undefined;
  /** Bytes of DATA seen (each block once). */
  size: number;
  /** Highest DATA block number seen (counting on past 65535 when the number wraps). */
  block_sent: number;
  /** Highest block number acknowledged. */
  block_acked: number;
  error_code: number | undefined;
  error_msg: string | undefined;
  /** Palisade: */
  error_name: string | undefined;
  /** Options of the request, "name=value". */
  options: string[];
  /** Options the server acknowledged (OACK), "name=value". */
  oack: string[];
  /** Data block size in effect (512, or the acknowledged blksize). */
  blksize: number;
  /** Transfer size the client (WRQ) or server (OACK) declared with the tsize option. */
  tsize: number | undefined;
  /** RRQ/WRQ packets seen for this transfer (more than 1: the client retransmitted it). */
  requests: number;
  /** The final (short) DATA block was seen and acknowledged. */
  complete: boolean;
  /** Time of the transfer's last packet. */
  last_ts: number;
}

export const TFTP_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'wrq', type: 'bool' },
  { name: 'fname', type: 'string' },
  { name: 'mode', type: 'string' },
  { name: 'uid_data', type: 'string' },
  { name: 'size', type: 'count' },
  { name: 'block_sent', type: 'count' },
  { name: 'block_acked', type: 'count' },
  { name: 'error_code', type: 'count' },
  { name: 'error_msg', type: 'string' },
  { name: 'error_name', type: 'string' },
  { name: 'options', type: 'vector[string]' },
  { name: 'oack', type: 'vector[string]' },
  { name: 'blksize', type: 'count' },
  { name: 'tsize', type: 'count' },
  { name: 'requests', type: 'count' },
  { name: 'complete', type: 'bool' },
  { name: 'last_ts', type: 'time' },
];
