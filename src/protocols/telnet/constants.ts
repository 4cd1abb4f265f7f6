// Telnet constants (RFC 854, RFC 855 and the option RFCs) and the login heuristics' word lists.
//
// Option names are the keywords of the RFC that defines each option (IANA's Telnet Options
// registry gives the numbers): TRANSMIT-BINARY (RFC 856), ECHO (857), SUPPRESS-GO-AHEAD (858),
// STATUS (859), TIMING-MARK (860), TERMINAL-TYPE (1091), NAWS (1073), TERMINAL-SPEED (1079),
// TOGGLE-FLOW-CONTROL (1372), LINEMODE (1184), X-DISPLAY-LOCATION (1096), ENVIRON (1408),
// AUTHENTICATION (2941), ENCRYPT (2946), NEW-ENVIRON (1572), START-TLS (draft), COM-PORT-OPTION
// (2217), CHARSET (2066), … Unknown numbers are data: `unknown-<n>`.

export const TELNET_PORTS = [23] as const;

export const IAC = 255;
export const SE = 240;
export const NOP = 241;
export const DM = 242;
export const BRK = 243;
export const IP = 244;
export const AO = 245;
export const AYT = 246;
export const EC = 247;
export const EL = 248;
export const GA = 249;
export const SB = 250;
export const WILL = 251;
export const WONT = 252;
export const DO = 253;
export const DONT = 254;

export const COMMAND_NAMES: Readonly<Record<number, string>> = {
  240: 'SE', 241: 'NOP', 242: 'DM', 243: 'BRK', 244: 'IP', 245: 'AO', 246: 'AYT', 247: 'EC', 248: 'EL', 249: 'GA',
  250: 'SB', 251: 'WILL', 252: 'WONT', 253: 'DO', 254: 'DONT',
};

export const OPT_TERMINAL_TYPE = 24;
export const OPT_ENVIRON = 36;
export const OPT_NEW_ENVIRON = 39;

const OPTIONS: Readonly<Record<number, string>> = {
  0: 'TRANSMIT-BINARY', 1: 'ECHO', 2: 'RCP', 3: 'SUPPRESS-GO-AHEAD', 4: 'NAMS', 5: 'STATUS', 6: 'TIMING-MARK', 7: 'RCTE',
  8: 'NAOL', 9: 'NAOP', 10: 'NAOCRD', 11: 'NAOHTS', 12: 'NAOHTD', 13: 'NAOFFD', 14: 'NAOVTS', 15: 'NAOVTD', 16: 'NAOLFD',
  17: 'EXTEND-ASCII', 18: 'LOGOUT', 19: 'BM', 20: 'DET', 21: 'SUPDUP', 22: 'SUPDUP-OUTPUT', 23: 'SEND-LOCATION',
  24: 'TERMINAL-TYPE', 25: 'END-OF-RECORD', 26: 'TUID', 27: 'OUTMRK', 28: 'TTYLOC', 29: '3270-REGIME', 30: 'X.3-PAD',
  31: 'NAWS', 32: 'TERMINAL-SPEED', 33: 'TOGGLE-FLOW-CONTROL', 34: 'LINEMODE', 35: 'X-DISPLAY-LOCATION', 36: 'ENVIRON',
  37: 'AUTHENTICATION', 38: 'ENCRYPT', 39: 'NEW-ENVIRON', 40: 'TN3270E', 41: 'XAUTH', 42: 'CHARSET', 43: 'RSP',
  44: 'COM-PORT-OPTION', 45: 'SUPPRESS-LOCAL-ECHO', 46: 'START-TLS', 47: 'KERMIT', 48: 'SEND-URL', 49: 'FORWARD-X',
  138: 'PRAGMA-LOGON', 139: 'SSPI-LOGON', 140: 'PRAGMA-HEARTBEAT', 255: 'EXOPL',
};

/** The option's name; `unknown-<n>` for numbers no RFC assigns. */
export function optionName(n: number): string {
  return OPTIONS[n] ?? `unknown-${n}`;
}

/** Whether an RFC assigns the option number (the content probe accepts only those). */
export function isKnownOption(n: number): boolean {
  return OPTIONS[n] !== undefined;
}

// ---- login heuristics (after Zeek's login analyzer defaults, extended with common device texts) ----

/** Text a server ends a line with to ask for a user name (the line, trimmed, ends with one of these). */
export const LOGIN_PROMPTS: readonly string[] = [
  'login:', 'Login:', 'LOGIN:', 'Username:', 'username:', 'USERNAME:', 'User:', 'user:', 'User Name:', 'User name:',
  'Name:', 'login as:', 'Login name:', 'Member Name', 'Enter username:', 'Account:',
];

/** Text a server ends a line with to ask for a password. */
export const PASSWORD_PROMPTS: readonly string[] = ['Password:', 'password:', 'PASSWORD:', 'Passcode:', 'passcode:', 'Passwd:', 'passwd:'];

/** Text in a server line that reports a failed login (Zeek's login_failure_msgs and common device messages). */
export const FAILURE_MSGS: readonly string[] = [
  'Login incorrect', 'login incorrect', 'Authentication failed', 'authentication failed', 'Authentication failure',
  'Login failed', 'login failed', 'Access denied', 'access denied', 'Bad password', 'bad password', 'Login invalid',
  'Permission denied', 'User authorization failure', 'invalid', 'Invalid', 'INVALID', 'incorrect', 'Incorrect', 'failure',
  'Failure', 'Sorry.', 'Sorry,',
];

/** Text that contains a failure word but does not report a failure (Zeek's login_non_failure_msgs). */
export const NON_FAILURE_MSGS: readonly string[] = [
  'Failures', 'failures', 'failure since last successful login', 'failures since last successful login',
];

/** Text in a server line that reports a successful login (Zeek's login_success_msgs). */
export const SUCCESS_MSGS: readonly string[] = [
  'Last login', 'Last successful login', 'Last   successful login', 'checking for disk quotas', 'unsuccessful login attempts',
  'failure since last successful login', 'failures since last successful login',
];

/** The ends of a shell or device prompt (after a login, the server waits for a command). */
export const SHELL_PROMPT_ENDS: readonly string[] = ['$ ', '# ', '> ', '% ', '$', '#', '>'];
