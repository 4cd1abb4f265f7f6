// RFB (RFC 6143) constants: security types (IANA "Remote Framebuffer Security Types"
// registry, named as Zeek's base/protocols/rfb/main.zeek names them where it does), the
// SecurityResult values, and the limits this dissector keeps.

/** Security types Palisade names; Zeek's friendly_auth_name spellings first. */
const SECURITY_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'Invalid'],
  [1, 'None'],
  [2, 'VNC'],
  [5, 'RA2'],
  [6, 'RA2ne'],
  [7, 'SSPI'],
  [8, 'SSPIne'],
  [16, 'Tight'],
  [17, 'Ultra'],
  [18, 'TLS'],
  [19, 'VeNCrypt'],
  [20, 'GTK-VNC SASL'],
  [21, 'MD5 hash authentication'],
  [22, 'Colin Dean xvp'],
  [23, 'Secure Tunnel'],
  [24, 'Integrated SSH'],
  [30, 'Apple Remote Desktop'],
]);

/** A security type's name; RealVNC's ranges as Zeek names them, other unknown codes `unknown-<n>`. */
export function securityTypeName(t: number): string {
  const n = SECURITY_TYPES.get(t);
  if (n !== undefined) return n;
  if ((t >= 3 && t <= 15) || t >= 128) return 'RealVNC';
  if (t >= 31 && t <= 35) return 'Apple Inc.';
  return `unknown-${t}`;
}

export const SEC_INVALID = 0;
export const SEC_NONE = 1;
export const SEC_VNC = 2;
export const SEC_ARD = 30;

/** SecurityResult (RFC 6143 §7.1.3): 0 OK, 1 failed; 2 "too many attempts" in some servers. */
export const RESULT_OK = 0;

/** Length of a ProtocolVersion message: "RFB xxx.yyy\n". */
export const VERSION_LENGTH = 12;
/** Length of the VNC Authentication challenge and response. */
export const VNC_CHALLENGE_LENGTH = 16;
/** Longest reason string or desktop name accepted (Zeek's MAX_DATA_LENGTH). */
export const MAX_STRING = 65535;
/** Characters of a reason string or desktop name kept in the record. */
export const KEEP_STRING = 1024;
/** Bytes of handshake buffered per side before the flow is given up. */
export const MAX_HANDSHAKE = 4 * 65536;
