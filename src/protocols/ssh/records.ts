// The `ssh` record (docs/protocols/ssh.md lists every field). Columns 7..18 are Zeek's
// ssh.log (base/protocols/ssh/main.zeek, SSH::Info) with the same names, types and meaning;
// 19..24 are the HASSH fields of Salesforce/Corelight's hassh package, snake-cased; from 25 on
// Palisade's (the identification strings split into their parts, the host key type and its
// OpenSSH-style SHA-256 fingerprint) for the asset inventory.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export interface SshRecord {
  /** SSH major version (1 or 2) as Zeek's set_version derives it from both identification strings; unset when they disagree. */
  version?: number;
  /** Authentication outcome inferred from encrypted packet sizes (Zeek's heuristic): T success, F failure, unset unknown. */
  auth_success?: boolean;
  /** Authentication attempts counted by the heuristic. */
  auth_attempts: number;
  /** Zeek's direction (needs Site::local_nets); Palisade has no local networks configured, so it stays unset as in a default Zeek. */
  direction?: string;
  /** The client's and the server's identification strings, CR LF removed. */
  client?: string;
  server?: string;
  /** Negotiated algorithms (client's first choice the server also lists); "To server: x, to client: y" when the directions differ. */
  cipher_alg?: string;
  mac_alg?: string;
  compression_alg?: string;
  kex_alg?: string;
  host_key_alg?: string;
  /** MD5 of the server host key blob, colon-separated hex (Zeek's host_key). */
  host_key?: string;
  /** HASSH: MD5 of the client's kex;encryption;mac;compression lists (client to server). */
  hassh?: string;
  /** HASSH-server: MD5 of the server's kex;encryption;mac;compression lists (server to client). */
  hassh_server?: string;
  hassh_algorithms?: string;
  hassh_server_algorithms?: string;
  /** Client's and server's host key algorithm lists (the hassh package's cshka / sshka). */
  cshka?: string;
  sshka?: string;
  /** Key type inside the host key blob ("ssh-ed25519", "ssh-rsa"). */
  host_key_type?: string;
  /** SHA-256 of the host key blob as OpenSSH prints it ("SHA256:" + unpadded base64). */
  host_key_sha256?: string;
  client_proto_version?: string;
  client_software?: string;
  client_comments?: string;
  server_proto_version?: string;
  server_software?: string;
  server_comments?: string;
}

export const SSH_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'version', type: 'count' },
  { name: 'auth_success', type: 'bool' },
  { name: 'auth_attempts', type: 'count' },
  { name: 'direction', type: 'enum' },
  { name: 'client', type: 'string' },
  { name: 'server', type: 'string' },
  { name: 'cipher_alg', type: 'string' },
  { name: 'mac_alg', type: 'string' },
  { name: 'compression_alg', type: 'string' },
  { name: 'kex_alg', type: 'string' },
  { name: 'host_key_alg', type: 'string' },
  { name: 'host_key', type: 'string' },
  // HASSH
  { name: 'hassh', type: 'string' },
  { name: 'hassh_server', type: 'string' },
  { name: 'hassh_algorithms', type: 'string' },
  { name: 'hassh_server_algorithms', type: 'string' },
  { name: 'cshka', type: 'string' },
  { name: 'sshka', type: 'string' },
  // Palisade
  { name: 'host_key_type', type: 'string' },
  { name: 'host_key_sha256', type: 'string' },
  { name: 'client_proto_version', type: 'string' },
  { name: 'client_software', type: 'string' },
  { name: 'client_comments', type: 'string' },
  { name: 'server_proto_version', type: 'string' },
  { name: 'server_software', type: 'string' },
  { name: 'server_comments', type: 'string' },
];

/** Zeek's ssh.log column count (conn header included), for the baseline comparisons. */
export const ZEEK_SSH_COLUMNS = 18;
