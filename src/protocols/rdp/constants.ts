// RDP constants as [MS-RDPBCGR] spells them (§2.2.1.1 X.224 Connection Request, §2.2.1.2
// Connection Confirm, §2.2.1.3 MCS Connect Initial and its client data blocks, §2.2.1.4
// MCS Connect Response and the server data blocks), with the names Zeek's
// base/protocols/rdp/consts.zeek logs, and the limits this dissector keeps.

export const TPKT_VERSION = 3;
/** X.224 TPDU codes (high nibble of the code octet). */
export const X224_CR = 0xe0;
export const X224_CC = 0xd0;
export const X224_DT = 0xf0;

/** RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE / RDP_NEG_CORRELATION_INFO type octets. */
export const TYPE_RDP_NEG_REQ = 0x01;
export const TYPE_RDP_NEG_RSP = 0x02;
export const TYPE_RDP_NEG_FAILURE = 0x03;
export const TYPE_RDP_CORRELATION_INFO = 0x06;

/** Security protocol flags (requestedProtocols, selectedProtocol). */
export const PROTOCOL_RDP = 0x00;
export const PROTOCOL_SSL = 0x01;
export const PROTOCOL_HYBRID = 0x02;
export const PROTOCOL_RDSTLS = 0x04;
export const PROTOCOL_HYBRID_EX = 0x08;
export const PROTOCOL_RDSAAD = 0x10;

const SECURITY_PROTOCOLS: ReadonlyMap<number, string> = new Map([
  [PROTOCOL_RDP, 'RDP'],
  [PROTOCOL_SSL, 'SSL'],
  [PROTOCOL_HYBRID, 'HYBRID'],
  [PROTOCOL_RDSTLS, 'RDSTLS'],
  [PROTOCOL_HYBRID_EX, 'HYBRID_EX'],
  [PROTOCOL_RDSAAD, 'RDSAAD'],
]);

/** Zeek's security_protocols names (`security_protocol-<n>` for others). */
export function securityProtocolName(p: number): string {
  return SECURITY_PROTOCOLS.get(p) ?? `security_protocol-${p}`;
}

/** The flags of a requestedProtocols field by name; `RDP` alone when none is set. */
export function requestedProtocolNames(flags: number): string[] {
  if (flags === 0) return ['RDP'];
  const out: string[] = [];
  for (const bit of [PROTOCOL_SSL, PROTOCOL_HYBRID, PROTOCOL_RDSTLS, PROTOCOL_HYBRID_EX, PROTOCOL_RDSAAD]) if ((flags & bit) !== 0) out.push(SECURITY_PROTOCOLS.get(bit)!);
  const rest = flags & ~0x1f;
  if (rest !== 0) out.push(`unknown-${rest >>> 0}`);
  return out;
}

const FAILURE_CODES: ReadonlyMap<number, string> = new Map([
  [0x01, 'SSL_REQUIRED_BY_SERVER'],
  [0x02, 'SSL_NOT_ALLOWED_BY_SERVER'],
  [0x03, 'SSL_CERT_NOT_ON_SERVER'],
  [0x04, 'INCONSISTENT_FLAGS'],
  [0x05, 'HYBRID_REQUIRED_BY_SERVER'],
  [0x06, 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER'],
]);

/** RDP_NEG_FAILURE failureCode names (Zeek's failure_codes). */
export function failureCodeName(c: number): string {
  return FAILURE_CODES.get(c) ?? `failure_code-${c}`;
}

/** GCC Conference Create Response result (T.124; Zeek's results). */
const RESULTS = ['Success', 'User rejected', 'Resources not available', 'Rejected for symmetry breaking', 'Locked conference'];
export function gccResultName(r: number): string {
  return RESULTS[r] ?? `result-${r}`;
}

/** Client data block types (TS_UD_HEADER.type). */
export const CS_CORE = 0xc001;
export const CS_SECURITY = 0xc002;
export const CS_NET = 0xc003;
/** Server data block types. */
export const SC_CORE = 0x0c01;
export const SC_SECURITY = 0x0c02;
export const SC_NET = 0x0c03;

/** encryptionMethod (§2.2.1.4.3). Zeek's table spells FIPS at 10; the specification's value is 0x10. */
const ENCRYPTION_METHODS: ReadonlyMap<number, string> = new Map([
  [0, 'None'], [1, '40bit'], [2, '128bit'], [8, '56bit'], [0x10, 'FIPS'],
]);
export function encryptionMethodName(m: number): string {
  return ENCRYPTION_METHODS.get(m) ?? `encryption_method-${m}`;
}

const ENCRYPTION_LEVELS = ['None', 'Low', 'Client compatible', 'High', 'FIPS'];
export function encryptionLevelName(l: number): string {
  return ENCRYPTION_LEVELS[l] ?? `encryption_level-${l}`;
}

/** Server certificate chain versions (dwVersion & 0x7FFFFFFF). */
export const CERT_CHAIN_VERSION_1 = 1;
export const CERT_CHAIN_VERSION_2 = 2;
export function certTypeName(t: number): string {
  return t === 1 ? 'RSA' : t === 2 ? 'X.509' : `cert_type-${t}`;
}

/** highColorDepth (§2.2.1.3.2), Zeek's high_color_depths names. */
const HIGH_COLOR_DEPTHS: ReadonlyMap<number, string> = new Map([[4, '4bit'], [8, '8bit'], [15, '15bit'], [16, '16bit'], [24, '24bit']]);
export function highColorDepthName(d: number): string {
  return HIGH_COLOR_DEPTHS.get(d) ?? `high_color_depth-${d}`;
}
/** earlyCapabilityFlags RNS_UD_CS_WANT_32BPP_SESSION. */
export const RNS_UD_CS_WANT_32BPP_SESSION = 0x0002;

/**
 * clientBuild → RDP client version, as Zeek's `builds` table (mstsc build numbers); others
 * `client_build-<n>` (the number itself is in client_build_number).
 */
const BUILDS: ReadonlyMap<number, string> = new Map([
  [419, 'RDP 4.0'], [2195, 'RDP 5.0'], [2221, 'RDP 5.0'], [2600, 'RDP 5.1'], [3790, 'RDP 5.2'], [6000, 'RDP 6.0'],
  [6001, 'RDP 6.1'], [6002, 'RDP 6.2'], [7600, 'RDP 7.0'], [7601, 'RDP 7.1'], [9200, 'RDP 8.0'], [9600, 'RDP 8.1'],
  [25189, 'RDP 8.0 (Mac)'], [25282, 'RDP 8.0 (Mac)'],
]);
export function clientBuildName(b: number): string {
  return BUILDS.get(b) ?? `client_build-${b}`;
}

/**
 * keyboardLayout: Windows input locale identifiers (LCID, with the layout variant in the high
 * word), named as Microsoft's "Windows language pack default values" list names them (the
 * names Zeek's `languages` table logs). Others are `keyboard-<n>` (the number itself is in
 * keyboard_layout_code).
 */
const KEYBOARDS: ReadonlyMap<number, string> = new Map([
  [1025, 'Arabic - Saudi Arabia'], [1026, 'Bulgarian'], [1027, 'Catalan'], [1028, 'Chinese - Taiwan'], [1029, 'Czech'],
  [1030, 'Danish'], [1031, 'German - Germany'], [1032, 'Greek'], [1033, 'English - United States'], [1034, 'Spanish - Spain (Traditional Sort)'],
  [1035, 'Finnish'], [1036, 'French - France'], [1037, 'Hebrew'], [1038, 'Hungarian'], [1039, 'Icelandic'],
  [1040, 'Italian - Italy'], [1041, 'Japanese'], [1042, 'Korean'], [1043, 'Dutch - Netherlands'], [1044, 'Norwegian (Bokmal)'],
  [1045, 'Polish'], [1046, 'Portuguese - Brazil'], [1048, 'Romanian'], [1049, 'Russian'], [1050, 'Croatian'],
  [1051, 'Slovak'], [1053, 'Swedish'], [1054, 'Thai'], [1055, 'Turkish'], [1056, 'Urdu'], [1057, 'Indonesian'],
  [1058, 'Ukrainian'], [1059, 'Belarusian'], [1060, 'Slovenian'], [1061, 'Estonian'], [1062, 'Latvian'], [1063, 'Lithuanian'],
  [1065, 'Farsi'], [1066, 'Vietnamese'], [1067, 'Armenian - Armenia'], [1068, 'Azeri (Latin)'], [1069, 'Basque'],
  [1071, 'FYRO Macedonian'], [1078, 'Afrikaans - South Africa'], [1079, 'Georgian'], [1080, 'Faroese'], [1081, 'Hindi'],
  [1086, 'Malay - Malaysia'], [1087, 'Kazakh'], [1091, 'Uzbek (Latin)'], [1092, 'Tatar'], [1093, 'Bengali (India)'],
  [1094, 'Punjabi'], [1095, 'Gujarati'], [1097, 'Tamil'], [1098, 'Telugu'], [1099, 'Kannada'], [1100, 'Malayalam'],
  [1102, 'Marathi'], [1104, 'Mongolian (Cyrillic)'], [1106, 'Welsh'], [1110, 'Galician'],
  [2052, "Chinese - People's Republic of China"], [2055, 'German - Switzerland'], [2057, 'English - United Kingdom'],
  [2058, 'Spanish - Mexico'], [2060, 'French - Belgium'], [2064, 'Italian - Switzerland'], [2067, 'Dutch - Belgium'],
  [2068, 'Norwegian (Nynorsk)'], [2070, 'Portuguese - Portugal'], [2074, 'Serbian (Latin)'], [2077, 'Swedish - Finland'],
  [3076, 'Chinese - Hong Kong SAR'], [3079, 'German - Austria'], [3081, 'English - Australia'], [3082, 'Spanish - Spain (Modern Sort)'],
  [3084, 'French - Canada'], [3098, 'Serbian (Cyrillic)'], [4100, 'Chinese - Singapore'], [4103, 'German - Luxembourg'],
  [4105, 'English - Canada'], [4108, 'French - Switzerland'], [5129, 'English - New Zealand'], [5132, 'French - Luxembourg'],
  [6153, 'English - Ireland'], [16393, 'English - India'], [66569, 'English - United States (Dvorak)'],
  [132105, 'English - United States (International)'], [66567, 'German (IBM)'], [67596, 'Belgian (Comma)'],
  [69641, 'Canadian Multilingual Standard'], [66570, 'Spanish Variation'], [66582, 'Portuguese (Brazilian ABNT2)'],
  [66591, 'Turkish F'], [66565, 'Czech (QWERTY)'], [66587, 'Slovak (QWERTY)'], [66574, 'Hungarian 101-key'],
]);
export function keyboardName(k: number): string {
  return KEYBOARDS.get(k) ?? `keyboard-${k}`;
}

/** Largest TPKT accepted before the connection sequence is over. */
export const MAX_TPKT = 65535;
/** Client channels kept (Zeek raises RDP_channels_requested_exceeds_max above 31). */
export const MAX_CHANNELS = 31;
/** X.509 certificates counted in a server certificate chain before the rest is ignored. */
export const MAX_CERTS = 32;
/** TPKTs read per side before the connection sequence is given up. */
export const MAX_TPKTS = 64;
