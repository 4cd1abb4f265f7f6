// PROFINET IO Context Manager (IEC 61158-6-10): connectionless DCE/RPC (DCE 1.1 RPC,
// chapter 12) carrying the PNIO interfaces, and the PNIO blocks. Wire constants as the
// specifications spell them; the DCE/RPC header names are the ones CISA ICSNPP's
// icsnpp-profinet-io-cm writes (analyzer/zeekEnums.zeek), so records match its log.

export const PNIO_CM_PORT = 34964;

/** The connectionless DCE/RPC header: 80 bytes. */
export const CL_HEADER_LEN = 80;
export const RPC_VERSION = 4;

/** Packet types of connectionless DCE/RPC (ptype). */
export const PTYPE = {
  REQUEST: 0,
  PING: 1,
  RESPONSE: 2,
  FAULT: 3,
  WORKING: 4,
  NOCALL: 5,
  REJECT: 6,
  ACK: 7,
  CL_CANCEL: 8,
  FACK: 9,
  CANCEL_ACK: 10,
} as const;

// ICSNPP's names (PDU_TYPE), its spelling kept ("Connectionless Canel") so the logs match.
const PTYPE_NAMES = [
  'Request', 'Ping', 'Response', 'Fault', 'Working', 'No call Response to Ping', 'Reject', 'Acknowledge',
  'Connectionless Canel', 'Fragment Acknowledge', 'Cancel Acknowledge',
];

export function packetTypeName(t: number): string {
  return PTYPE_NAMES[t] ?? `unknown-${t}`;
}

/** flags1 bits (DCE 1.1 §12.5.3.3), and ICSNPP's field for each. */
export const FLAGS1 = {
  RESERVED_01: 0x01, // reserved_for_impl_2
  LASTFRAG: 0x02,
  FRAG: 0x04,
  NOFACK: 0x08,
  MAYBE: 0x10,
  IDEMPOTENT: 0x20,
  BROADCAST: 0x40,
  RESERVED_80: 0x80, // reserved_for_impl_1
} as const;
export const FLAGS2_CANCEL_PENDING = 0x02;

export function integerEncodingName(v: number): string {
  return v === 0 ? 'Big Endian' : v === 1 ? 'Little Endian' : `unknown-${v}`;
}
export function characterEncodingName(v: number): string {
  return v === 0 ? 'ASCII' : v === 1 ? 'EBCDIC' : `unknown-${v}`;
}
const FLOAT_NAMES = ['IEEE', 'VAX', 'CRAY', 'IBM'];
export function floatingPointName(v: number): string {
  return FLOAT_NAMES[v] ?? `unknown-${v}`;
}
/** FACK body version (ICSNPP's RPC_VERSION_FACK). */
export function fackVersionName(v: number): string {
  return v === 0 ? 'Initial version' : v === 1 ? 'Default version' : `unknown-${v}`;
}

/** The PNIO operations (opnums of the PNIO interfaces), by ICSNPP's names (PNIO_SERVICES_VALUE). */
export const OPNUM = { CONNECT: 0, RELEASE: 1, READ: 2, WRITE: 3, CONTROL: 4, READ_IMPLICIT: 5 } as const;
const OPNUM_NAMES = ['Connect', 'Release', 'Read', 'Write', 'Control', 'Read Implicit'];
export function operationName(op: number): string {
  return OPNUM_NAMES[op] ?? `unknown-${op}`;
}
/**
 * What an operation does to the device, named for change tracking: an AR is set up or torn
 * down, a record is read or written by index (writes parameterise the device: configuration
 * changes), or the AR's phase is controlled (end of parameterisation, application ready).
 */
const ACTION_NAMES = ['connect_ar', 'release_ar', 'read_record', 'write_record', 'control', 'read_record_implicit'];
export function actionName(op: number): string {
  return ACTION_NAMES[op] ?? `unknown-${op}`;
}

/**
 * The PNIO interface UUIDs share everything but the low byte of their first field:
 * DEA0000x-6C97-11D1-8271-00A02442DF7D, x = 1 device, 2 controller, 3 supervisor, 4
 * parameter server. The object UUID of PNIO is DEA00000-6C97-11D1-8271-{instance, device id,
 * vendor id}.
 */
export const PNIO_INTERFACE = { DEVICE: 1, CONTROLLER: 2, SUPERVISOR: 3, PARAMETER_SERVER: 4 } as const;
const INTERFACE_NAMES = ['', 'Device', 'Controller', 'Supervisor', 'ParameterServer'];
export function interfaceName(i: number): string | undefined {
  return i >= 1 && i <= 4 ? INTERFACE_NAMES[i] : undefined;
}
/** Bytes 4..15 of the PNIO interface UUIDs as sent (fields 2 and 3 in the byte order of the packet; the rest is a byte array). */
const IF_TAIL = [0x82, 0x71, 0x00, 0xa0, 0x24, 0x42, 0xdf, 0x7d];
const OBJ_PREFIX_TAIL = [0x82, 0x71];

/** The PNIO interface the UUID at d[off] names (1..4), 0 when it is none of them. `le`: the packet's integer representation is little-endian. */
export function pnioInterface(d: Uint8Array, off: number, le: boolean): number {
  for (let i = 0; i < 8; i++) if (d[off + 8 + i] !== IF_TAIL[i]) return 0;
  let x: number;
  if (le) {
    if (d[off + 1] !== 0x00 || d[off + 2] !== 0xa0 || d[off + 3] !== 0xde) return 0;
    if (d[off + 4] !== 0x97 || d[off + 5] !== 0x6c || d[off + 6] !== 0xd1 || d[off + 7] !== 0x11) return 0;
    x = d[off];
  } else {
    if (d[off] !== 0xde || d[off + 1] !== 0xa0 || d[off + 2] !== 0x00) return 0;
    if (d[off + 4] !== 0x6c || d[off + 5] !== 0x97 || d[off + 6] !== 0x11 || d[off + 7] !== 0xd1) return 0;
    x = d[off + 3];
  }
  return x >= 1 && x <= 4 ? x : 0;
}

/** Whether the UUID at d[off] is a PNIO object UUID (DEA00000-6C97-11D1-8271-…). */
export function isPnioObject(d: Uint8Array, off: number, le: boolean): boolean {
  if (d[off + 8] !== OBJ_PREFIX_TAIL[0] || d[off + 9] !== OBJ_PREFIX_TAIL[1]) return false;
  if (le) return d[off] === 0 && d[off + 1] === 0 && d[off + 2] === 0xa0 && d[off + 3] === 0xde && d[off + 4] === 0x97 && d[off + 5] === 0x6c && d[off + 6] === 0xd1 && d[off + 7] === 0x11;
  return d[off] === 0xde && d[off + 1] === 0xa0 && d[off + 2] === 0 && d[off + 3] === 0 && d[off + 4] === 0x6c && d[off + 5] === 0x97 && d[off + 6] === 0x11 && d[off + 7] === 0xd1;
}

/** Connectionless reject/fault status codes (DCE 1.1 Appendix E) seen with PNIO. */
const NCA_STATUS: Readonly<Record<number, string>> = {
  0x1c010001: 'nca_s_comm_failure',
  0x1c010002: 'nca_s_op_rng_error',
  0x1c010003: 'nca_s_unk_if',
  0x1c010006: 'nca_s_wrong_boot_time',
  0x1c010009: 'nca_s_you_crashed',
  0x1c01000b: 'nca_s_proto_error',
  0x1c010013: 'nca_s_out_args_too_big',
  0x1c010014: 'nca_s_server_too_busy',
  0x1c010017: 'nca_s_unsupported_type',
};
export function ncaStatusName(s: number): string {
  return NCA_STATUS[s] ?? `unknown-${s}`;
}

// ---- PNIO blocks (IEC 61158-6-10, BlockType) ----

export const BLOCK = {
  IOD_WRITE_REQ_HEADER: 0x0008,
  IOD_WRITE_RES_HEADER: 0x8008,
  IOD_READ_REQ_HEADER: 0x0009,
  IOD_READ_RES_HEADER: 0x8009,
  IM0: 0x0020,
  AR_BLOCK_REQ: 0x0101,
  AR_BLOCK_RES: 0x8101,
  IOCR_BLOCK_REQ: 0x0102,
  IOCR_BLOCK_RES: 0x8102,
  ALARM_CR_BLOCK_REQ: 0x0103,
  ALARM_CR_BLOCK_RES: 0x8103,
  EXPECTED_SUBMODULE_BLOCK_REQ: 0x0104,
  MODULE_DIFF_BLOCK: 0x8104,
  PRM_SERVER_BLOCK_REQ: 0x0105,
  AR_SERVER_BLOCK_RES: 0x8106,
  IOD_RELEASE_REQ: 0x0114,
  IOD_RELEASE_RES: 0x8114,
  CO_CONTAINER_CONTENT: 0x0401,
} as const;

const BLOCK_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'AlarmNotificationHigh', 0x0002: 'AlarmNotificationLow', 0x8001: 'AlarmAckHigh', 0x8002: 'AlarmAckLow',
  0x0008: 'IODWriteReqHeader', 0x8008: 'IODWriteResHeader', 0x0009: 'IODReadReqHeader', 0x8009: 'IODReadResHeader',
  0x0010: 'DiagnosisData', 0x0012: 'ExpectedIdentificationData', 0x0013: 'RealIdentificationData', 0x0014: 'SubstituteValue',
  0x0015: 'RecordInputDataObjectElement', 0x0016: 'RecordOutputDataObjectElement', 0x0018: 'ARData', 0x0019: 'LogData',
  0x001a: 'APIData', 0x001b: 'SRLData',
  0x0020: 'I&M0', 0x0021: 'I&M1', 0x0022: 'I&M2', 0x0023: 'I&M3', 0x0024: 'I&M4', 0x0025: 'I&M5',
  0x0030: 'I&M0FilterDataSubmodule', 0x0031: 'I&M0FilterDataModule', 0x0032: 'I&M0FilterDataDevice', 0x0035: 'AssetManagementData',
  0x0101: 'ARBlockReq', 0x8101: 'ARBlockRes', 0x0102: 'IOCRBlockReq', 0x8102: 'IOCRBlockRes',
  0x0103: 'AlarmCRBlockReq', 0x8103: 'AlarmCRBlockRes', 0x0104: 'ExpectedSubmoduleBlockReq', 0x8104: 'ModuleDiffBlock',
  0x0105: 'PrmServerBlockReq', 0x8105: 'PrmServerBlockRes', 0x0106: 'MCRBlockReq', 0x8106: 'ARServerBlockRes',
  0x0107: 'SubFrameBlock', 0x8107: 'ARRPCBlockRes', 0x0108: 'ARVendorBlockReq', 0x8108: 'ARVendorBlockRes',
  0x0109: 'IRInfoBlock', 0x010a: 'SRInfoBlock', 0x010b: 'ARFSUBlock', 0x010c: 'RSInfoBlock',
  0x0110: 'IODControlReq PrmEnd', 0x8110: 'IODControlRes PrmEnd', 0x0111: 'IODControlReq PlugPrmEnd', 0x8111: 'IODControlRes PlugPrmEnd',
  0x0112: 'IOXBlockReq ApplicationReady', 0x8112: 'IOXBlockRes ApplicationReady',
  0x0113: 'IOXBlockReq PlugApplicationReady', 0x8113: 'IOXBlockRes PlugApplicationReady',
  0x0114: 'IODReleaseReq', 0x8114: 'IODReleaseRes', 0x0115: 'ARRPCServerBlockReq', 0x8115: 'ARRPCServerBlockRes',
  0x0116: 'IOXControlReq ReadyForCompanion', 0x8116: 'IOXControlRes ReadyForCompanion',
  0x0117: 'IOXControlReq ReadyForRT_CLASS_3', 0x8117: 'IOXControlRes ReadyForRT_CLASS_3',
  0x0118: 'PrmBeginReq', 0x8118: 'PrmBeginRes', 0x0119: 'SubmoduleListBlock',
  0x0200: 'PDPortDataCheck', 0x0201: 'PDevData', 0x0202: 'PDPortDataAdjust', 0x0203: 'PDSyncData', 0x0204: 'IsochronousModeData',
  0x0205: 'PDIRData', 0x0206: 'PDIRGlobalData', 0x0207: 'PDIRFrameData', 0x0208: 'PDIRBeginEndData', 0x0209: 'AdjustDomainBoundary',
  0x020a: 'CheckPeers', 0x020b: 'CheckLineDelay', 0x020c: 'CheckMAUType', 0x020e: 'AdjustMAUType', 0x020f: 'PDPortDataReal',
  0x0210: 'AdjustMulticastBoundary', 0x0211: 'PDInterfaceMrpDataAdjust', 0x0212: 'PDInterfaceMrpDataReal',
  0x0213: 'PDInterfaceMrpDataCheck', 0x0214: 'PDPortMrpDataAdjust', 0x0215: 'PDPortMrpDataReal',
  0x0216: 'MrpManagerParams', 0x0217: 'MrpClientParams', 0x0219: 'MrpRingStateData', 0x021b: 'AdjustLinkState',
  0x021c: 'CheckLinkState', 0x021e: 'CheckSyncDifference', 0x021f: 'CheckMAUTypeDifference', 0x0220: 'PDPortFODataReal',
  0x0222: 'PDPortFODataAdjust', 0x0223: 'PDPortFODataCheck', 0x0224: 'AdjustPeerToPeerBoundary', 0x0225: 'AdjustDCPBoundary',
  0x0226: 'AdjustPreambleLength', 0x0227: 'CheckMAUTypeExtension', 0x0229: 'AdjustMAUTypeExtension', 0x022a: 'PDIRSubframeData',
  0x022b: 'SubframeBlock', 0x022c: 'PDPortDataRealExtended', 0x022d: 'PDTimeData', 0x0230: 'PDNCDataCheck',
  0x0231: 'MrpInstanceDataAdjust', 0x0232: 'MrpInstanceDataReal', 0x0233: 'MrpInstanceDataCheck',
  0x0240: 'PDInterfaceDataReal', 0x0250: 'PDInterfaceAdjust', 0x0251: 'PDPortStatistic',
  0x0400: 'MultipleBlockHeader', 0x0401: 'COContainerContent', 0x0500: 'RecordDataReadQuery',
  0x0600: 'FSHelloBlock', 0x0601: 'FSParameterBlock', 0x0602: 'FastStartUpBlock', 0x0608: 'PDInterfaceFSUDataAdjust',
  0x0609: 'ARFSUDataAdjust', 0x0700: 'AutoConfiguration', 0x0f00: 'MaintenanceItem',
};

export function blockName(t: number): string {
  return BLOCK_NAMES[t] ?? `unknown-${t}`;
}

/** IODControlReq/Res and IOXBlockReq/Res block types (the blocks with a ControlCommand). */
export function isControlBlock(t: number): boolean {
  const req = t & 0x7fff;
  return req >= 0x0110 && req <= 0x0118 && req !== 0x0115;
}

/**
 * Blocks whose content ends in a list of blocks, and where that list starts (bytes after the
 * 6-byte block header): MultipleBlockHeader (padding, API, slot, subslot), PDPortDataCheck,
 * PDPortDataAdjust and PDIRData (padding, slot, subslot), PDIRSubframeData (number of
 * subframe blocks), ARFSUBlock, ARFSUDataAdjust and PDInterfaceFSUDataAdjust (padding).
 */
export const CONTAINER_PREFIX: ReadonlyMap<number, number> = new Map([
  [0x0400, 10],
  [0x0200, 6],
  [0x0202, 6],
  [0x0205, 6],
  [0x022a, 2],
  [0x010b, 2],
  [0x0609, 2],
  [0x0608, 2],
]);

/** ARType. */
const AR_TYPES: Readonly<Record<number, string>> = {
  0x0001: 'IOCARSingle', 0x0003: 'IOCARCIR', 0x0006: 'IOSAR', 0x0010: 'IOCARSingle_RT_CLASS_3', 0x0020: 'IOCARSR',
};
export function arTypeName(t: number): string {
  return AR_TYPES[t] ?? `unknown-${t}`;
}

const IOCR_TYPES = ['', 'Input CR', 'Output CR', 'Multicast Provider CR', 'Multicast Consumer CR'];
export function iocrTypeName(t: number): string {
  return t >= 1 && t <= 4 ? IOCR_TYPES[t] : `unknown-${t}`;
}
const RT_CLASSES = ['', 'RT_CLASS_1', 'RT_CLASS_2', 'RT_CLASS_3', 'RT_CLASS_UDP'];
/** IOCRProperties.RTClass (bits 0-3). */
export function rtClassName(c: number): string {
  return c >= 1 && c <= 4 ? RT_CLASSES[c] : `unknown-${c}`;
}
export function alarmCrTypeName(t: number): string {
  return t === 1 ? 'Alarm CR' : `unknown-${t}`;
}
const MODULE_STATES = ['NoModule', 'WrongModule', 'ProperModule', 'Substitute'];
export function moduleStateName(s: number): string {
  return MODULE_STATES[s] ?? `unknown-${s}`;
}
const SUBMODULE_TYPES = ['NO_IO', 'INPUT', 'OUTPUT', 'INPUT_OUTPUT'];
/** SubmoduleProperties.Type (bits 0-1): which data the submodule has. */
export function submoduleTypeName(t: number): string {
  return SUBMODULE_TYPES[t & 3];
}

/** ControlCommand bits (IEC 61158-6-10), in bit order. */
const CONTROL_BITS = ['PrmEnd', 'ApplicationReady', 'Release', 'Done', 'ReadyForCompanion', 'ReadyForRT_CLASS_3', 'PrmBegin'];
/** The names of the bits set in a ControlCommand; `unknown-<bit>` for the reserved ones. */
export function controlCommandNames(c: number): string[] {
  const out: string[] = [];
  for (let b = 0; b < 16; b++) if ((c & (1 << b)) !== 0) out.push(CONTROL_BITS[b] ?? `unknown-bit${b}`);
  return out;
}

// ---- record indexes (IEC 61158-6-10, Index) ----

const INDEX_NAMES: Readonly<Record<number, string>> = {
  0x8000: 'ExpectedIdentificationData for one subslot', 0x8001: 'RealIdentificationData for one subslot',
  0x800a: 'Diagnosis in channel coding for one subslot', 0x800b: 'Diagnosis in all codings for one subslot',
  0x800c: 'Diagnosis, Maintenance, Qualified and Status for one subslot',
  0x8010: 'Maintenance required in channel coding for one subslot', 0x8011: 'Maintenance demanded in channel coding for one subslot',
  0x8012: 'Maintenance required in all codings for one subslot', 0x8013: 'Maintenance demanded in all codings for one subslot',
  0x801e: 'SubstituteValues for one subslot', 0x8020: 'PDIRSubframeData for one subslot',
  0x8027: 'PDPortDataRealExtended for one subslot', 0x8028: 'RecordInputDataObjectElement for one subslot',
  0x8029: 'RecordOutputDataObjectElement for one subslot', 0x802a: 'PDPortDataReal for one subslot',
  0x802b: 'PDPortDataCheck for one subslot', 0x802c: 'PDIRData for one subslot', 0x802d: 'PDSyncData for one subslot',
  0x802f: 'PDPortDataAdjust for one subslot', 0x8030: 'IsochronousModeData for one subslot', 0x8031: 'PDTimeData for one subslot',
  0x8050: 'PDInterfaceMrpDataReal for one subslot', 0x8051: 'PDInterfaceMrpDataCheck for one subslot',
  0x8052: 'PDInterfaceMrpDataAdjust for one subslot', 0x8053: 'PDPortMrpDataAdjust for one subslot',
  0x8054: 'PDPortMrpDataReal for one subslot', 0x8060: 'PDPortFODataReal for one subslot',
  0x8061: 'PDPortFODataCheck for one subslot', 0x8062: 'PDPortFODataAdjust for one subslot',
  0x8070: 'PDNCDataCheck for one subslot', 0x8071: 'PDInterfaceAdjust for one subslot', 0x8072: 'PDPortStatistic for one subslot',
  0x8080: 'PDInterfaceDataReal', 0x8090: 'PDInterfaceFSUDataAdjust', 0x80b0: 'CombinedObjectContainer',
  0xaff0: 'I&M0', 0xaff1: 'I&M1', 0xaff2: 'I&M2', 0xaff3: 'I&M3', 0xaff4: 'I&M4', 0xaff5: 'I&M5',
  0xb02e: 'PROFIdrive Parameter Access - Local', 0xb02f: 'PROFIdrive Parameter Access - Global',
  0xc000: 'ExpectedIdentificationData for one slot', 0xc001: 'RealIdentificationData for one slot',
  0xc00a: 'Diagnosis in channel coding for one slot', 0xc00b: 'Diagnosis in all codings for one slot',
  0xc00c: 'Diagnosis, Maintenance, Qualified and Status for one slot',
  0xe000: 'ExpectedIdentificationData for one AR', 0xe001: 'RealIdentificationData for one AR', 0xe002: 'ModuleDiffBlock for one AR',
  0xe00a: 'Diagnosis in channel coding for one AR', 0xe00b: 'Diagnosis in all codings for one AR',
  0xe00c: 'Diagnosis, Maintenance, Qualified and Status for one AR', 0xe030: 'PE_EntityFilterData for one AR',
  0xe031: 'PE_EntityStatusData for one AR', 0xe040: 'MultipleWrite', 0xe041: 'ApplicationReadyBlock',
  0xe050: 'ARFSUDataAdjust data for one AR',
  0xf000: 'RealIdentificationData for one API', 0xf00a: 'Diagnosis in channel coding for one API',
  0xf00b: 'Diagnosis in all codings for one API', 0xf00c: 'Diagnosis, Maintenance, Qualified and Status for one API',
  0xf020: 'ARData for one API', 0xf80c: 'Diagnosis, Maintenance, Qualified and Status for one device',
  0xf820: 'ARData', 0xf821: 'APIData', 0xf830: 'LogData', 0xf831: 'PDevData', 0xf840: 'I&M0FilterData',
  0xf841: 'PDRealData', 0xf842: 'PDExpectedData', 0xf850: 'AutoConfiguration', 0xf860: 'GSD upload',
  0xf870: 'PE_EntityFilterData', 0xf871: 'PE_EntityStatusData', 0xf880: 'AssetManagementData',
  0xfbff: 'Trigger index for RPC connection monitoring',
};

/** The name of a record index; `user specific` below 0x8000; `unknown-<n>` otherwise. */
export function indexName(i: number): string {
  const n = INDEX_NAMES[i];
  if (n !== undefined) return n;
  if (i < 0x8000) return 'user specific';
  if (i >= 0xb000 && i <= 0xbfff) return 'profile specific';
  return `unknown-${i}`;
}

export const INDEX_MULTIPLE_WRITE = 0xe040;

/**
 * Whether the record data of an index is coded as blocks (the records IEC 61158-6-10 defines,
 * 0x8000 up); user-specific (below 0x8000) and profile-specific (0xB000-0xBFFF) records are
 * opaque bytes.
 */
export function isBlockCodedIndex(i: number): boolean {
  return i >= 0x8000 && !(i >= 0xb000 && i <= 0xbfff) && i !== INDEX_MULTIPLE_WRITE;
}

// ---- PNIOStatus (IEC 61158-6-10: ErrorCode, ErrorDecode, ErrorCode1, ErrorCode2) ----

const ERROR_CODES: Readonly<Record<number, string>> = {
  0x00: 'OK', 0x81: 'PNIO', 0xcf: 'RTA error', 0xda: 'AlarmAck', 0xdb: 'IODConnectRes', 0xdc: 'IODReleaseRes',
  0xdd: 'IODControlRes', 0xde: 'IODReadRes', 0xdf: 'IODWriteRes',
};
export function errorCodeName(c: number): string {
  return ERROR_CODES[c] ?? `unknown-${c}`;
}
const ERROR_DECODES: Readonly<Record<number, string>> = { 0x00: 'OK', 0x80: 'PNIORW', 0x81: 'PNIO', 0x82: 'ManufacturerSpecific' };
export function errorDecodeName(c: number): string {
  return ERROR_DECODES[c] ?? `unknown-${c}`;
}

const PNIORW_CLASSES: Readonly<Record<number, string>> = { 0xa: 'application', 0xb: 'access', 0xc: 'resource', 0xd: 'user specific', 0xe: 'user specific', 0xf: 'user specific' };
const PNIORW_CODES: Readonly<Record<number, string>> = {
  0xa0: 'read error', 0xa1: 'write error', 0xa2: 'module failure', 0xa7: 'busy', 0xa8: 'version conflict', 0xa9: 'feature not supported',
  0xb0: 'invalid index', 0xb1: 'write length error', 0xb2: 'invalid slot/subslot', 0xb3: 'type conflict', 0xb4: 'invalid area',
  0xb5: 'state conflict', 0xb6: 'access denied', 0xb7: 'invalid range', 0xb8: 'invalid parameter', 0xb9: 'invalid type', 0xba: 'backup',
  0xc0: 'read constrain conflict', 0xc1: 'write constrain conflict', 0xc2: 'resource busy', 0xc3: 'resource unavailable',
};

const PNIO_CODE1: Readonly<Record<number, string>> = {
  0x01: 'Connect: Faulty ARBlockReq', 0x02: 'Connect: Faulty IOCRBlockReq', 0x03: 'Connect: Faulty ExpectedSubmoduleBlockReq',
  0x04: 'Connect: Faulty AlarmCRBlockReq', 0x05: 'Connect: Faulty PrmServerBlockReq', 0x06: 'Connect: Faulty MCRBlockReq',
  0x07: 'Connect: Faulty ARRPCBlockReq', 0x08: 'Read/Write Record: Faulty Record', 0x09: 'Connect: Faulty IRInfoBlock',
  0x0a: 'Connect: Faulty SRInfoBlock', 0x0b: 'Connect: Faulty ARFSUBlock', 0x0c: 'Connect: Faulty ARVendorBlockReq',
  0x0d: 'Connect: Faulty RSInfoBlock', 0x14: 'IODControl: Faulty ControlBlockConnect', 0x15: 'IODControl: Faulty ControlBlockPlug',
  0x16: 'IOXControl: Faulty ControlBlock after a connect est.', 0x17: 'IOXControl: Faulty ControlBlock a plug alarm',
  0x18: 'IOXControl: Faulty ControlBlockPrmBegin', 0x19: 'IOXControl: Faulty SubmoduleListBlock',
  0x28: 'Release: Faulty ReleaseBlock', 0x32: 'Response: Faulty ARBlockRes', 0x33: 'Response: Faulty IOCRBlockRes',
  0x34: 'Response: Faulty AlarmCRBlockRes', 0x35: 'Response: Faulty ModuleDiffBlock', 0x36: 'Response: Faulty ARRPCBlockRes',
  0x37: 'Response: Faulty ARServerBlockRes', 0x38: 'Response: Faulty ARVendorBlockRes',
  0x3c: 'AlarmAck Error Codes', 0x3d: 'CMDEV', 0x3e: 'CMCTL', 0x3f: 'CTLDINA', 0x40: 'CMRPC', 0x41: 'ALPMI', 0x42: 'ALPMR',
  0x43: 'LMPM', 0x44: 'MAC', 0x45: 'RPC', 0x46: 'APMR', 0x47: 'APMS', 0x48: 'CPM', 0x49: 'PPM', 0x4a: 'DCPUCS', 0x4b: 'DCPUCR',
  0x4c: 'DCPMCS', 0x4d: 'DCPMCR', 0x4e: 'FSPM', 0x4f: 'RSI', 0x50: 'RSIR',
  0x64: 'CTLSM', 0x65: 'CTLRDI', 0x66: 'CTLRDR', 0x67: 'CTLWRI', 0x68: 'CTLWRR', 0x69: 'CTLIO', 0x6a: 'CTLSU', 0x6b: 'CTLRPC',
  0x6c: 'CTLPBE', 0x6d: 'CTLSRL', 0x6e: 'NME', 0x6f: 'TDE', 0x70: 'PCE', 0x71: 'NCE', 0x72: 'NUE', 0x73: 'BNME', 0x74: 'CTLSAM',
  0xc8: 'CMSM', 0xca: 'CMRDR', 0xcc: 'CMWRR', 0xcd: 'CMIO', 0xce: 'CMSU', 0xd0: 'CMINA', 0xd1: 'CMPBE', 0xd2: 'CMSRL',
  0xd3: 'CMDMC', 0xd4: 'CMSAM', 0xe0: 'SXP Protocol Error', 0xe1: 'RTAv3 Protocol Error', 0xfd: 'RTA_ERR_CLS_PROTOCOL',
  0xff: 'User specific',
};

/** ErrorCode1: for ErrorDecode PNIORW its class and code, for PNIO the faulty block or the protocol machine. */
export function errorCode1Name(decode: number, c1: number): string {
  if (decode === 0 && c1 === 0) return 'OK';
  if (decode === 0x80) {
    const code = PNIORW_CODES[c1];
    const cls = PNIORW_CLASSES[c1 >> 4];
    if (code !== undefined) return `${cls}: ${code}`;
    if (cls !== undefined) return `${cls}: ${cls === 'user specific' ? `${c1 & 0x0f}` : 'not specified'}`;
    return `unknown-${c1}`;
  }
  if (decode === 0x81) return PNIO_CODE1[c1] ?? `unknown-${c1}`;
  return `unknown-${c1}`;
}

// ErrorCode2 of ErrorDecode PNIO, per ErrorCode1: for the faulty-block codes the parameter
// found in error (its position in the block), for the protocol machines their error.
const P = 'Error in Parameter ';
const BLOCK_HEAD = [`${P}BlockType`, `${P}BlockLength`, `${P}BlockVersionHigh`, `${P}BlockVersionLow`];
const CONTROL_BLOCK = [...BLOCK_HEAD, `${P}Padding`, '', `${P}SessionKey`, `${P}Padding`, `${P}ControlCommand`, `${P}ControlBlockProperties`];
const PNIO_CODE2: Readonly<Record<number, readonly string[]>> = {
  0x01: [...BLOCK_HEAD, `${P}ARType`, `${P}ARUUID`, '', `${P}CMInitiatorMACAddress`, `${P}CMInitiatorObjectUUID`, `${P}ARProperties`,
    `${P}CMInitiatorActivityTimeoutFactor`, `${P}InitiatorUDPRTPort`, `${P}StationNameLength`, `${P}CMInitiatorStationName`],
  0x02: [...BLOCK_HEAD, `${P}IOCRType`, `${P}IOCRReference`, `${P}LT`, `${P}IOCRProperties`, `${P}DataLength`, `${P}FrameID`,
    `${P}GatingCycle`, `${P}ReductionRatio`, `${P}Phase`, '', `${P}FrameSendOffset`, `${P}WatchdogFactor`, `${P}DataHoldFactor`,
    `${P}IOCRTagHeader`, `${P}IOCRMulticastMacAddress`, `${P}NumberOfAPI`, `${P}API`, `${P}NumberOfIODataObjects`, `${P}SlotNumber`,
    `${P}SubslotNumber`, `${P}IODataObjectFrameOffset`, `${P}NumberOfIOCS`, `${P}SlotNumber`, `${P}SubslotNumber`, `${P}IOCSFrameOffset`],
  0x03: [...BLOCK_HEAD, `${P}NumberOfAPI`, `${P}API`, `${P}SlotNumber`, `${P}ModuleIdentNumber`, `${P}ModuleProperties`,
    `${P}NumberOfSubmodules`, `${P}SubslotNumber`, '', `${P}SubmoduleProperties`, `${P}DataDescription`, `${P}SubmoduleDataLength`,
    `${P}LengthIOPS`, `${P}LengthIOCS`],
  0x04: [...BLOCK_HEAD, `${P}AlarmCRType`, `${P}LT`, `${P}AlarmCRProperties`, `${P}RTATimeoutFactor`, `${P}RTARetries`, '',
    `${P}MaxAlarmDataLength`, `${P}AlarmCRTagHeaderHigh`, `${P}AlarmCRTagHeaderLow`],
  0x08: [...BLOCK_HEAD, '', `${P}ARUUID`, `${P}API`, `${P}SlotNumber`, `${P}SubslotNumber`, `${P}Padding`, `${P}Index`,
    `${P}RecordDataLength`, `${P}TargetARUUID`],
  0x14: CONTROL_BLOCK,
  0x16: CONTROL_BLOCK,
  0x28: CONTROL_BLOCK,
  0x3c: ['Alarm Type Not Supported', 'Wrong Submodule State', 'IOCARSR Backup - Alarm not executed'],
  0x3d: ['State Conflict', 'Resources'],
  0x3e: ['State Conflict', 'Timeout', 'No data send'],
  0x3f: ['No DCP active / No Link', 'DNS Unknown_RealStationName', 'DCP No_RealStationName', 'DCP Multiple_RealStationName',
    'DCP No_StationName', 'No_IP_Addr', 'DCP_Set_Error'],
  0x40: ['ArgsLength invalid', 'Unknown Blocks', 'IOCR Missing', 'Wrong AlarmCRBlock count', 'Out of AR Resources', 'AR UUID unknown',
    'State conflict', 'Out of Provider, Consumer or Alarm Resources', 'Out of Memory', 'Pdev already owned',
    'ARset State conflict during connection establishment', 'ARset Parameter conflict during connection establishment',
    'Pdev, port(s) without interface'],
  0x41: ['Invalid State', 'Wrong ACK-PDU', 'Invalid', 'Wrong state'],
  0x42: ['Invalid State', 'Wrong Notification PDU', 'Invalid', 'Wrong state'],
  0x45: ['', 'CLRPC_ERR_REJECTED', 'CLRPC_ERR_FAULTED', 'CLRPC_ERR_TIMEOUT', 'CLRPC_ERR_IN_ARGS', 'CLRPC_ERR_OUT_ARGS',
    'CLRPC_ERR_DECODE', 'CLRPC_ERR_PNIO_OUT_ARGS', 'CLRPC_ERR_PNIO_APP_TIMEOUT'],
  0xfd: ['reserved', 'RTA_ERR_CODE_SEQ', 'Instance closed', 'AR out of memory', 'AR add provider or consumer failed',
    'AR consumer DHT/WDT expired', 'AR cmi timeout', 'AR alarm-open failed', 'AR alarm-send.cnf(-)', 'AR alarm-ack-send.cnf(-)',
    'AR alarm data too long', 'AR alarm.ind(err)', 'AR rpc-client call.cnf(-)', 'AR abort.req', 'AR re-run aborts existing',
    'AR release.ind received', 'AR device deactivated', 'AR removed', 'AR protocol violation', 'AR name resolution error',
    'AR RPC-Bind error', 'AR RPC-Connect error', 'AR RPC-Read error', 'AR RPC-Write error', 'AR RPC-Control error'],
};

/** ErrorCode2: its name where ErrorDecode PNIO and ErrorCode1 give it one; PNIORW codes are user specific. */
export function errorCode2Name(decode: number, c1: number, c2: number): string {
  if (decode === 0 && c1 === 0 && c2 === 0) return 'OK';
  if (decode === 0x80) return 'user specific';
  if (decode === 0x81) {
    const n = PNIO_CODE2[c1]?.[c2];
    if (n !== undefined && n !== '') return n;
    if (c1 === 0xff && c2 === 0xff) return 'User abort';
  }
  return `unknown-${c2}`;
}
