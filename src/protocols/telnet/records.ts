// The telnet record: one per connection. Zeek has no telnet log; the login columns follow the
// community login.log Malcolm writes for telnet/rlogin/rsh (proto, success, confused, user,
// client_user; its password column becomes `password_present`), then the negotiation and
// login details Palisade adds. docs/protocols/telnet.md lists every field.
import { FLOW_HEADER_FIELDS, type RecordSchemas, type RecordHead } from '../../dissect/types.ts';

export const RECORD_TELNET = 'telnet';

export interface TelnetRecord extends RecordHead {
  /** Time of the connection's first payload. */
  ts: number;
  /** Always `telnet` (login.log's proto column). */
  proto: string;
  /** The last login attempt succeeded. */
  success: boolean;
  /** The client typed lines before any login or password prompt was recognised: the heuristic could not place them. */
  confused: boolean;
  /** The user name typed after the login prompt (the last attempt's), at most 64 characters. */
  user?: string;
  /** The USER variable the client sent in NEW-ENVIRON / ENVIRON. */
  client_user?: string;
  /** A non-empty line was typed after a password prompt (the password itself is never kept). */
  password_present: boolean;
  // ---- Palisade ----
  /** Every option named in a WILL, WONT, DO, DONT or SB, in the order first seen. */
  options: string[];
  /** Options the server agreed to perform (it sent WILL and the client DO, last word of both). */
  options_server: string[];
  /** Options the client agreed to perform. */
  options_client: string[];
  /** TERMINAL-TYPE the client sent (`xterm-color`). */
  terminal_type?: string;
  /** What the server printed before the first prompt (IAC sequences and escape codes stripped), at most 512 characters. */
  banner?: string;
  /** Outcome of the last login attempt: `success`, `failure`, or `unknown` (credentials typed, no verdict). */
  login?: string;
  /** What decided it: the server line (`Login incorrect`), `shell prompt "$ "` or `login prompt again`. */
  login_reason?: string;
  /** Login attempts with a verdict, and of those the failures. */
  login_attempts: number;
  login_failures: number;
  /** IAC command sequences (a WILL/WONT/DO/DONT with its option, an SB…SE, or another command) sent by each side. */
  commands_orig: number;
  commands_resp: number;
}

export const TELNET_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'proto', type: 'string' },
  { name: 'success', type: 'bool' },
  { name: 'confused', type: 'bool' },
  { name: 'user', type: 'string' },
  { name: 'client_user', type: 'string' },
  { name: 'password_present', type: 'bool' },
  { name: 'options', type: 'vector[string]' },
  { name: 'options_server', type: 'vector[string]' },
  { name: 'options_client', type: 'vector[string]' },
  { name: 'terminal_type', type: 'string' },
  { name: 'banner', type: 'string' },
  { name: 'login', type: 'string' },
  { name: 'login_reason', type: 'string' },
  { name: 'login_attempts', type: 'count' },
  { name: 'login_failures', type: 'count' },
  { name: 'commands_orig', type: 'count' },
  { name: 'commands_resp', type: 'count' },
] as const;

export const TELNET_RECORDS: RecordSchemas = { [RECORD_TELNET]: TELNET_FIELDS };
