// NTLM wire constants as MS-NLMP spells them (sections 2.2.1 messages, 2.2.2.1 AV_PAIR,
// 2.2.2.5 NEGOTIATE flags), and the SPNEGO / GSS-API object identifiers that wrap NTLMSSP
// (RFC 4178, RFC 2743, MS-SPNG).

/** "NTLMSSP\0", the signature every NTLM message starts with. */
export const NTLMSSP_SIGNATURE = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00] as const;

export const NTLM_NEGOTIATE = 1;
export const NTLM_CHALLENGE = 2;
export const NTLM_AUTHENTICATE = 3;

export const MESSAGE_TYPES: Readonly<Record<number, string>> = {
  1: 'NEGOTIATE_MESSAGE',
  2: 'CHALLENGE_MESSAGE',
  3: 'AUTHENTICATE_MESSAGE',
};

export function messageTypeName(t: number): string {
  return MESSAGE_TYPES[t] ?? `unknown-${t}`;
}

/** NegotiateFlags bits used here (MS-NLMP 2.2.2.5). */
export const NTLMSSP_NEGOTIATE_UNICODE = 0x00000001;
export const NTLMSSP_NEGOTIATE_OEM = 0x00000002;
export const NTLMSSP_NEGOTIATE_ANONYMOUS = 0x00000800;
export const NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
export const NTLMSSP_NEGOTIATE_TARGET_INFO = 0x00800000;
export const NTLMSSP_NEGOTIATE_VERSION = 0x02000000;

/** AV_PAIR AvId values (MS-NLMP 2.2.2.1). */
export const MsvAvEOL = 0;
export const MsvAvNbComputerName = 1;
export const MsvAvNbDomainName = 2;
export const MsvAvDnsComputerName = 3;
export const MsvAvDnsDomainName = 4;
export const MsvAvDnsTreeName = 5;

/** AV pairs read from one target info (a list longer than this is cut: event `too_many_av_pairs`). */
export const MAX_AV_PAIRS = 32;
/** Characters kept of a name (user, domain, host, server names). */
export const MAX_NAME_CHARS = 256;

/** SPNEGO negState (RFC 4178 4.2.2). */
export const NEG_STATE_NAMES: Readonly<Record<number, string>> = {
  0: 'accept-completed',
  1: 'accept-incomplete',
  2: 'reject',
  3: 'request-mic',
};

/** Object identifiers, as DER value bytes (no tag or length). */
/** 1.3.6.1.5.5.2 SPNEGO */
export const OID_SPNEGO = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02] as const;
/** 1.3.6.1.4.1.311.2.2.10 NTLMSSP */
export const OID_NTLMSSP = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a] as const;
/** 1.2.840.113554.1.2.2 Kerberos V5 */
export const OID_KRB5 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02] as const;
/** 1.2.840.48018.1.2.2 Microsoft's Kerberos V5 (MS-KILE) */
export const OID_MS_KRB5 = [0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02] as const;
/** 1.2.840.113554.1.2.2.3 Kerberos user-to-user */
export const OID_KRB5_U2U = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03] as const;
/** 1.3.6.1.4.1.311.2.2.30 NEGOEX */
export const OID_NEGOEX = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e] as const;
