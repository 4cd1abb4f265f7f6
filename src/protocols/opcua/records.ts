// The `opcua` record (docs/protocols/opcua.md lists every field). Columns 7..55 are those of
// ICSNPP's opcua_binary log (icsnpp-opcua-binary, OPCUA_Binary::Info, as its btest baselines
// in the corpus have them): one row per HEL, ACK, ERR, RHE and CLO message, and one row per
// service call, request and response together. Columns from 56 on are Palisade's.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export interface OpcuaRecord {
  /** HEL, ACK, ERR, RHE, OPN, MSG, CLO (of the request when there is one). */
  msg_type: string;
  /** Chunk type of the (last) chunk: F final, C intermediate, A abort. */
  is_final: string;
  /** Bytes of the message(s) of the row: request and response sizes added. */
  total_size: number;
  /** ERR: the error status code. */
  error?: number;
  /** ERR: the reason text. */
  reason?: string;
  /** HEL and ACK: protocol version, buffer sizes, maximum message size, maximum chunk count. */
  version?: number;
  rcv_buf_size?: number;
  snd_buf_size?: number;
  max_msg_size?: number;
  max_chunk_cnt?: number;
  /** HEL and RHE: the endpoint URL the client asks for. */
  endpoint_url?: string;
  /** Secure channel ids of the request and the response (both, when they differ: OPN). */
  sec_channel_id?: number[];
  /** OPN: asymmetric security header. */
  sec_policy_uri_len?: number;
  sec_policy_uri?: string;
  snd_cert_len?: number;
  /** SHA-1 thumbprint (hex) of the sender certificate. */
  snd_cert?: string;
  rcv_cert_len?: number;
  /** The receiver certificate thumbprint (hex). */
  rcv_cert?: string;
  request_id?: number;
  req_msg_size?: number;
  req_seq_number?: number;
  /** The request's type NodeId: encoding octet, namespace, numeric id and service name. */
  req_encoding_mask?: number;
  req_namespace_idx?: number;
  req_identifier?: number;
  req_identifier_str?: string;
  /** RequestHeader: the authentication token NodeId (encoding as "0x04", namespace, identifier). */
  req_hdr_node_id_type?: string;
  req_hdr_node_id_namespace_idx?: number;
  req_hdr_node_id_numeric?: number;
  req_hdr_node_id_string?: string;
  req_hdr_node_id_guid?: string;
  req_hdr_node_id_opaque?: string;
  req_hdr_timestamp?: number;
  req_hdr_request_handle?: number;
  req_hdr_return_diag?: number;
  req_hdr_audit_entry_id?: string;
  req_hdr_timeout_hint?: number;
  req_hdr_add_hdr_type_id?: number;
  req_hdr_add_hdr_enc_mask?: number;
  res_msg_size?: number;
  res_seq_number?: number;
  res_encoding_mask?: number;
  res_namespace_idx?: number;
  res_identifier?: number;
  res_identifier_str?: string;
  res_hdr_timestamp?: number;
  res_hdr_request_handle?: number;
  res_hdr_service_diag_encoding?: number;
  res_hdr_add_hdr_type_id?: number;
  res_hdr_add_hdr_enc_mask?: number;
  // ---- Palisade ----
  /** ResponseHeader ServiceResult: number and name ("Good", "BadSessionIdInvalid"). */
  status_code?: number;
  status_code_name?: string;
  /** ERR: name of `error`. */
  error_name?: string;
  /** The channel's MessageSecurityMode: None, Sign, SignAndEncrypt (from the OPN request, or inferred). */
  security_mode?: string;
  security_mode_code?: number;
  /** The message body is encrypted: only the headers were read. */
  encrypted?: boolean;
  /** MSG and CLO: the symmetric security header's token id. */
  sec_token_id?: number;
  /** OPN: request type (Issue, Renew) and requested / revised lifetime (ms). */
  sec_token_request_type?: string;
  sec_token_lifetime?: number;
  /** GetEndpoints / CreateSession: the endpoint URL in the request. */
  req_endpoint_url?: string;
  /** CreateSession: session name and the client's ApplicationDescription. */
  session_name?: string;
  client_application_uri?: string;
  client_product_uri?: string;
  client_application_name?: string;
  /** GetEndpoints / CreateSession / FindServers responses: the server's ApplicationDescription. */
  server_application_uri?: string;
  server_product_uri?: string;
  server_application_name?: string;
  server_application_type?: string;
  /** GetEndpoints / CreateSession responses: the security modes the server's endpoints offer. */
  endpoint_security_modes?: string[];
  /** Read, Write, Call, Browse, HistoryRead, RegisterNodes…: the NodeIds operated on (at most MAX_NODES). */
  node_ids?: string[];
  /** Read, Write: the attribute of each node (Value, DisplayName…). */
  attributes?: string[];
  /** Write: the value written to each node, rendered (numbers, booleans, strings; "Type[n]" for arrays). */
  write_values?: string[];
  /** Number of operations in the request (nodes to read/write/browse, methods to call), when more than listed. */
  operations?: number;
}

export const OPCUA_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'msg_type', type: 'string' },
  { name: 'is_final', type: 'string' },
  { name: 'total_size', type: 'count' },
  { name: 'error', type: 'count' },
  { name: 'reason', type: 'string' },
  { name: 'version', type: 'count' },
  { name: 'rcv_buf_size', type: 'count' },
  { name: 'snd_buf_size', type: 'count' },
  { name: 'max_msg_size', type: 'count' },
  { name: 'max_chunk_cnt', type: 'count' },
  { name: 'endpoint_url', type: 'string' },
  { name: 'sec_channel_id', type: 'vector[count]' },
  { name: 'sec_policy_uri_len', type: 'int' },
  { name: 'sec_policy_uri', type: 'string' },
  { name: 'snd_cert_len', type: 'int' },
  { name: 'snd_cert', type: 'string' },
  { name: 'rcv_cert_len', type: 'int' },
  { name: 'rcv_cert', type: 'string' },
  { name: 'request_id', type: 'count' },
  { name: 'req_msg_size', type: 'count' },
  { name: 'req_seq_number', type: 'count' },
  { name: 'req_encoding_mask', type: 'count' },
  { name: 'req_namespace_idx', type: 'count' },
  { name: 'req_identifier', type: 'count' },
  { name: 'req_identifier_str', type: 'string' },
  { name: 'req_hdr_node_id_type', type: 'string' },
  { name: 'req_hdr_node_id_namespace_idx', type: 'count' },
  { name: 'req_hdr_node_id_numeric', type: 'count' },
  { name: 'req_hdr_node_id_string', type: 'string' },
  { name: 'req_hdr_node_id_guid', type: 'string' },
  { name: 'req_hdr_node_id_opaque', type: 'string' },
  { name: 'req_hdr_timestamp', type: 'time' },
  { name: 'req_hdr_request_handle', type: 'count' },
  { name: 'req_hdr_return_diag', type: 'count' },
  { name: 'req_hdr_audit_entry_id', type: 'string' },
  { name: 'req_hdr_timeout_hint', type: 'count' },
  { name: 'req_hdr_add_hdr_type_id', type: 'count' },
  { name: 'req_hdr_add_hdr_enc_mask', type: 'count' },
  { name: 'res_msg_size', type: 'count' },
  { name: 'res_seq_number', type: 'count' },
  { name: 'res_encoding_mask', type: 'count' },
  { name: 'res_namespace_idx', type: 'count' },
  { name: 'res_identifier', type: 'count' },
  { name: 'res_identifier_str', type: 'string' },
  { name: 'res_hdr_timestamp', type: 'time' },
  { name: 'res_hdr_request_handle', type: 'count' },
  { name: 'res_hdr_service_diag_encoding', type: 'count' },
  { name: 'res_hdr_add_hdr_type_id', type: 'count' },
  { name: 'res_hdr_add_hdr_enc_mask', type: 'count' },
  // Palisade
  { name: 'status_code', type: 'count' },
  { name: 'status_code_name', type: 'string' },
  { name: 'error_name', type: 'string' },
  { name: 'security_mode', type: 'string' },
  { name: 'security_mode_code', type: 'count' },
  { name: 'encrypted', type: 'bool' },
  { name: 'sec_token_id', type: 'count' },
  { name: 'sec_token_request_type', type: 'string' },
  { name: 'sec_token_lifetime', type: 'count' },
  { name: 'req_endpoint_url', type: 'string' },
  { name: 'session_name', type: 'string' },
  { name: 'client_application_uri', type: 'string' },
  { name: 'client_product_uri', type: 'string' },
  { name: 'client_application_name', type: 'string' },
  { name: 'server_application_uri', type: 'string' },
  { name: 'server_product_uri', type: 'string' },
  { name: 'server_application_name', type: 'string' },
  { name: 'server_application_type', type: 'string' },
  { name: 'endpoint_security_modes', type: 'vector[string]' },
  { name: 'node_ids', type: 'vector[string]' },
  { name: 'attributes', type: 'vector[string]' },
  { name: 'write_values', type: 'vector[string]' },
  { name: 'operations', type: 'count' },
];

/** ICSNPP's column count of opcua_binary.log (conn header included), for the baseline test. */
export const ICSNPP_COLUMNS = 55;
