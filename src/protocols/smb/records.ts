// SMB records: Zeek's smb_mapping and smb_files logs (base/protocols/smb/main.zeek, columns
// in Zeek's order, then Palisade's), and Palisade's smb record: one per command and its
// response, so every command, its status and every failed login are visible. Every field is
// documented in docs/protocols/smb.md.
import { FLOW_HEADER_FIELDS, type RecordSchemas } from '../../dissect/types.ts';

/** smb_mapping: one per successful tree connect (SMB2 TREE_CONNECT, SMB1 TREE_CONNECT_ANDX). */
export interface SmbMappingRecord {
  /** The tree's path, e.g. "\\\\10.0.0.5\\C$". */
  path: string | undefined;
  /** SMB1: the service the server answered ("A:", "IPC", "LPT1:"). */
  service: string | undefined;
  /** SMB1: the native file system the server answered ("NTFS"). */
  native_file_system: string | undefined;
  /** DISK, PIPE or PRINT (SMB2: the response's ShareType; SMB1: from the service). */
  share_type: string;
  /** Palisade: the tree id the server gave. */
  tree_id: number;
  /** Palisade: the SMB session the tree belongs to ("0x" + 16 hex digits; SMB1: the UID). */
  session_id: string;
}

/** smb_files: file opens, deletes, renames and print jobs, as Zeek logs them. */
export interface SmbFilesRecord {
  /** Zeek's file id (files framework); not set by Palisade. */
  fuid: string | undefined;
  /** FILE_OPEN, FILE_DELETE, FILE_RENAME, PRINT_OPEN, PRINT_CLOSE. */
  action: string;
  /** The tree the file is on. */
  path: string | undefined;
  /** The file name, relative to the tree ("<share_root>" for the tree itself). */
  name: string | undefined;
  /** The file's size (end of file) when it was opened. */
  size: number;
  /** FILE_RENAME: the name before. */
  prev_name: string | undefined;
  /** Last write, last access, creation and change times (seconds since 1970). */
  'times.modified': number | undefined;
  'times.accessed': number | undefined;
  'times.created': number | undefined;
  'times.changed': number | undefined;
  /** Palisade: what the open did (FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN, FILE_SUPERSEDED). */
  create_action: string | undefined;
  /** Palisade: what the client asked for (FILE_OPEN, FILE_CREATE, FILE_OVERWRITE_IF, …). */
  disposition: string | undefined;
}

/** smb: one per command and its response. */
export interface SmbRecord {
  /** SMB1, SMB2 (SMB 2 and 3 share it), or SMB3 for encrypted / compressed messages. */
  version: string;
  /** Command name as Zeek spells it (SMB2: NEGOTIATE_PROTOCOL, SESSION_SETUP, …; SMB1: SESSION_SETUP_ANDX, …), ENCRYPTED / COMPRESSED for transform summaries. */
  command: string;
  command_code: number | undefined;
  /** NT status name of the response (STATUS_SUCCESS, STATUS_LOGON_FAILURE, …; SMB1 DOS errors as ERRDOS/<n>); unset without a response. */
  status: string | undefined;
  status_code: number | undefined;
  /** The dialect negotiated on the connection so far (SMB2: "3.1.1", …; SMB1: the dialect string). */
  dialect: string | undefined;
  /** SMB2 MessageId, SMB1 MID. */
  message_id: number | undefined;
  /** SMB2 SessionId ("0x" + 16 hex digits), SMB1 UID ("0x" + 4 hex digits). */
  session_id: string | undefined;
  tree_id: number | undefined;
  /** The tree (share path) the command works on. */
  tree: string | undefined;
  share_type: string | undefined;
  /** The file the command works on (CREATE's name, or the name of the file id). */
  file_name: string | undefined;
  /** The request or the response was signed. */
  signed: boolean;
  /** IOCTL: the FSCTL name; QUERY_INFO / SET_INFO / QUERY_DIRECTORY: the information class; SMB1 transactions: the subcommand. */
  sub_command: string | undefined;
  /** Seconds from the request to the (final) response. */
  rtt: number | undefined;
  /** SESSION_SETUP: the login's outcome (set on the final response only). */
  login_success: boolean | undefined;
  /** SESSION_SETUP: the server logged the client in as guest or anonymous. */
  guest: boolean | undefined;
  /** READ / WRITE: bytes read or written (READ: the response's DataLength; WRITE: the request's Length). */
  data_len: number | undefined;
  /** READ / WRITE: the file offset. */
  offset: number | undefined;
  /** NEGOTIATE: the dialects the client offered. */
  dialects: string[] | undefined;
  /** NEGOTIATE / SESSION_SETUP: the server's (else the client's) security mode: signing_required, signing_enabled or none. */
  security_mode: string | undefined;
  /** NEGOTIATE: the server's capabilities (names), else the client's. */
  capabilities: string[] | undefined;
  server_guid: string | undefined;
  client_guid: string | undefined;
  /** NEGOTIATE (3.1.1): the negotiate context types the client sent. */
  negotiate_contexts: string[] | undefined;
  /** NEGOTIATE (3.1.1): encryption ciphers the client offered, then the one the server chose. */
  encryption_ciphers: string[] | undefined;
  /** NEGOTIATE (3.1.1): the server name the client asked for (NETNAME context). */
  server_name: string | undefined;
  /** CREATE / NT_CREATE_ANDX: disposition asked, options, what the server did, the file's size. */
  disposition: string | undefined;
  create_options: string[] | undefined;
  create_action: string | undefined;
  file_size: number | undefined;
  /** SMB1 SESSION_SETUP_ANDX without extended security: the account and domain in clear. */
  username: string | undefined;
  domain: string | undefined;
  /** SMB1 SESSION_SETUP_ANDX: native OS and LAN Manager strings of the client and the server, the server's domain. */
  client_native_os: string | undefined;
  client_native_lanman: string | undefined;
  server_native_os: string | undefined;
  server_native_lanman: string | undefined;
  server_domain: string | undefined;
  /** ENCRYPTED / COMPRESSED summaries: messages and bytes of SMB3 transform (encrypted) or compressed messages on the connection. */
  messages: number | undefined;
  bytes: number | undefined;
}

export const SMB_MAPPING_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'path', type: 'string' },
  { name: 'service', type: 'string' },
  { name: 'native_file_system', type: 'string' },
  { name: 'share_type', type: 'string' },
  { name: 'tree_id', type: 'count' },
  { name: 'session_id', type: 'string' },
] as const;

export const SMB_FILES_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'fuid', type: 'string' },
  { name: 'action', type: 'enum' },
  { name: 'path', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'size', type: 'count' },
  { name: 'prev_name', type: 'string' },
  { name: 'times.modified', type: 'time' },
  { name: 'times.accessed', type: 'time' },
  { name: 'times.created', type: 'time' },
  { name: 'times.changed', type: 'time' },
  { name: 'create_action', type: 'string' },
  { name: 'disposition', type: 'string' },
] as const;

export const SMB_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'version', type: 'string' },
  { name: 'command', type: 'string' },
  { name: 'command_code', type: 'count' },
  { name: 'status', type: 'string' },
  { name: 'status_code', type: 'count' },
  { name: 'dialect', type: 'string' },
  { name: 'message_id', type: 'count' },
  { name: 'session_id', type: 'string' },
  { name: 'tree_id', type: 'count' },
  { name: 'tree', type: 'string' },
  { name: 'share_type', type: 'string' },
  { name: 'file_name', type: 'string' },
  { name: 'signed', type: 'bool' },
  { name: 'sub_command', type: 'string' },
  { name: 'rtt', type: 'interval' },
  { name: 'login_success', type: 'bool' },
  { name: 'guest', type: 'bool' },
  { name: 'data_len', type: 'count' },
  { name: 'offset', type: 'count' },
  { name: 'dialects', type: 'vector[string]' },
  { name: 'security_mode', type: 'string' },
  { name: 'capabilities', type: 'vector[string]' },
  { name: 'server_guid', type: 'string' },
  { name: 'client_guid', type: 'string' },
  { name: 'negotiate_contexts', type: 'vector[string]' },
  { name: 'encryption_ciphers', type: 'vector[string]' },
  { name: 'server_name', type: 'string' },
  { name: 'disposition', type: 'string' },
  { name: 'create_options', type: 'vector[string]' },
  { name: 'create_action', type: 'string' },
  { name: 'file_size', type: 'count' },
  { name: 'username', type: 'string' },
  { name: 'domain', type: 'string' },
  { name: 'client_native_os', type: 'string' },
  { name: 'client_native_lanman', type: 'string' },
  { name: 'server_native_os', type: 'string' },
  { name: 'server_native_lanman', type: 'string' },
  { name: 'server_domain', type: 'string' },
  { name: 'messages', type: 'count' },
  { name: 'bytes', type: 'count' },
] as const;

export const SMB_RECORDS: RecordSchemas = {
  smb_mapping: SMB_MAPPING_FIELDS,
  smb_files: SMB_FILES_FIELDS,
  smb: SMB_FIELDS,
};
