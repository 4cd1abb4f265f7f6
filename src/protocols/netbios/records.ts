// The `netbios` record, field by field (docs/protocols/netbios.md has the same list with
// examples). One record type for both services: `nb_service` says which, and the fields of
// the other service are unset. The name service fields that Zeek's dns.log has for NetBIOS
// (Zeek runs its DNS analyzer on UDP 137) keep Zeek's names: trans_id, rtt, qtype, qtype_name,
// qclass, rcode, rcode_name, AA, TC, RD, RA, opcode, opcode_name, answers.
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_NETBIOS = 'netbios';

/** One name service transaction (request and response, or either alone), or one datagram. */
export interface NetbiosRecord extends RecordHead {
  /** Time of the request (of the response without one; of the datagram). */
  ts: number;
  /** `name` (name service, UDP 137) or `datagram` (datagram service, UDP 138). */
  nb_service: 'name' | 'datagram';
  // ---- name service ----
  trans_id?: number;
  /** Seconds from the request to the response. */
  rtt?: number;
  /** `netbios-query`, `netbios-registration`, `netbios-release`, `netbios-wack`, `netbios-refresh`, … */
  opcode?: number;
  opcode_name?: string;
  /** The name asked about or registered, decoded: `WORKSTATION1`, `<01><02>__MSBROWSE__<02>`. */
  name?: string;
  /** Its 16th byte: 0 workstation, 32 server, 28 domain controllers, … */
  name_suffix?: number;
  /** What the suffix (and the group bit) say: `Workstation`, `Server`, `Domain Controllers`, `Domain Name`, … */
  name_type?: string;
  /** NetBIOS scope (labels after the name), when not empty. */
  scope?: string;
  /** `NB` (32) or `NBSTAT` (33, node status). */
  qtype?: number;
  qtype_name?: string;
  qclass?: number;
  rcode?: number;
  /** `NOERROR`, `FMT_ERR`, `SRV_ERR`, `NAM_ERR`, `IMP_ERR`, `RFS_ERR`, `ACT_ERR`, `CFT_ERR`. */
  rcode_name?: string;
  AA?: boolean;
  TC?: boolean;
  RD?: boolean;
  RA?: boolean;
  /** The B flag: the request was broadcast. */
  broadcast?: boolean;
  /** NB_FLAGS of the name: a group name, and the owner's node type (`B`, `P`, `M`, `H`). */
  group?: boolean;
  node_type?: string;
  /** The addresses a registration, refresh or release request carries for the name. */
  request_addrs?: string[];
  /** A positive response: the name's addresses (NB), or the node's names `NAME<xx>` (NBSTAT). */
  answers?: string[];
  /** TTL of the response's record (of the request's without a response), seconds. */
  ttl?: number;
  /** NBSTAT response: the MAC address of the node's adapter. */
  unit_id?: string;
  request_seen?: boolean;
  response_seen?: boolean;
  // ---- datagram service ----
  /** `DIRECT_UNIQUE`, `DIRECT_GROUP`, `BROADCAST`, `ERROR`, `QUERY_REQUEST`, … and the code (0x10..0x16). */
  msg_type?: string;
  msg_type_code?: number;
  dgm_id?: number;
  /** The sender the datagram names (SOURCE_IP, SOURCE_PORT), and its node type. */
  source_addr?: string;
  source_port?: number;
  source_node_type?: string;
  source_name?: string;
  source_suffix?: number;
  destination_name?: string;
  destination_suffix?: number;
  /** ERROR datagrams: the error code and its name. */
  error_code?: number;
  error_name?: string;
  /** The SMB mailslot the datagram writes to: `\MAILSLOT\BROWSE`. */
  mailslot?: string;
  /** Browser protocol (MS-BRWS): the command (`HostAnnouncement`, `DomainAnnouncement`, `RequestElection`, …). */
  browser_command?: string;
  browser_command_code?: number;
  /** The announced server (a host; the workgroup in a DomainAnnouncement). */
  server_name?: string;
  /** Announcements: the OS version `major.minor` (Windows: 5.1 XP, 6.1 7, 10.0 …). */
  os_version?: string;
  /** Announcements: the server type bits, and their SV_TYPE_* names. */
  server_type?: number;
  server_type_names?: string[];
  /** Announcements: the browser protocol version `major.minor`. */
  browser_version?: string;
  /** Announcements: the server's comment (DomainAnnouncement: the master browser's name). */
  comment?: string;
  /** Announcements: the announcement interval, seconds. */
  announce_interval?: number;
  /** GetBackupListResponse: the backup browsers. */
  backup_servers?: string[];
}

export const NETBIOS_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'nb_service', type: 'string' },
  { name: 'trans_id', type: 'count' },
  { name: 'rtt', type: 'interval' },
  { name: 'opcode', type: 'count' },
  { name: 'opcode_name', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'name_suffix', type: 'count' },
  { name: 'name_type', type: 'string' },
  { name: 'scope', type: 'string' },
  { name: 'qtype', type: 'count' },
  { name: 'qtype_name', type: 'string' },
  { name: 'qclass', type: 'count' },
  { name: 'rcode', type: 'count' },
  { name: 'rcode_name', type: 'string' },
  { name: 'AA', type: 'bool' },
  { name: 'TC', type: 'bool' },
  { name: 'RD', type: 'bool' },
  { name: 'RA', type: 'bool' },
  { name: 'broadcast', type: 'bool' },
  { name: 'group', type: 'bool' },
  { name: 'node_type', type: 'string' },
  { name: 'request_addrs', type: 'vector[addr]' },
  { name: 'answers', type: 'vector[string]' },
  { name: 'ttl', type: 'interval' },
  { name: 'unit_id', type: 'string' },
  { name: 'request_seen', type: 'bool' },
  { name: 'response_seen', type: 'bool' },
  { name: 'msg_type', type: 'string' },
  { name: 'msg_type_code', type: 'count' },
  { name: 'dgm_id', type: 'count' },
  { name: 'source_addr', type: 'addr' },
  { name: 'source_port', type: 'port' },
  { name: 'source_node_type', type: 'string' },
  { name: 'source_name', type: 'string' },
  { name: 'source_suffix', type: 'count' },
  { name: 'destination_name', type: 'string' },
  { name: 'destination_suffix', type: 'count' },
  { name: 'error_code', type: 'count' },
  { name: 'error_name', type: 'string' },
  { name: 'mailslot', type: 'string' },
  { name: 'browser_command', type: 'string' },
  { name: 'browser_command_code', type: 'count' },
  { name: 'server_name', type: 'string' },
  { name: 'os_version', type: 'string' },
  { name: 'server_type', type: 'count' },
  { name: 'server_type_names', type: 'vector[string]' },
  { name: 'browser_version', type: 'string' },
  { name: 'comment', type: 'string' },
  { name: 'announce_interval', type: 'interval' },
  { name: 'backup_servers', type: 'vector[string]' },
] as const satisfies readonly ZeekField[];
