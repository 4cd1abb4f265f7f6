// NetBIOS over TCP/IP (RFC 1001/1002) wire constants and names: the name service (UDP 137),
// the datagram service (UDP 138), and the Windows browser protocol (MS-BRWS) that rides in
// datagrams to the \MAILSLOT\BROWSE mailslot. Opcode names are the ones Zeek 8 gives NetBIOS
// messages (base/protocols/dns/consts.zeek netbios_opcodes); message types, rcodes and
// error codes as RFC 1002 spells them; browser commands and server type bits as MS-BRWS
// and MS-RAP spell them. Unknown codes are data: `unknown-<n>`.

export const NBNS_PORT = 137;
export const NBDGM_PORT = 138;

export const NBNS_HEADER_LEN = 12;
/** An encoded NetBIOS name: one 32-byte label, two characters 'A'..'P' per byte (RFC 1001 §14.1). */
export const ENCODED_NAME_LEN = 32;

// Name service flags (RFC 1002 §4.2.1.1): R, OPCODE (4), AA, TC, RD, RA, 0, 0, B, RCODE (4).
export const NS_FLAG_RESPONSE = 0x8000;
export const NS_FLAG_AA = 0x0400;
export const NS_FLAG_TC = 0x0200;
export const NS_FLAG_RD = 0x0100;
export const NS_FLAG_RA = 0x0080;
export const NS_FLAG_B = 0x0010;

export const OPCODE_QUERY = 0;
export const OPCODE_REGISTRATION = 5;
export const OPCODE_RELEASE = 6;
export const OPCODE_WACK = 7;
export const OPCODE_REFRESH = 8;

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'netbios-query',
  5: 'netbios-registration',
  6: 'netbios-release',
  7: 'netbios-wack',
  8: 'netbios-refresh',
  // 9 is the refresh opcode Windows sends (RFC 1002 errata); 15 registers a multi-homed name.
  9: 'netbios-refresh-alt',
  15: 'netbios-multihomed-registration',
};

export function opcodeName(o: number): string {
  return OPCODE_NAMES[o] ?? `unknown-${o}`;
}

export function isKnownOpcode(o: number): boolean {
  return OPCODE_NAMES[o] !== undefined;
}

export const RR_TYPE_A = 0x0001;
export const RR_TYPE_NS = 0x0002;
export const RR_TYPE_NULL = 0x000a;
export const RR_TYPE_NB = 0x0020;
export const RR_TYPE_NBSTAT = 0x0021;

const RR_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'A', 2: 'NS', 10: 'NULL', 32: 'NB', 33: 'NBSTAT' };

export function rrTypeName(t: number): string {
  return RR_TYPE_NAMES[t] ?? `unknown-${t}`;
}

export function rrClassName(c: number): string {
  return c === 1 ? 'C_INTERNET' : `unknown-${c}`;
}

/** RCODE (RFC 1002 §4.2.6 and following); 0 as DNS names it. */
const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR', 1: 'FMT_ERR', 2: 'SRV_ERR', 3: 'NAM_ERR', 4: 'IMP_ERR', 5: 'RFS_ERR', 6: 'ACT_ERR', 7: 'CFT_ERR',
};

export function rcodeName(r: number): string {
  return RCODE_NAMES[r] ?? `unknown-${r}`;
}

/** NB_FLAGS (RFC 1002 §4.2.1.3): G (group name), ONT (owner node type). */
export const NB_FLAG_GROUP = 0x8000;
const NODE_TYPES = ['B', 'P', 'M', 'H'] as const;

export function nodeTypeName(nbFlags: number): string {
  return NODE_TYPES[(nbFlags >> 13) & 3];
}

/**
 * What a name's 16th byte (its suffix) says it is, by the usual Windows assignments (the
 * names Microsoft documents for the NetBIOS suffixes); the group bit tells the domain
 * (workgroup) name <00> from the workstation name <00>, and the master browser __MSBROWSE__
 * <01> from the messenger name <01>.
 */
export function suffixName(suffix: number, group: boolean | undefined): string {
  switch (suffix) {
    case 0x00:
      return group === true ? 'Domain Name' : 'Workstation';
    case 0x01:
      return group === true ? 'Master Browser' : 'Messenger';
    case 0x03:
      return 'Messenger';
    case 0x06:
      return 'RAS Server';
    case 0x1b:
      return 'Domain Master Browser';
    case 0x1c:
      return 'Domain Controllers';
    case 0x1d:
      return 'Local Master Browser';
    case 0x1e:
      return 'Browser Elections';
    case 0x1f:
      return 'NetDDE';
    case 0x20:
      return 'Server';
    case 0x21:
      return 'RAS Client';
    case 0x22:
      return 'Exchange Interchange';
    case 0x23:
      return 'Exchange Store';
    case 0x24:
      return 'Exchange Directory';
    case 0x30:
      return 'Modem Sharing Server';
    case 0x31:
      return 'Modem Sharing Client';
    case 0x43:
      return 'SMS Client Remote Control';
    case 0x44:
      return 'SMS Administrator Remote Control';
    case 0x45:
      return 'SMS Client Remote Chat';
    case 0x46:
      return 'SMS Client Remote Transfer';
    case 0x6a:
      return 'Exchange IMC';
    case 0x87:
      return 'Exchange MTA';
    case 0xbe:
      return 'Network Monitor Agent';
    case 0xbf:
      return 'Network Monitor Application';
    default:
      return `unknown-${suffix}`;
  }
}

// Datagram service (RFC 1002 §4.4.1).
export const DGM_DIRECT_UNIQUE = 0x10;
export const DGM_DIRECT_GROUP = 0x11;
export const DGM_BROADCAST = 0x12;
export const DGM_ERROR = 0x13;
export const DGM_QUERY_REQUEST = 0x14;
export const DGM_POSITIVE_QUERY_RESPONSE = 0x15;
export const DGM_NEGATIVE_QUERY_RESPONSE = 0x16;
/** MSG_TYPE, FLAGS, DGM_ID, SOURCE_IP, SOURCE_PORT. */
export const DGM_HEADER_LEN = 10;

const DGM_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x10: 'DIRECT_UNIQUE',
  0x11: 'DIRECT_GROUP',
  0x12: 'BROADCAST',
  0x13: 'ERROR',
  0x14: 'QUERY_REQUEST',
  0x15: 'POSITIVE_QUERY_RESPONSE',
  0x16: 'NEGATIVE_QUERY_RESPONSE',
};

export function dgmTypeName(t: number): string {
  return DGM_TYPE_NAMES[t] ?? `unknown-${t}`;
}

/** FLAGS: M (more fragments), F (first fragment), SNT (source end-node type). */
export const DGM_FLAG_MORE = 0x01;
export const DGM_FLAG_FIRST = 0x02;
const DGM_NODE_TYPES = ['B', 'P', 'M', 'NBDD'] as const;

export function dgmNodeTypeName(flags: number): string {
  return DGM_NODE_TYPES[(flags >> 2) & 3];
}

const DGM_ERROR_NAMES: Readonly<Record<number, string>> = {
  0x82: 'DESTINATION_NAME_NOT_PRESENT',
  0x83: 'INVALID_SOURCE_NAME_FORMAT',
  0x84: 'INVALID_DESTINATION_NAME_FORMAT',
};

export function dgmErrorName(e: number): string {
  return DGM_ERROR_NAMES[e] ?? `unknown-${e}`;
}

// SMB Transaction carrying a mailslot message (MS-SMB / MS-MAIL).
export const SMB_COM_TRANSACTION = 0x25;
export const SMB_HEADER_LEN = 32;
export const MAILSLOT_BROWSE = '\\MAILSLOT\\BROWSE';
export const MAILSLOT_LANMAN = '\\MAILSLOT\\LANMAN';

// Browser commands (MS-BRWS §2.2).
export const BROWSER_HOST_ANNOUNCEMENT = 0x01;
export const BROWSER_ANNOUNCEMENT_REQUEST = 0x02;
export const BROWSER_REQUEST_ELECTION = 0x08;
export const BROWSER_GET_BACKUP_LIST_REQUEST = 0x09;
export const BROWSER_GET_BACKUP_LIST_RESPONSE = 0x0a;
export const BROWSER_BECOME_BACKUP = 0x0b;
export const BROWSER_DOMAIN_ANNOUNCEMENT = 0x0c;
export const BROWSER_MASTER_ANNOUNCEMENT = 0x0d;
export const BROWSER_RESET_STATE = 0x0e;
export const BROWSER_LOCAL_MASTER_ANNOUNCEMENT = 0x0f;

const BROWSER_COMMAND_NAMES: Readonly<Record<number, string>> = {
  0x01: 'HostAnnouncement',
  0x02: 'AnnouncementRequest',
  0x08: 'RequestElection',
  0x09: 'GetBackupListRequest',
  0x0a: 'GetBackupListResponse',
  0x0b: 'BecomeBackup',
  0x0c: 'DomainAnnouncement',
  0x0d: 'MasterAnnouncement',
  0x0e: 'ResetStateRequest',
  0x0f: 'LocalMasterAnnouncement',
};

export function browserCommandName(c: number): string {
  return BROWSER_COMMAND_NAMES[c] ?? `unknown-${c}`;
}

/** Server type bits (MS-RAP §2.5.5.2.1 SV_TYPE_*), low bit first. */
const SERVER_TYPE_BITS: readonly [number, string][] = [
  [0x00000001, 'SV_TYPE_WORKSTATION'],
  [0x00000002, 'SV_TYPE_SERVER'],
  [0x00000004, 'SV_TYPE_SQLSERVER'],
  [0x00000008, 'SV_TYPE_DOMAIN_CTRL'],
  [0x00000010, 'SV_TYPE_DOMAIN_BAKCTRL'],
  [0x00000020, 'SV_TYPE_TIME_SOURCE'],
  [0x00000040, 'SV_TYPE_AFP'],
  [0x00000080, 'SV_TYPE_NOVELL'],
  [0x00000100, 'SV_TYPE_DOMAIN_MEMBER'],
  [0x00000200, 'SV_TYPE_PRINTQ_SERVER'],
  [0x00000400, 'SV_TYPE_DIALIN_SERVER'],
  [0x00000800, 'SV_TYPE_SERVER_UNIX'],
  [0x00001000, 'SV_TYPE_NT'],
  [0x00002000, 'SV_TYPE_WFW'],
  [0x00004000, 'SV_TYPE_SERVER_MFPN'],
  [0x00008000, 'SV_TYPE_SERVER_NT'],
  [0x00010000, 'SV_TYPE_POTENTIAL_BROWSER'],
  [0x00020000, 'SV_TYPE_BACKUP_BROWSER'],
  [0x00040000, 'SV_TYPE_MASTER_BROWSER'],
  [0x00080000, 'SV_TYPE_DOMAIN_MASTER'],
  [0x00100000, 'SV_TYPE_SERVER_OSF'],
  [0x00200000, 'SV_TYPE_SERVER_VMS'],
  [0x00400000, 'SV_TYPE_WINDOWS'],
  [0x00800000, 'SV_TYPE_DFS'],
  [0x01000000, 'SV_TYPE_CLUSTER_NT'],
  [0x02000000, 'SV_TYPE_TERMINALSERVER'],
  [0x04000000, 'SV_TYPE_CLUSTER_VS_NT'],
  [0x10000000, 'SV_TYPE_DCE'],
  [0x20000000, 'SV_TYPE_ALTERNATE_XPORT'],
  [0x40000000, 'SV_TYPE_LOCAL_LIST_ONLY'],
  [0x80000000, 'SV_TYPE_DOMAIN_ENUM'],
];

/** The names of the bits set in a server type word (unassigned bits as `unknown-0x<bit>`). */
export function serverTypeNames(t: number): string[] {
  const out: string[] = [];
  let rest = t >>> 0;
  for (const [bit, name] of SERVER_TYPE_BITS) {
    if ((rest & bit) !== 0) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  for (let b = 0; b < 32 && rest !== 0; b++) {
    const bit = (1 << b) >>> 0;
    if ((rest & bit) !== 0) {
      out.push(`unknown-0x${bit.toString(16).padStart(8, '0')}`);
      rest = (rest & ~bit) >>> 0;
    }
  }
  return out;
}
