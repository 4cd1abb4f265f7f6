// The `dhcp` record, field by field (docs/protocols/dhcp.md has the same list with
// examples). Field names, types and order follow Zeek's dhcp.log (base/protocols/dhcp/
// main.zeek), then the columns of Zeek's policy scripts (msg-orig.zeek: msg_orig;
// software.zeek: client_software, server_software), then Palisade's. Like Zeek's, the record
// has no connection id: one DHCP transaction travels in several flows (`uids`).

import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_DHCP = 'dhcp';

/** One DHCP transaction: the messages with one transaction id (xid) close together in time. */
export interface DhcpRecord {
  /** Time of the transaction's first message. */
  ts: number;
  /** The flows its messages travelled in (at most 10, as Zeek). */
  uids: string[];
  /** The client's address: the source of a client message that is not 0.0.0.0, else the address assigned. */
  client_addr?: string;
  /** The address of the server that sent a message assigning an address. */
  server_addr?: string;
  /** The client's MAC address: option 61 when it holds one, else chaddr. */
  mac?: string;
  /** Option 12 of the client. */
  host_name?: string;
  /** Option 81 of the client: the domain name. */
  client_fqdn?: string;
  /** Option 15 of the server. */
  domain?: string;
  /** Option 50 of the client. */
  requested_addr?: string;
  /** yiaddr of the server. */
  assigned_addr?: string;
  /** Option 51 of the server, seconds. */
  lease_time?: number;
  /** Option 56 of the client (a DECLINE's reason) and of the server (a NAK's reason). */
  client_message?: string;
  server_message?: string;
  /** Message types in the order seen: `DISCOVER`, `OFFER`, `REQUEST`, `ACK`, … */
  msg_types: string[];
  /** Seconds from the first message to the last. */
  duration: number;
  /** The source address of each message (Zeek's msg-orig policy). */
  msg_orig: string[];
  /** Option 60 (vendor class) of the client and of the server (Zeek's software policy). */
  client_software?: string;
  server_software?: string;
  // ---- Palisade ----
  /** The transaction id. */
  xid: number;
  /** Option 55 of the client: the option numbers it asks for, comma-joined (Fingerbank's DHCP fingerprint). */
  param_list?: string;
  /** Option 61 of the client, colon hex (type byte first). */
  client_id?: string;
  /** Option 77 of the client. */
  user_class?: string;
  /** Option 54 of the server (or of a client's REQUEST naming the server it chose). */
  server_id?: string;
  /** Options 1, 3, 6 of the server. */
  subnet_mask?: string;
  routers?: string[];
  dns_servers?: string[];
  /** giaddr: the relay agent that forwarded the messages, when not 0.0.0.0. */
  relay_addr?: string;
  /** Option 82 (relay agent information): circuit id and remote id, colon hex. */
  agent_circuit_id?: string;
  agent_remote_id?: string;
}

export const DHCP_FIELDS = [
  { name: 'ts', type: 'time' },
  { name: 'uids', type: 'set[string]' },
  { name: 'client_addr', type: 'addr' },
  { name: 'server_addr', type: 'addr' },
  { name: 'mac', type: 'string' },
  { name: 'host_name', type: 'string' },
  { name: 'client_fqdn', type: 'string' },
  { name: 'domain', type: 'string' },
  { name: 'requested_addr', type: 'addr' },
  { name: 'assigned_addr', type: 'addr' },
  { name: 'lease_time', type: 'interval' },
  { name: 'client_message', type: 'string' },
  { name: 'server_message', type: 'string' },
  { name: 'msg_types', type: 'vector[string]' },
  { name: 'duration', type: 'interval' },
  { name: 'msg_orig', type: 'vector[addr]' },
  { name: 'client_software', type: 'string' },
  { name: 'server_software', type: 'string' },
  { name: 'xid', type: 'count' },
  { name: 'param_list', type: 'string' },
  { name: 'client_id', type: 'string' },
  { name: 'user_class', type: 'string' },
  { name: 'server_id', type: 'addr' },
  { name: 'subnet_mask', type: 'addr' },
  { name: 'routers', type: 'vector[addr]' },
  { name: 'dns_servers', type: 'vector[addr]' },
  { name: 'relay_addr', type: 'addr' },
  { name: 'agent_circuit_id', type: 'string' },
  { name: 'agent_remote_id', type: 'string' },
] as const satisfies readonly ZeekField[];
