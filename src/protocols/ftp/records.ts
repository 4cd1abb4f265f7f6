// The ftp record: one per command and its reply, as Zeek's ftp.log (FTP::Info in
// base/protocols/ftp/info.zeek) in its column order, then the fields Palisade adds. Zeek
// writes only some commands (FTP::logged_commands) and the password in clear for guest
// users; Palisade writes every command, never a password (`password_present` instead, and
// `<hidden>` as the argument of PASS). docs/protocols/ftp.md lists every field.
import { SOFTWARE_FIELDS, SOFTWARE_RECORD } from '../../dissect/software.ts';
import { FLOW_HEADER_FIELDS, type RecordSchemas, type RecordHead } from '../../dissect/types.ts';

export const RECORD_FTP = 'ftp';

export interface FtpRecord extends RecordHead {
  /** Time of the command (of the reply for `<init>` and `<missing>`). */
  ts: number;
  /** User name of the session (the last USER argument); `<unknown>` before any. */
  user: string;
  /** A PASS command with a non-empty argument was seen in the session (Zeek's `password`, never the password). */
  password_present: boolean;
  /** The command, upper-cased; `<init>` for the server's greeting, `<missing>` for a reply to no command. */
  command: string;
  /** Its argument; for file commands the URL Zeek builds (`ftp://<server>/<cwd>/<name>`); `<hidden>` for PASS. */
  arg?: string;
  /** Zeek's sniffed MIME type of the file (not set: the data connection is a separate flow). */
  mime_type?: string;
  /** File size from the reply to RETR (150) or SIZE (213). */
  file_size?: number;
  /** The final reply's code (of the preliminary one when no final reply came). */
  reply_code?: number;
  /** The text of the reply's last line. */
  reply_msg?: string;
  /** PORT / EPRT / PASV / EPSV: the data connection to expect. */
  'data_channel.passive'?: boolean;
  'data_channel.orig_h'?: string;
  'data_channel.resp_h'?: string;
  'data_channel.resp_p'?: number;
  /** Zeek's file id (not set). */
  fuid?: string;
  // ---- Palisade ----
  /** Every reply code to the command, in order (`150,226` for a transfer). */
  reply_codes?: number[];
  /** The argument of a file command as sent (the file or directory name). */
  file_name?: string;
  /** The login outcome this reply decided: `success` (230, 202) or `failure` (530 and other 4yz/5yz to USER, PASS, ACCT). */
  login?: string;
}

export const FTP_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'user', type: 'string' },
  { name: 'password_present', type: 'bool' },
  { name: 'command', type: 'string' },
  { name: 'arg', type: 'string' },
  { name: 'mime_type', type: 'string' },
  { name: 'file_size', type: 'count' },
  { name: 'reply_code', type: 'count' },
  { name: 'reply_msg', type: 'string' },
  { name: 'data_channel.passive', type: 'bool' },
  { name: 'data_channel.orig_h', type: 'addr' },
  { name: 'data_channel.resp_h', type: 'addr' },
  { name: 'data_channel.resp_p', type: 'port' },
  { name: 'fuid', type: 'string' },
  { name: 'reply_codes', type: 'vector[count]' },
  { name: 'file_name', type: 'string' },
  { name: 'login', type: 'string' },
] as const;

export const FTP_RECORDS: RecordSchemas = {
  [RECORD_FTP]: FTP_FIELDS,
  [SOFTWARE_RECORD]: SOFTWARE_FIELDS,
};
