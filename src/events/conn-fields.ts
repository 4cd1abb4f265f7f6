// The conn record: one per flow, Zeek's conn.log layout. Field names, types and order follow
// Zeek 8's Conn::Info (base/protocols/conn/main.zeek), then the fields Zeek's optional
// policy scripts add (policy/protocols/conn/mac-logging, vlan-logging and
// community-id-logging), then Palisade's own extensions. docs/records/conn.md documents
// every field. Once released, names and order do not change; new fields go at the end.

import type { ZeekField } from './zeek-tsv.ts';

/** A conn record as written to conn.ndjson and conn.log. Unset fields are left out. */
export interface ConnRecord {
  /** Time of the first packet of the flow, seconds since the epoch. */
  ts: number;
  /** Connection uid ("C" + base62), the key to join this flow's other records. */
  uid: string;
  /** Originator (the endpoint that sent the first packet, or the client Palisade inferred) address. */
  'id.orig_h': string;
  /** Originator port; for ICMP, the message type. */
  'id.orig_p': number;
  /** Responder address. */
  'id.resp_h': string;
  /** Responder port; for ICMP, the message code (Zeek's convention). */
  'id.resp_p': number;
  /** Transport protocol: `tcp`, `udp`, `icmp` or `unknown_transport`. */
  proto: 'tcp' | 'udp' | 'icmp' | 'unknown_transport';
  /** Comma-separated application protocols confirmed on the flow (`modbus`, `dnp3,ssl`). */
  service?: string;
  /** Seconds from the first to the last packet that carried new data (see docs). */
  duration?: number;
  /** Payload bytes the originator sent (TCP: from sequence numbers). */
  orig_bytes?: number;
  /** Payload bytes the responder sent. */
  resp_bytes?: number;
  /** Zeek connection state: S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH. */
  conn_state?: string;
  /** Whether the originator is in the configured local networks; unset without local networks. */
  local_orig?: boolean;
  /** Whether the responder is in the configured local networks; unset without local networks. */
  local_resp?: boolean;
  /** Bytes missed in content gaps (packet loss) on either side. */
  missed_bytes: number;
  /** Zeek connection history letters (upper case: originator; lower case: responder). */
  history?: string;
  /** Packets the originator sent. */
  orig_pkts?: number;
  /** IP-level bytes the originator sent (sum of IP total lengths). */
  orig_ip_bytes?: number;
  /** Packets the responder sent. */
  resp_pkts?: number;
  /** IP-level bytes the responder sent. */
  resp_ip_bytes?: number;
  /** uids of the tunnel connections this flow was carried in (GRE, VXLAN, …). */
  tunnel_parents?: string[];
  /** IP protocol number from the IP header (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …). */
  ip_proto?: number;
  /** Link-layer (MAC) address of the originator, `aa:bb:cc:dd:ee:ff`. */
  orig_l2_addr?: string;
  /** Link-layer (MAC) address of the responder. */
  resp_l2_addr?: string;
  /** Outer 802.1Q VLAN id. */
  vlan?: number;
  /** Inner 802.1Q VLAN id (QinQ). */
  inner_vlan?: number;
  /** Community ID v1 of the flow (`1:…`), the same value Zeek, Suricata and Arkime give it. */
  community_id?: string;
  /** Palisade: link-layer bytes the originator sent (sum of frame lengths on the wire). */
  orig_l2_bytes?: number;
  /** Palisade: link-layer bytes the responder sent (sum of frame lengths on the wire). */
  resp_l2_bytes?: number;
  /** Palisade: IP TTL (IPv6 hop limit) of the originator's first packet. */
  orig_ttl?: number;
  /** Palisade: IP TTL (IPv6 hop limit) of the responder's first packet. */
  resp_ttl?: number;
  /** Palisade: TCP window of the originator's first SYN. */
  orig_syn_window?: number;
  /** Palisade: TCP window of the responder's first SYN-ACK. */
  resp_syn_window?: number;
}

/** conn.log columns, in Zeek's order, then Palisade's extensions. */
export const CONN_ZEEK_FIELDS = [
  // Zeek base/protocols/conn/main.zeek, Conn::Info
  { name: 'ts', type: 'time' },
  { name: 'uid', type: 'string' },
  { name: 'id.orig_h', type: 'addr' },
  { name: 'id.orig_p', type: 'port' },
  { name: 'id.resp_h', type: 'addr' },
  { name: 'id.resp_p', type: 'port' },
  { name: 'proto', type: 'enum' },
  { name: 'service', type: 'string' },
  { name: 'duration', type: 'interval' },
  { name: 'orig_bytes', type: 'count' },
  { name: 'resp_bytes', type: 'count' },
  { name: 'conn_state', type: 'string' },
  { name: 'local_orig', type: 'bool' },
  { name: 'local_resp', type: 'bool' },
  { name: 'missed_bytes', type: 'count' },
  { name: 'history', type: 'string' },
  { name: 'orig_pkts', type: 'count' },
  { name: 'orig_ip_bytes', type: 'count' },
  { name: 'resp_pkts', type: 'count' },
  { name: 'resp_ip_bytes', type: 'count' },
  { name: 'tunnel_parents', type: 'set[string]' },
  { name: 'ip_proto', type: 'count' },
  // Zeek policy/protocols/conn/mac-logging.zeek
  { name: 'orig_l2_addr', type: 'string' },
  { name: 'resp_l2_addr', type: 'string' },
  // Zeek policy/protocols/conn/vlan-logging.zeek
  { name: 'vlan', type: 'int' },
  { name: 'inner_vlan', type: 'int' },
  // Zeek policy/protocols/conn/community-id-logging.zeek
  { name: 'community_id', type: 'string' },
  // Palisade extensions
  { name: 'orig_l2_bytes', type: 'count' },
  { name: 'resp_l2_bytes', type: 'count' },
  { name: 'orig_ttl', type: 'count' },
  { name: 'resp_ttl', type: 'count' },
  { name: 'orig_syn_window', type: 'count' },
  { name: 'resp_syn_window', type: 'count' },
] as const satisfies readonly ZeekField[];

// Compile-time check: every ConnRecord key has a column and every column a ConnRecord key.
type ConnColumn = (typeof CONN_ZEEK_FIELDS)[number]['name'];
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const CONN_COLUMNS_MATCH_RECORD: SameKeys<keyof ConnRecord, ConnColumn> = true;
