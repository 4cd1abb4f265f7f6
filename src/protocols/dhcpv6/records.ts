// The `dhcpv6` record, field by field (docs/protocols/dhcpv6.md has the same list with
// examples). Zeek has no DHCPv6 log; the record follows the shape of Zeek's dhcp.log (one
// record per transaction, joined across the flows it travels in, `uids`, `msg_types`,
// `duration`, `msg_orig`, `client_software`, `server_software`) with DHCPv6's own fields.
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_DHCPV6 = 'dhcpv6';

/** One DHCPv6 transaction: the messages with one transaction id close together in time. */
export interface Dhcpv6Record {
  /** Time of the first message. */
  ts: number;
  /** The flows its messages travelled in (at most 10). */
  uids: string[];
  /** The client's (link-local) source address, and the server's. */
  client_addr?: string;
  server_addr?: string;
  /** The client's MAC address, from a DUID-LLT or DUID-LL of hardware type 1. */
  mac?: string;
  /** Option 39 of the client: its name (`DESKTOP-T39THPL`, or a full domain name). */
  client_fqdn?: string;
  /** Option 24 of the server: the domain search list. */
  domain_list?: string[];
  /** Option 6 of the client: the option codes it asks for, comma-joined (a DHCPv6 fingerprint). */
  requested_options?: string;
  /** IAADDR addresses and IAPREFIX prefixes (`2001:db8:1::/56`) of the server's messages. */
  assigned_addrs?: string[];
  assigned_prefixes?: string[];
  /** Valid lifetime of the first assigned address or prefix, seconds. */
  lease_time?: number;
  /** Message types in the order seen: `SOLICIT`, `ADVERTISE`, `REQUEST`, `REPLY`, … (a relayed message by its inner type). */
  msg_types: string[];
  /** Seconds from the first message to the last. */
  duration: number;
  /** The source address of each message. */
  msg_orig: string[];
  /** Option 16 of the client and of the server: the vendor class data (`MSFT 5.0`). */
  client_software?: string;
  server_software?: string;
  // ---- more ----
  /** The transaction id (24 bits). */
  xid: number;
  /** The client's and the server's DUID, lower-case hex, and the client DUID's type (`LLT`, `EN`, `LL`, `UUID`). */
  client_duid?: string;
  client_duid_type?: string;
  server_duid?: string;
  /** The enterprise number of the client's vendor class (311 Microsoft). */
  vendor_enterprise?: number;
  /** Option 15 of the client. */
  user_class?: string;
  /** Option 23 of the server. */
  dns_servers?: string[];
  /** The server's status code (option 13) and its message. */
  status?: string;
  status_code?: number;
  status_message?: string;
  /** The link address of a relay that forwarded the messages. */
  relay_addr?: string;
}

export const DHCPV6_FIELDS = [
  { name: 'ts', type: 'time' },
  { name: 'uids', type: 'set[string]' },
  { name: 'client_addr', type: 'addr' },
  { name: 'server_addr', type: 'addr' },
  { name: 'mac', type: 'string' },
  { name: 'client_fqdn', type: 'string' },
  { name: 'domain_list', type: 'vector[string]' },
  { name: 'requested_options', type: 'string' },
  { name: 'assigned_addrs', type: 'vector[addr]' },
  { name: 'assigned_prefixes', type: 'vector[subnet]' },
  { name: 'lease_time', type: 'interval' },
  { name: 'msg_types', type: 'vector[string]' },
  { name: 'duration', type: 'interval' },
  { name: 'msg_orig', type: 'vector[addr]' },
  { name: 'client_software', type: 'string' },
  { name: 'server_software', type: 'string' },
  { name: 'xid', type: 'count' },
  { name: 'client_duid', type: 'string' },
  { name: 'client_duid_type', type: 'string' },
  { name: 'server_duid', type: 'string' },
  { name: 'vendor_enterprise', type: 'count' },
  { name: 'user_class', type: 'string' },
  { name: 'dns_servers', type: 'vector[addr]' },
  { name: 'status', type: 'string' },
  { name: 'status_code', type: 'count' },
  { name: 'status_message', type: 'string' },
  { name: 'relay_addr', type: 'addr' },
] as const satisfies readonly ZeekField[];
