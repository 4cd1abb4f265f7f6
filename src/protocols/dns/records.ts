// The `dns` record, field by field (docs/protocols/dns.md has the same list with examples).
// Field names, types and order follow Zeek's dns.log (base/protocols/dns/main.zeek, with the
// opcode columns of Zeek 8 and the auth/addl columns of policy/protocols/dns/auth-addl.zeek);
// Palisade's additions come after Zeek's columns.
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';
import type { DnsVariant } from './constants.ts';

export const RECORD_DNS = 'dns';

/** One DNS transaction: a query and its response, or either alone. */
export interface DnsRecord extends RecordHead {
  /** Time of the query (of the response when there was no query). */
  ts: number;
  /** Transport: `udp` or `tcp`. */
  proto: 'udp' | 'tcp';
  /** The 16-bit message id that pairs a response with its query. */
  trans_id: number;
  /** Seconds from the query to the response (unset without both, or when they share a timestamp). */
  rtt?: number;
  /** The first question's name, lower-cased as Zeek logs it (a response without a question: its first answer's owner name). */
  query?: string;
  qclass?: number;
  /** `C_INTERNET`, `C_CHAOS`, …, `unknown-<n>`. */
  qclass_name?: string;
  qtype?: number;
  /** `A`, `AAAA`, `PTR`, `*`, …, `unknown-<n>`. */
  qtype_name?: string;
  /** Response code of the response. */
  rcode?: number;
  /** `NOERROR`, `NXDOMAIN`, …, `unknown-<n>`. */
  rcode_name?: string;
  /** Authoritative answer (response). */
  AA: boolean;
  /** Truncation: set in the query or the response. */
  TC: boolean;
  /** Recursion desired (query; the response's when there was no query). */
  RD: boolean;
  /** Recursion available (response). */
  RA: boolean;
  /** The three bits after RA (Z, AD, CD) as a number, of the query (the response's when there was no query). */
  Z: number;
  /** The answer section's data, one entry per record, formatted as Zeek does (see docs). */
  answers?: string[];
  /** TTL of each entry of `answers`, in seconds. */
  TTLs?: number[];
  /** Zeek's rule: a response with an error code and no question, or with a question and no records at all. */
  rejected: boolean;
  /** Operation code and its name (`query`, `notify`, `dynamic-update`, …). */
  opcode: number;
  opcode_name: string;
  /** Authority and additional records' data (distinct entries, in order). */
  auth?: string[];
  addl?: string[];
  // ---- Palisade ----
  /** `dns`, `mdns` (UDP 5353) or `llmnr` (UDP 5355). */
  variant: DnsVariant;
  /** mDNS: the question asked for a unicast response (the class's top bit, left out of qclass). */
  qu?: boolean;
  /** Owner name of each entry of `answers` (the host an A record names). */
  answer_names?: string[];
  /** Response: records in the answer section, and in all three sections. */
  total_answers?: number;
  total_replies?: number;
  /** Whether the query / the response was seen. */
  request_seen: boolean;
  response_seen: boolean;
}

export const DNS_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'proto', type: 'enum' },
  { name: 'trans_id', type: 'count' },
  { name: 'rtt', type: 'interval' },
  { name: 'query', type: 'string' },
  { name: 'qclass', type: 'count' },
  { name: 'qclass_name', type: 'string' },
  { name: 'qtype', type: 'count' },
  { name: 'qtype_name', type: 'string' },
  { name: 'rcode', type: 'count' },
  { name: 'rcode_name', type: 'string' },
  { name: 'AA', type: 'bool' },
  { name: 'TC', type: 'bool' },
  { name: 'RD', type: 'bool' },
  { name: 'RA', type: 'bool' },
  { name: 'Z', type: 'count' },
  { name: 'answers', type: 'vector[string]' },
  { name: 'TTLs', type: 'vector[interval]' },
  { name: 'rejected', type: 'bool' },
  { name: 'opcode', type: 'count' },
  { name: 'opcode_name', type: 'string' },
  { name: 'auth', type: 'set[string]' },
  { name: 'addl', type: 'set[string]' },
  { name: 'variant', type: 'string' },
  { name: 'qu', type: 'bool' },
  { name: 'answer_names', type: 'vector[string]' },
  { name: 'total_answers', type: 'count' },
  { name: 'total_replies', type: 'count' },
  { name: 'request_seen', type: 'bool' },
  { name: 'response_seen', type: 'bool' },
] as const satisfies readonly ZeekField[];
