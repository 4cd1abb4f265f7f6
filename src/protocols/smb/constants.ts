// SMB wire constants as the specifications spell them: NetBIOS session service (RFC 1002
// 4.3), SMB1 (MS-CIFS / MS-SMB), SMB 2 and 3 (MS-SMB2), NT status values (MS-ERREF 2.3),
// FSCTL codes and file information classes (MS-FSCC). Command, dialect and share type names
// are Zeek's (base/protocols/smb/consts.zeek), so records match Zeek's smb logs.

export const SMB_PORTS = [445, 139] as const;

/** NetBIOS session service packet types (RFC 1002 4.3.1). */
export const NBSS_SESSION_MESSAGE = 0x00;
export const NBSS_SESSION_REQUEST = 0x81;
export const NBSS_POSITIVE_RESPONSE = 0x82;
export const NBSS_NEGATIVE_RESPONSE = 0x83;
export const NBSS_RETARGET_RESPONSE = 0x84;
export const NBSS_KEEP_ALIVE = 0x85;

export const NBSS_NEGATIVE_CODES: Readonly<Record<number, string>> = {
  0x80: 'Not listening on called name',
  0x81: 'Not listening for calling name',
  0x82: 'Called name not present',
  0x83: 'Called name present, but insufficient resources',
  0x8f: 'Unspecified error',
};

/** The 4-byte protocol ids after the NBSS header. */
export const SMB1_MAGIC = 0xff534d42; // \xffSMB
export const SMB2_MAGIC = 0xfe534d42; // \xfeSMB
export const SMB2_TRANSFORM_MAGIC = 0xfd534d42; // \xfdSMB (SMB 3 encryption)
export const SMB2_COMPRESSION_MAGIC = 0xfc534d42; // \xfcSMB (SMB 3.1.1 compression)

export const SMB1_HEADER_LEN = 32;
export const SMB2_HEADER_LEN = 64;
export const SMB2_TRANSFORM_LEN = 52;

// ---- SMB 2/3 ----

export const SMB2_NEGOTIATE = 0;
export const SMB2_SESSION_SETUP = 1;
export const SMB2_LOGOFF = 2;
export const SMB2_TREE_CONNECT = 3;
export const SMB2_TREE_DISCONNECT = 4;
export const SMB2_CREATE = 5;
export const SMB2_CLOSE = 6;
export const SMB2_FLUSH = 7;
export const SMB2_READ = 8;
export const SMB2_WRITE = 9;
export const SMB2_LOCK = 10;
export const SMB2_IOCTL = 11;
export const SMB2_CANCEL = 12;
export const SMB2_ECHO = 13;
export const SMB2_QUERY_DIRECTORY = 14;
export const SMB2_CHANGE_NOTIFY = 15;
export const SMB2_QUERY_INFO = 16;
export const SMB2_SET_INFO = 17;
export const SMB2_OPLOCK_BREAK = 18;

/** Zeek's SMB2::commands. */
export const SMB2_COMMANDS: readonly string[] = [
  'NEGOTIATE_PROTOCOL', 'SESSION_SETUP', 'LOGOFF', 'TREE_CONNECT', 'TREE_DISCONNECT', 'CREATE', 'CLOSE', 'FLUSH',
  'READ', 'WRITE', 'LOCK', 'IOCTL', 'CANCEL', 'ECHO', 'QUERY_DIRECTORY', 'CHANGE_NOTIFY', 'QUERY_INFO', 'SET_INFO',
  'OPLOCK_BREAK',
];

export function smb2CommandName(c: number): string {
  return SMB2_COMMANDS[c] ?? `unknown-${c}`;
}

/** StructureSize of each command's request and response body (MS-SMB2 2.2.3 – 2.2.40). */
export const SMB2_REQUEST_SIZE: readonly number[] = [36, 25, 4, 9, 4, 57, 24, 24, 49, 49, 48, 57, 4, 4, 33, 32, 41, 33, 24];
export const SMB2_RESPONSE_SIZE: readonly number[] = [65, 9, 4, 16, 4, 89, 60, 4, 17, 17, 4, 49, 0, 4, 9, 9, 9, 2, 24];
/** The ERROR response body (MS-SMB2 2.2.2). */
export const SMB2_ERROR_SIZE = 9;

/** SMB2 header flags (MS-SMB2 2.2.1.2). */
export const SMB2_FLAGS_SERVER_TO_REDIR = 0x00000001;
export const SMB2_FLAGS_ASYNC_COMMAND = 0x00000002;
export const SMB2_FLAGS_RELATED_OPERATIONS = 0x00000004;
export const SMB2_FLAGS_SIGNED = 0x00000008;

/** Zeek's SMB2::dialects. */
export const SMB2_DIALECTS: Readonly<Record<number, string>> = {
  0x0202: '2.0.2',
  0x0210: '2.1',
  0x0300: '3.0',
  0x0302: '3.0.2',
  0x0311: '3.1.1',
  0x02ff: '2.1+',
};

export function smb2DialectName(d: number): string {
  return SMB2_DIALECTS[d] ?? `unknown-${d}`;
}

/** Zeek's SMB2::share_types. */
export const SHARE_TYPES: Readonly<Record<number, string>> = { 1: 'DISK', 2: 'PIPE', 3: 'PRINT' };

export function shareTypeName(t: number): string {
  return SHARE_TYPES[t] ?? `unknown-${t}`;
}

/** Security mode bits (NEGOTIATE, SESSION_SETUP). */
export const SMB2_NEGOTIATE_SIGNING_ENABLED = 0x0001;
export const SMB2_NEGOTIATE_SIGNING_REQUIRED = 0x0002;

/** SESSION_SETUP response SessionFlags. */
export const SMB2_SESSION_FLAG_IS_GUEST = 0x0001;
export const SMB2_SESSION_FLAG_IS_NULL = 0x0002;
export const SMB2_SESSION_FLAG_ENCRYPT_DATA = 0x0004;

/** Global capabilities (MS-SMB2 2.2.3). */
export const SMB2_CAPABILITIES: readonly [number, string][] = [
  [0x00000001, 'DFS'],
  [0x00000002, 'LEASING'],
  [0x00000004, 'LARGE_MTU'],
  [0x00000008, 'MULTI_CHANNEL'],
  [0x00000010, 'PERSISTENT_HANDLES'],
  [0x00000020, 'DIRECTORY_LEASING'],
  [0x00000040, 'ENCRYPTION'],
  [0x00000080, 'NOTIFICATIONS'],
];

/** Negotiate context types (MS-SMB2 2.2.3.1). */
export const NEGOTIATE_CONTEXTS: Readonly<Record<number, string>> = {
  1: 'PREAUTH_INTEGRITY_CAPABILITIES',
  2: 'ENCRYPTION_CAPABILITIES',
  3: 'COMPRESSION_CAPABILITIES',
  5: 'NETNAME_NEGOTIATE_CONTEXT_ID',
  6: 'TRANSPORT_CAPABILITIES',
  7: 'RDMA_TRANSFORM_CAPABILITIES',
  8: 'SIGNING_CAPABILITIES',
};
export const CTX_ENCRYPTION = 2;
export const CTX_NETNAME = 5;

export function negotiateContextName(t: number): string {
  return NEGOTIATE_CONTEXTS[t] ?? `unknown-${t}`;
}

/** Encryption ciphers (MS-SMB2 2.2.3.1.2). */
export const CIPHERS: Readonly<Record<number, string>> = { 1: 'AES-128-CCM', 2: 'AES-128-GCM', 3: 'AES-256-CCM', 4: 'AES-256-GCM' };

export function cipherName(c: number): string {
  return CIPHERS[c] ?? `unknown-${c}`;
}

/** CREATE dispositions (MS-SMB2 2.2.13; the same values in SMB1 NT_CREATE_ANDX). */
export const DISPOSITIONS: readonly string[] = ['FILE_SUPERSEDE', 'FILE_OPEN', 'FILE_CREATE', 'FILE_OPEN_IF', 'FILE_OVERWRITE', 'FILE_OVERWRITE_IF'];

export function dispositionName(d: number): string {
  return DISPOSITIONS[d] ?? `unknown-${d}`;
}

/** CREATE response CreateAction. */
export const CREATE_ACTIONS: readonly string[] = ['FILE_SUPERSEDED', 'FILE_OPENED', 'FILE_CREATED', 'FILE_OVERWRITTEN'];

export function createActionName(a: number): string {
  return CREATE_ACTIONS[a] ?? `unknown-${a}`;
}

/** CreateOptions bits (MS-SMB2 2.2.13). */
export const CREATE_OPTIONS: readonly [number, string][] = [
  [0x00000001, 'FILE_DIRECTORY_FILE'],
  [0x00000002, 'FILE_WRITE_THROUGH'],
  [0x00000004, 'FILE_SEQUENTIAL_ONLY'],
  [0x00000008, 'FILE_NO_INTERMEDIATE_BUFFERING'],
  [0x00000010, 'FILE_SYNCHRONOUS_IO_ALERT'],
  [0x00000020, 'FILE_SYNCHRONOUS_IO_NONALERT'],
  [0x00000040, 'FILE_NON_DIRECTORY_FILE'],
  [0x00000100, 'FILE_COMPLETE_IF_OPLOCKED'],
  [0x00000200, 'FILE_NO_EA_KNOWLEDGE'],
  [0x00000400, 'FILE_OPEN_REMOTE_INSTANCE'],
  [0x00000800, 'FILE_RANDOM_ACCESS'],
  [0x00001000, 'FILE_DELETE_ON_CLOSE'],
  [0x00002000, 'FILE_OPEN_BY_FILE_ID'],
  [0x00004000, 'FILE_OPEN_FOR_BACKUP_INTENT'],
  [0x00008000, 'FILE_NO_COMPRESSION'],
  [0x00010000, 'FILE_OPEN_REQUIRING_OPLOCK'],
  [0x00020000, 'FILE_DISALLOW_EXCLUSIVE'],
  [0x00100000, 'FILE_RESERVE_OPFILTER'],
  [0x00200000, 'FILE_OPEN_REPARSE_POINT'],
  [0x00400000, 'FILE_OPEN_NO_RECALL'],
  [0x00800000, 'FILE_OPEN_FOR_FREE_SPACE_QUERY'],
];
export const FILE_DELETE_ON_CLOSE = 0x00001000;

/** The names of the bits set in `v` (unknown bits as `unknown-0x<bit>`). */
export function flagNames(v: number, table: readonly [number, string][]): string[] {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) !== 0) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  for (let b = 0; b < 32 && rest !== 0; b++) {
    const bit = (1 << b) >>> 0;
    if ((rest & bit) !== 0) {
      out.push(`unknown-0x${bit.toString(16)}`);
      rest = (rest & ~bit) >>> 0;
    }
  }
  return out;
}

/** QUERY_INFO / SET_INFO InfoType. */
export const INFO_TYPES: Readonly<Record<number, string>> = { 1: 'FILE', 2: 'FILESYSTEM', 3: 'SECURITY', 4: 'QUOTA' };
export const SMB2_0_INFO_FILE = 1;

/** File information classes (MS-FSCC 2.4) used with InfoType FILE and QUERY_DIRECTORY. */
export const FILE_INFO_CLASSES: Readonly<Record<number, string>> = {
  1: 'FileDirectoryInformation',
  2: 'FileFullDirectoryInformation',
  3: 'FileBothDirectoryInformation',
  4: 'FileBasicInformation',
  5: 'FileStandardInformation',
  6: 'FileInternalInformation',
  7: 'FileEaInformation',
  8: 'FileAccessInformation',
  9: 'FileNameInformation',
  10: 'FileRenameInformation',
  11: 'FileLinkInformation',
  12: 'FileNamesInformation',
  13: 'FileDispositionInformation',
  14: 'FilePositionInformation',
  15: 'FileFullEaInformation',
  16: 'FileModeInformation',
  17: 'FileAlignmentInformation',
  18: 'FileAllInformation',
  19: 'FileAllocationInformation',
  20: 'FileEndOfFileInformation',
  21: 'FileAlternateNameInformation',
  22: 'FileStreamInformation',
  23: 'FilePipeInformation',
  24: 'FilePipeLocalInformation',
  25: 'FilePipeRemoteInformation',
  28: 'FileCompressionInformation',
  29: 'FileObjectIdInformation',
  33: 'FileMoveClusterInformation',
  34: 'FileNetworkOpenInformation',
  35: 'FileAttributeTagInformation',
  37: 'FileIdBothDirectoryInformation',
  38: 'FileIdFullDirectoryInformation',
  39: 'FileValidDataLengthInformation',
  40: 'FileShortNameInformation',
  44: 'FileSfioReserveInformation',
  46: 'FileHardLinkInformation',
  48: 'FileNormalizedNameInformation',
  50: 'FileIdGlobalTxDirectoryInformation',
  59: 'FileIdInformation',
  60: 'FileIdExtdDirectoryInformation',
  64: 'FileDispositionInformationEx',
  65: 'FileRenameInformationEx',
};
export const FileRenameInformation = 10;
export const FileDispositionInformation = 13;
export const FileDispositionInformationEx = 64;
export const FileRenameInformationEx = 65;

/** Filesystem information classes (MS-FSCC 2.5). */
export const FS_INFO_CLASSES: Readonly<Record<number, string>> = {
  1: 'FileFsVolumeInformation',
  2: 'FileFsLabelInformation',
  3: 'FileFsSizeInformation',
  4: 'FileFsDeviceInformation',
  5: 'FileFsAttributeInformation',
  6: 'FileFsControlInformation',
  7: 'FileFsFullSizeInformation',
  8: 'FileFsObjectIdInformation',
  10: 'FileFsSectorSizeInformation',
};

export function infoClassName(infoType: number, cls: number): string {
  const t = INFO_TYPES[infoType] ?? `unknown-${infoType}`;
  if (infoType === 1) return FILE_INFO_CLASSES[cls] ?? `unknown-${cls}`;
  if (infoType === 2) return FS_INFO_CLASSES[cls] ?? `unknown-${cls}`;
  return `${t}/${cls}`;
}

/** FSCTL and IOCTL codes seen over SMB (MS-FSCC 2.3, MS-SMB2 2.2.31). */
export const FSCTL_NAMES: Readonly<Record<number, string>> = {
  0x00060194: 'FSCTL_DFS_GET_REFERRALS',
  0x000601b0: 'FSCTL_DFS_GET_REFERRALS_EX',
  0x0011400c: 'FSCTL_PIPE_PEEK',
  0x00110018: 'FSCTL_PIPE_WAIT',
  0x0011c017: 'FSCTL_PIPE_TRANSCEIVE',
  0x001440f2: 'FSCTL_SRV_COPYCHUNK',
  0x00144064: 'FSCTL_SRV_ENUMERATE_SNAPSHOTS',
  0x00140078: 'FSCTL_SRV_REQUEST_RESUME_KEY',
  0x001441bb: 'FSCTL_SRV_READ_HASH',
  0x001480f2: 'FSCTL_SRV_COPYCHUNK_WRITE',
  0x001401d4: 'FSCTL_LMR_REQUEST_RESILIENCY',
  0x001401fc: 'FSCTL_QUERY_NETWORK_INTERFACE_INFO',
  0x00140204: 'FSCTL_VALIDATE_NEGOTIATE_INFO',
  0x000900a4: 'FSCTL_SET_REPARSE_POINT',
  0x000900a8: 'FSCTL_GET_REPARSE_POINT',
  0x000900ac: 'FSCTL_DELETE_REPARSE_POINT',
  0x000900c0: 'FSCTL_CREATE_OR_GET_OBJECT_ID',
  0x0009009c: 'FSCTL_GET_OBJECT_ID',
  0x00090098: 'FSCTL_SET_OBJECT_ID',
  0x000900a0: 'FSCTL_DELETE_OBJECT_ID',
  0x000900c4: 'FSCTL_SET_SPARSE',
  0x000980c8: 'FSCTL_SET_ZERO_DATA',
  0x000940cf: 'FSCTL_QUERY_ALLOCATED_RANGES',
  0x00094264: 'FSCTL_OFFLOAD_READ',
  0x00098268: 'FSCTL_OFFLOAD_WRITE',
  0x0009027c: 'FSCTL_GET_INTEGRITY_INFORMATION',
  0x0009c280: 'FSCTL_SET_INTEGRITY_INFORMATION',
  0x00090284: 'FSCTL_QUERY_FILE_REGIONS',
  0x00098344: 'FSCTL_DUPLICATE_EXTENTS_TO_FILE',
  0x0009003c: 'FSCTL_GET_COMPRESSION',
  0x0009c040: 'FSCTL_SET_COMPRESSION',
  0x0009002c: 'FSCTL_IS_PATHNAME_VALID',
  0x00090064: 'FSCTL_GET_NTFS_VOLUME_DATA',
  0x0009013c: 'FSCTL_QUERY_ON_DISK_VOLUME_INFO',
  0x00090073: 'FSCTL_GET_RETRIEVAL_POINTERS',
  0x000900eb: 'FSCTL_READ_FILE_USN_DATA',
  0x000900ef: 'FSCTL_WRITE_USN_CLOSE_RECORD',
  0x00090117: 'FSCTL_RECALL_FILE',
  0x00098208: 'FSCTL_FILE_LEVEL_TRIM',
  0x001400ec: 'FSCTL_LMR_SET_LINK_TRACKING_INFORMATION',
};

export function fsctlName(c: number): string {
  return FSCTL_NAMES[c >>> 0] ?? `unknown-${c >>> 0}`;
}

// ---- NT status (MS-ERREF 2.3.1) ----

export const STATUS_SUCCESS = 0x00000000;
export const STATUS_PENDING = 0x00000103;
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
export const STATUS_BUFFER_OVERFLOW = 0x80000005;

export const NT_STATUS: Readonly<Record<number, string>> = {
  0x00000000: 'STATUS_SUCCESS',
  0x00000103: 'STATUS_PENDING',
  0x00000104: 'STATUS_REPARSE',
  0x00000105: 'STATUS_MORE_ENTRIES',
  0x0000010b: 'STATUS_NOTIFY_CLEANUP',
  0x0000010c: 'STATUS_NOTIFY_ENUM_DIR',
  0x80000002: 'STATUS_DATATYPE_MISALIGNMENT',
  0x80000005: 'STATUS_BUFFER_OVERFLOW',
  0x80000006: 'STATUS_NO_MORE_FILES',
  0x80000011: 'STATUS_DEVICE_BUSY',
  0x80000014: 'STATUS_EA_LIST_INCONSISTENT',
  0x8000001a: 'STATUS_NO_MORE_ENTRIES',
  0x8000002d: 'STATUS_STOPPED_ON_SYMLINK',
  0xc0000001: 'STATUS_UNSUCCESSFUL',
  0xc0000002: 'STATUS_NOT_IMPLEMENTED',
  0xc0000003: 'STATUS_INVALID_INFO_CLASS',
  0xc0000004: 'STATUS_INFO_LENGTH_MISMATCH',
  0xc0000005: 'STATUS_ACCESS_VIOLATION',
  0xc0000008: 'STATUS_INVALID_HANDLE',
  0xc000000d: 'STATUS_INVALID_PARAMETER',
  0xc000000e: 'STATUS_NO_SUCH_DEVICE',
  0xc000000f: 'STATUS_NO_SUCH_FILE',
  0xc0000010: 'STATUS_INVALID_DEVICE_REQUEST',
  0xc0000011: 'STATUS_END_OF_FILE',
  0xc0000016: 'STATUS_MORE_PROCESSING_REQUIRED',
  0xc0000017: 'STATUS_NO_MEMORY',
  0xc0000022: 'STATUS_ACCESS_DENIED',
  0xc0000023: 'STATUS_BUFFER_TOO_SMALL',
  0xc0000024: 'STATUS_OBJECT_TYPE_MISMATCH',
  0xc0000030: 'STATUS_INVALID_PARAMETER_MIX',
  0xc0000033: 'STATUS_OBJECT_NAME_INVALID',
  0xc0000034: 'STATUS_OBJECT_NAME_NOT_FOUND',
  0xc0000035: 'STATUS_OBJECT_NAME_COLLISION',
  0xc0000039: 'STATUS_OBJECT_PATH_INVALID',
  0xc000003a: 'STATUS_OBJECT_PATH_NOT_FOUND',
  0xc000003b: 'STATUS_OBJECT_PATH_SYNTAX_BAD',
  0xc0000043: 'STATUS_SHARING_VIOLATION',
  0xc0000044: 'STATUS_QUOTA_EXCEEDED',
  0xc000004f: 'STATUS_EAS_NOT_SUPPORTED',
  0xc0000054: 'STATUS_FILE_LOCK_CONFLICT',
  0xc0000055: 'STATUS_LOCK_NOT_GRANTED',
  0xc0000056: 'STATUS_DELETE_PENDING',
  0xc000005e: 'STATUS_NO_LOGON_SERVERS',
  0xc0000061: 'STATUS_PRIVILEGE_NOT_HELD',
  0xc0000064: 'STATUS_NO_SUCH_USER',
  0xc000006a: 'STATUS_WRONG_PASSWORD',
  0xc000006b: 'STATUS_ILL_FORMED_PASSWORD',
  0xc000006c: 'STATUS_PASSWORD_RESTRICTION',
  0xc000006d: 'STATUS_LOGON_FAILURE',
  0xc000006e: 'STATUS_ACCOUNT_RESTRICTION',
  0xc000006f: 'STATUS_INVALID_LOGON_HOURS',
  0xc0000070: 'STATUS_INVALID_WORKSTATION',
  0xc0000071: 'STATUS_PASSWORD_EXPIRED',
  0xc0000072: 'STATUS_ACCOUNT_DISABLED',
  0xc0000073: 'STATUS_NONE_MAPPED',
  0xc000007e: 'STATUS_RANGE_NOT_LOCKED',
  0xc000007f: 'STATUS_DISK_FULL',
  0xc000009a: 'STATUS_INSUFFICIENT_RESOURCES',
  0xc00000ac: 'STATUS_PIPE_NOT_AVAILABLE',
  0xc00000ad: 'STATUS_INVALID_PIPE_STATE',
  0xc00000ae: 'STATUS_PIPE_BUSY',
  0xc00000b0: 'STATUS_PIPE_DISCONNECTED',
  0xc00000b1: 'STATUS_PIPE_CLOSING',
  0xc00000b4: 'STATUS_INVALID_READ_MODE',
  0xc00000b5: 'STATUS_IO_TIMEOUT',
  0xc00000ba: 'STATUS_FILE_IS_A_DIRECTORY',
  0xc00000bb: 'STATUS_NOT_SUPPORTED',
  0xc00000be: 'STATUS_BAD_NETWORK_PATH',
  0xc00000bf: 'STATUS_NETWORK_BUSY',
  0xc00000c0: 'STATUS_DEVICE_DOES_NOT_EXIST',
  0xc00000c3: 'STATUS_INVALID_NETWORK_RESPONSE',
  0xc00000c4: 'STATUS_UNEXPECTED_NETWORK_ERROR',
  0xc00000c9: 'STATUS_NETWORK_NAME_DELETED',
  0xc00000ca: 'STATUS_NETWORK_ACCESS_DENIED',
  0xc00000cb: 'STATUS_BAD_DEVICE_TYPE',
  0xc00000cc: 'STATUS_BAD_NETWORK_NAME',
  0xc00000ce: 'STATUS_TOO_MANY_SESSIONS',
  0xc00000d0: 'STATUS_REQUEST_NOT_ACCEPTED',
  0xc00000d4: 'STATUS_NOT_SAME_DEVICE',
  0xc00000d5: 'STATUS_FILE_RENAMED',
  0xc00000e5: 'STATUS_INTERNAL_ERROR',
  0xc00000e8: 'STATUS_INVALID_USER_BUFFER',
  0xc0000101: 'STATUS_DIRECTORY_NOT_EMPTY',
  0xc0000103: 'STATUS_NOT_A_DIRECTORY',
  0xc0000106: 'STATUS_NAME_TOO_LONG',
  0xc0000120: 'STATUS_CANCELLED',
  0xc0000122: 'STATUS_INVALID_COMPUTER_NAME',
  0xc0000123: 'STATUS_FILE_DELETED',
  0xc0000128: 'STATUS_FILE_CLOSED',
  0xc0000133: 'STATUS_TIME_DIFFERENCE_AT_DC',
  0xc000014b: 'STATUS_PIPE_BROKEN',
  0xc000015b: 'STATUS_LOGON_TYPE_NOT_GRANTED',
  0xc0000184: 'STATUS_INVALID_DEVICE_STATE',
  0xc000018b: 'STATUS_NO_TRUST_SAM_ACCOUNT',
  0xc000018d: 'STATUS_TRUSTED_RELATIONSHIP_FAILURE',
  0xc0000190: 'STATUS_TRUST_FAILURE',
  0xc0000192: 'STATUS_NETLOGON_NOT_STARTED',
  0xc0000193: 'STATUS_ACCOUNT_EXPIRED',
  0xc0000199: 'STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT',
  0xc0000203: 'STATUS_USER_SESSION_DELETED',
  0xc0000205: 'STATUS_INSUFF_SERVER_RESOURCES',
  0xc000020c: 'STATUS_CONNECTION_DISCONNECTED',
  0xc000020d: 'STATUS_CONNECTION_RESET',
  0xc0000224: 'STATUS_PASSWORD_MUST_CHANGE',
  0xc0000225: 'STATUS_NOT_FOUND',
  0xc000022d: 'STATUS_RETRY',
  0xc0000234: 'STATUS_ACCOUNT_LOCKED_OUT',
  0xc0000236: 'STATUS_CONNECTION_REFUSED',
  0xc000023c: 'STATUS_NETWORK_UNREACHABLE',
  0xc0000257: 'STATUS_PATH_NOT_COVERED',
  0xc000035c: 'STATUS_NETWORK_SESSION_EXPIRED',
  0xc0000380: 'STATUS_SMARTCARD_WRONG_PIN',
  0xc0000413: 'STATUS_AUTHENTICATION_FIREWALL_FAILED',
  0xc000a000: 'STATUS_INVALID_SIGNATURE',
};

export function ntStatusName(s: number): string {
  return NT_STATUS[s >>> 0] ?? `unknown-${s >>> 0}`;
}

/** SMB1 DOS error classes (MS-CIFS 2.2.2.4), for statuses of clients that did not ask for NT status. */
const DOS_CLASSES: Readonly<Record<number, string>> = { 0x01: 'ERRDOS', 0x02: 'ERRSRV', 0x03: 'ERRHRD', 0xff: 'ERRCMD' };

/** The name of an SMB1 status: an NT status, or a DOS error written class/code ("ERRDOS/5"). */
export function smb1StatusName(raw: number, ntStatus: boolean): string {
  if (ntStatus || raw === 0) return ntStatusName(raw);
  const cls = raw & 0xff;
  const code = raw >>> 16;
  return `${DOS_CLASSES[cls] ?? `unknown-${cls}`}/${code}`;
}

/** Final SESSION_SETUP statuses that mean a wrong or refused login (MS-ERREF), for docs and tests. */
export const LOGIN_FAILURES = [
  0xc000006d, 0xc0000064, 0xc000006a, 0xc000006e, 0xc000006f, 0xc0000070, 0xc0000071, 0xc0000072, 0xc0000193,
  0xc0000224, 0xc0000234, 0xc000015b, 0xc0000022,
] as const;

// ---- SMB1 ----

/** SMB1 header Flags / Flags2 bits (MS-CIFS 2.2.3.1). */
export const SMB_FLAGS_REPLY = 0x80;
export const SMB_FLAGS2_SMB_SECURITY_SIGNATURE = 0x0004;
export const SMB_FLAGS2_EXTENDED_SECURITY = 0x0800;
export const SMB_FLAGS2_NT_STATUS = 0x4000;
export const SMB_FLAGS2_UNICODE = 0x8000;

export const SMB_COM_CLOSE = 0x04;
export const SMB_COM_TRANSACTION = 0x25;
export const SMB_COM_OPEN_ANDX = 0x2d;
export const SMB_COM_READ_ANDX = 0x2e;
export const SMB_COM_WRITE_ANDX = 0x2f;
export const SMB_COM_TRANSACTION2 = 0x32;
export const SMB_COM_NEGOTIATE = 0x72;
export const SMB_COM_SESSION_SETUP_ANDX = 0x73;
export const SMB_COM_TREE_CONNECT_ANDX = 0x75;
export const SMB_COM_NT_CREATE_ANDX = 0xa2;
export const SMB_COM_NO_ANDX_COMMAND = 0xff;

/** Commands whose words start with the AndX block (AndXCommand, AndXReserved, AndXOffset). */
export const ANDX_COMMANDS = new Set([0x24, 0x2d, 0x2e, 0x2f, 0x73, 0x74, 0x75, 0xa2]);

/** Zeek's SMB1::commands. */
export const SMB1_COMMANDS: Readonly<Record<number, string>> = {
  0x00: 'CREATE_DIRECTORY', 0x01: 'DELETE_DIRECTORY', 0x02: 'OPEN', 0x03: 'CREATE', 0x04: 'CLOSE', 0x05: 'FLUSH',
  0x06: 'DELETE', 0x07: 'RENAME', 0x08: 'QUERY_INFORMATION', 0x09: 'SET_INFORMATION', 0x0a: 'READ', 0x0b: 'WRITE',
  0x0c: 'LOCK_BYTE_RANGE', 0x0d: 'UNLOCK_BYTE_RANGE', 0x0e: 'CREATE_TEMPORARY', 0x0f: 'CREATE_NEW',
  0x10: 'CHECK_DIRECTORY', 0x11: 'PROCESS_EXIT', 0x12: 'SEEK', 0x13: 'LOCK_AND_READ', 0x14: 'WRITE_AND_UNLOCK',
  0x1a: 'READ_RAW', 0x1b: 'READ_MPX', 0x1c: 'READ_MPX_SECONDARY', 0x1d: 'WRITE_RAW', 0x1e: 'WRITE_MPX',
  0x1f: 'WRITE_MPX_SECONDARY', 0x20: 'WRITE_COMPLETE', 0x21: 'QUERY_SERVER', 0x22: 'SET_INFORMATION2',
  0x23: 'QUERY_INFORMATION2', 0x24: 'LOCKING_ANDX', 0x25: 'TRANSACTION', 0x26: 'TRANSACTION_SECONDARY', 0x27: 'IOCTL',
  0x28: 'IOCTL_SECONDARY', 0x29: 'COPY', 0x2a: 'MOVE', 0x2b: 'ECHO', 0x2c: 'WRITE_AND_CLOSE', 0x2d: 'OPEN_ANDX',
  0x2e: 'READ_ANDX', 0x2f: 'WRITE_ANDX', 0x30: 'NEW_FILE_SIZE', 0x31: 'CLOSE_AND_TREE_DISC', 0x32: 'TRANSACTION2',
  0x33: 'TRANSACTION2_SECONDARY', 0x34: 'FIND_CLOSE2', 0x35: 'FIND_NOTIFY_CLOSE', 0x70: 'TREE_CONNECT',
  0x71: 'TREE_DISCONNECT', 0x72: 'NEGOTIATE', 0x73: 'SESSION_SETUP_ANDX', 0x74: 'LOGOFF_ANDX', 0x75: 'TREE_CONNECT_ANDX',
  0x80: 'QUERY_INFORMATION_DISK', 0x81: 'SEARCH', 0x82: 'FIND', 0x83: 'FIND_UNIQUE', 0x84: 'FIND_CLOSE',
  0xa0: 'NT_TRANSACT', 0xa1: 'NT_TRANSACT_SECONDARY', 0xa2: 'NT_CREATE_ANDX', 0xa4: 'NT_CANCEL', 0xa5: 'NT_RENAME',
  0xc0: 'OPEN_PRINT_FILE', 0xc1: 'WRITE_PRINT_FILE', 0xc2: 'CLOSE_PRINT_FILE', 0xc3: 'GET_PRINT_QUEUE',
  0xd8: 'READ_BULK', 0xd9: 'WRITE_BULK', 0xda: 'WRITE_BULK_DATA',
};

export function smb1CommandName(c: number): string {
  return SMB1_COMMANDS[c] ?? `unknown-${c}`;
}

/** Zeek's SMB1::trans2_sub_commands. */
export const TRANS2_SUB_COMMANDS: Readonly<Record<number, string>> = {
  0x00: 'OPEN2', 0x01: 'FIND_FIRST2', 0x02: 'FIND_NEXT2', 0x03: 'QUERY_FS_INFORMATION', 0x04: 'SET_FS_INFORMATION',
  0x05: 'QUERY_PATH_INFORMATION', 0x06: 'SET_PATH_INFORMATION', 0x07: 'QUERY_FILE_INFORMATION',
  0x08: 'SET_FILE_INFORMATION', 0x09: 'FSCTL', 0x0a: 'IOCTL', 0x0b: 'FIND_NOTIFY_FIRST', 0x0c: 'FIND_NOTIFY_NEXT',
  0x0d: 'CREATE_DIRECTORY', 0x0e: 'SESSION_SETUP', 0x10: 'GET_DFS_REFERRAL', 0x11: 'REPORT_DFS_INCONSISTENCY',
};

/** Zeek's SMB1::trans_sub_commands (named pipe transactions). */
export const TRANS_SUB_COMMANDS: Readonly<Record<number, string>> = {
  0x01: 'SET_NMPIPE_STATE', 0x11: 'RAW_READ_NMPIPE', 0x21: 'QUERY_NMPIPE_STATE', 0x22: 'QUERY_NMPIPE_INFO',
  0x23: 'PEEK_NMPIPE', 0x26: 'TRANSACT_NMPIPE', 0x31: 'RAW_WRITE_NMPIPE', 0x36: 'READ_NMPIPE', 0x37: 'WRITE_NMPIPE',
  0x53: 'WAIT_NMPIPE', 0x54: 'CALL_NMPIPE',
};

/** SMB1 CAP_EXTENDED_SECURITY (NEGOTIATE response capabilities). */
export const CAP_EXTENDED_SECURITY = 0x80000000;
