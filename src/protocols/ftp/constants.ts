// FTP constants (RFC 959, RFC 2228, RFC 2428, RFC 3659) and the lists Zeek's FTP scripts
// use (base/protocols/ftp/main.zeek, utils-commands.zeek), so ftp records can be filtered
// to exactly the rows Zeek's ftp.log holds.

/** TCP ports FTP is tried on first. */
export const FTP_PORTS = [21] as const;

/** Commands whose argument names a file or directory: their `arg` is written as Zeek's URL `ftp://<server>/<cwd>/<arg>` (Zeek's file_cmds). */
export const FILE_COMMANDS: ReadonlySet<string> = new Set([
  'APPE', 'CWD', 'DELE', 'MKD', 'RETR', 'RMD', 'RNFR', 'RNTO', 'STOR', 'STOU', 'REST', 'SIZE', 'MDTM',
]);

/** The commands whose rows Zeek's ftp.log holds (FTP::logged_commands). */
export const ZEEK_LOGGED_COMMANDS: ReadonlySet<string> = new Set([
  'APPE', 'DELE', 'RETR', 'STOR', 'STOU', 'ACCT', 'PORT', 'PASV', 'EPRT', 'EPSV',
]);

/**
 * Commands a client sends first or early (RFC 959 §4.1, RFC 2228, RFC 2389, RFC 3659, and
 * CLNT): the content probe accepts a client's first line only when it starts with one.
 */
export const FIRST_COMMANDS: ReadonlySet<string> = new Set([
  'USER', 'PASS', 'ACCT', 'AUTH', 'FEAT', 'SYST', 'OPTS', 'HELP', 'NOOP', 'QUIT', 'PWD', 'XPWD', 'CWD', 'TYPE', 'PASV', 'EPSV',
  'PORT', 'EPRT', 'LIST', 'NLST', 'MLSD', 'RETR', 'STOR', 'SIZE', 'MDTM', 'CLNT', 'LANG', 'HOST', 'STAT', 'SITE', 'MODE', 'STRU',
]);

/** Commands whose first line, on another port than 21, shows FTP and not POP3/IMAP/SMTP (which share USER, PASS, QUIT, NOOP, HELP). */
export const FTP_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'PORT', 'EPRT', 'PASV', 'EPSV', 'TYPE', 'CWD', 'FEAT', 'SYST', 'MLSD', 'NLST', 'PWD', 'XPWD', 'CLNT', 'SIZE', 'MDTM',
]);

/** Zeek's FTP::guest_ids (Palisade hides every password; the list is documented for comparison). */
export const GUEST_IDS: ReadonlySet<string> = new Set(['anonymous', 'ftp', 'ftpuser', 'guest']);

/** What Zeek writes in place of a hidden password. */
export const PASSWORD_HIDDEN = '<hidden>';

/** The command of the server's greeting and of replies that answer no command (Zeek's shims). */
export const INIT_COMMAND = '<init>';
export const MISSING_COMMAND = '<missing>';
/** Zeek's user before any USER command. */
export const UNKNOWN_USER = '<unknown>';

/** A reply code's class (RFC 959 §4.2): 1 preliminary, 2 completion, 3 intermediate, 4 transient failure, 5 permanent failure. */
export function replyClass(code: number): number {
  return Math.floor(code / 100);
}

/** The login outcome a reply to USER, PASS or ACCT gives: 'success', 'failure', or '' (not decided yet / not a login reply). */
export function loginOutcome(command: string, code: number): string {
  if (command !== 'USER' && command !== 'PASS' && command !== 'ACCT') return '';
  if (code === 230 || (code === 202 && command !== 'USER')) return 'success';
  if (code === 331 || code === 332) return '';
  const c = replyClass(code);
  if (c === 4 || c === 5) return 'failure';
  return '';
}

/**
 * FTP server products recognised in a 220 greeting, most specific first: the first that
 * matches names the FTP::SERVER software, with the version that follows it. Greetings that
 * name none (a site's own text) give no software record.
 */
export const SERVER_PRODUCTS: readonly RegExp[] = [
  /\b(vsFTPd)[ /]*([0-9][0-9A-Za-z.]*)?/i,
  /\b(ProFTPD)[ /]*([0-9][0-9A-Za-z.]*)?/i,
  /\b(Pure-FTPd)[ /-]*([0-9][0-9A-Za-z.]*)?/i,
  /\b(FileZilla Server)[ /]*(?:version )?([0-9][0-9A-Za-z.]*)?/i,
  /\b(Microsoft FTP Service)\b/i,
  /\b(Serv-U FTP Server)[ /]*v?([0-9][0-9A-Za-z.]*)?/i,
  /\b(WS_FTP Server)[ /]*([0-9][0-9A-Za-z.]*)?/i,
  /\b(wu-ftpd|wu)-([0-9][0-9A-Za-z.\-()]*)/i,
  /\b(NetBSD-ftpd|Linux-ftpd|bftpd|glFTPd|WarFTPd|CrushFTP|zFTPServer)[ /_-]*([0-9][0-9A-Za-z.]*)?/i,
  /\b(Titan FTP Server|Gene6 FTP Server|Xlight FTP Server|Wing FTP Server|Cerberus FTP Server)[ /]*(?:version )?([0-9][0-9A-Za-z.]*)?/i,
  /\b(VxWorks)(?: FTP server)?[ (/]*(?:VxWorks )*([0-9][0-9A-Za-z.]*)?/i,
  /\b(MikroTik)[ /]*([0-9][0-9A-Za-z.]*)?/i,
];
