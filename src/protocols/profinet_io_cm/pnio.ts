// The PNIO part of a DCE/RPC request or response body (IEC 61158-6-10): the NDR header
// (request: ArgsMaximum, ArgsLength, MaximumCount, Offset, ActualCount; response: PNIOStatus
// instead of ArgsMaximum), in the packet's byte order, then ActualCount bytes of blocks,
// always big-endian. Each block is BlockType, BlockLength (the bytes after the length
// field), BlockVersionHigh/Low and its content. A read/write header is followed by its record
// data; the record data of a MultipleWrite (index 0xE040) is a list of write headers with
// their data, each padded to 4 bytes; the record data of the indexes the standard defines is
// itself blocks; some blocks hold blocks. Blocks are walked depth first, in order, so the list
// of block types is tshark's. Pure parsing: a whole body in, a PnioPdu out; problems are
// collected as events for the session to raise.
import { bytesHex, bytesMac, bytesText } from '../../dissect/text.ts';
import {
  BLOCK, CONTAINER_PREFIX, INDEX_MULTIPLE_WRITE, isBlockCodedIndex, isControlBlock,
} from './constants.ts';
import { u32, uuidText } from './dcerpc.ts';

/** Caps per PDU: blocks (nested included), nesting depth, IOCRs, submodules, record headers. */
export const MAX_BLOCKS = 512;
export const MAX_DEPTH = 4;
export const MAX_IOCRS = 64;
export const MAX_SUBMODULES = 512;
export const MAX_RECORDS = 64;
/** Bytes of written record data kept as hex in a record. */
export const RECORD_DATA_HEX = 256;

const be16 = (d: Uint8Array, o: number): number => (d[o] << 8) | d[o + 1];
const be32 = (d: Uint8Array, o: number): number => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

/** Text of a fixed-length, space- or NUL-padded string field. */
function paddedText(d: Uint8Array, o: number, n: number): string {
  let e = o + n;
  while (e > o && (d[e - 1] === 0x20 || d[e - 1] === 0)) e--;
  return bytesText(d, o, e - o);
}

export class ArInfo {
  arType = -1;
  arUuid: string | undefined = undefined;
  sessionKey = -1;
  mac: string | undefined = undefined;
  objectUuid: string | undefined = undefined;
  vendorId = -1;
  deviceId = -1;
  properties = -1;
  timeoutFactor = -1;
  udpRtPort = -1;
  stationName: string | undefined = undefined;
}

export class AlarmCrInfo {
  type = 0;
  lt = -1;
  properties = -1;
  rtaTimeoutFactor = -1;
  rtaRetries = -1;
  localRef = 0;
  maxDataLength = 0;
}

export class IocrInfo {
  type = 0;
  reference = 0;
  lt = 0;
  properties = 0;
  dataLength = 0;
  frameId = 0;
  sendClockFactor = 0;
  reductionRatio = 0;
  phase = 0;
  sequence = 0;
  frameSendOffset = 0;
  watchdogFactor = 0;
  dataHoldFactor = 0;
  tagHeader = 0;
  multicastMac = '';
  apis = 0;
  ioDataObjects = 0;
  iocs = 0;
}

export class SubmoduleInfo {
  api = 0;
  slot = 0;
  moduleIdent = 0;
  moduleProperties = 0;
  subslot = 0;
  submoduleIdent = 0;
  submoduleProperties = 0;
  inputLength = -1;
  outputLength = -1;
  /** ModuleDiffBlock entries: the module state and the submodule state. */
  moduleState = -1;
  submoduleState = -1;
}

export class ControlInfo {
  blockType = 0;
  arUuid = '';
  sessionKey = 0;
  command = 0;
  properties = 0;
}

export class Im0Info {
  vendorId = 0;
  orderId = '';
  serialNumber = '';
  hardwareRevision = 0;
  softwareRevision = '';
  revisionCounter = 0;
  profileId = 0;
  profileSpecificType = 0;
  version = '';
  supported = 0;
}

/** One IODReadReqHeader / IODReadResHeader / IODWriteReqHeader / IODWriteResHeader. */
export class RecordInfo {
  blockType = 0;
  seq = 0;
  arUuid = '';
  api = 0;
  slot = 0;
  subslot = 0;
  index = 0;
  recordDataLength = 0;
  additionalValue1 = -1;
  additionalValue2 = -1;
  /** Write response: the record's own PNIOStatus (ErrorCode first), -1 when none. */
  status = -1;
  targetArUuid: string | undefined = undefined;
  /** Inside a MultipleWrite. */
  multiple = false;
  /** Written data as hex (write requests). */
  dataHex: string | undefined = undefined;
  /** Block types inside the record data. */
  readonly blocks: number[] = [];
  im0: Im0Info | null = null;
}

/** An event found while parsing (raised by the session). */
export interface PduProblem {
  name: 'bad_ndr' | 'bad_block_length' | 'too_many_blocks' | 'too_many_entries';
  detail: string;
}

/** What one request or response body holds. */
export class PnioPdu {
  isResponse = false;
  /** The NDR header was there (20 bytes). */
  ndr = false;
  argsMaximum = -1;
  argsLength = -1;
  actualCount = -1;
  /** Response: PNIOStatus as ErrorCode << 24 | ErrorDecode << 16 | ErrorCode1 << 8 | ErrorCode2; -1 for a request. */
  status = -1;
  readonly blockTypes: number[] = [];
  readonly indexes: number[] = [];
  controlCommand = -1;
  ar: ArInfo | null = null;
  /** ARServerBlock (response): the device's station name. */
  responderStationName: string | undefined = undefined;
  prmServerStationName: string | undefined = undefined;
  alarmCr: AlarmCrInfo | null = null;
  readonly iocrs: IocrInfo[] = [];
  readonly submodules: SubmoduleInfo[] = [];
  readonly diffs: SubmoduleInfo[] = [];
  readonly records: RecordInfo[] = [];
  control: ControlInfo | null = null;
  readonly problems: PduProblem[] = [];
  /** A cap was hit (each event is raised once per PDU). */
  private capped = false;
  private entriesCapped = false;

  problem(name: PduProblem['name'], detail: string): void {
    if (this.problems.length < 8) this.problems.push({ name, detail });
  }

  /** A list of IOCRs, submodules or record headers is full; raises too_many_entries once. */
  full(what: string, cap: number): void {
    if (this.entriesCapped) return;
    this.entriesCapped = true;
    this.problem('too_many_entries', `more than ${cap} ${what} in one PDU`);
  }

  /** Room for one more block; raises too_many_blocks once. */
  room(): boolean {
    if (this.blockTypes.length < MAX_BLOCKS) return true;
    if (!this.capped) {
      this.capped = true;
      this.problem('too_many_blocks', `more than ${MAX_BLOCKS} blocks in one PDU`);
    }
    return false;
  }
}

/** Parses a request (isResponse false) or response body of a PNIO call. */
export function parsePnio(d: Uint8Array, off: number, len: number, le: boolean, isResponse: boolean, pdu: PnioPdu): PnioPdu {
  pdu.isResponse = isResponse;
  if (len < 20) {
    if (len > 0 || !isResponse) pdu.problem('bad_ndr', `NDR header needs 20 bytes, ${len} present`);
    return pdu;
  }
  pdu.ndr = true;
  if (isResponse) {
    // PNIOStatus is an NDR Unsigned32 here: in a little-endian packet ErrorCode is the last byte.
    pdu.status = le ? u32(d, off, true) : be32(d, off);
  } else {
    pdu.argsMaximum = u32(d, off, le);
  }
  pdu.argsLength = u32(d, off + 4, le);
  const actual = u32(d, off + 16, le);
  pdu.actualCount = actual;
  const avail = len - 20;
  let n = actual;
  if (actual > avail) {
    pdu.problem('bad_ndr', `ActualCount ${actual} beyond the ${avail} bytes present`);
    n = avail;
  }
  walk(d, off + 20, off + 20 + n, pdu, 0, null);
  return pdu;
}

/**
 * Walks the blocks in [o, end). `into` collects the block types of a record's data (they are
 * in pdu.blockTypes too). Returns nothing; stops at the first block that does not fit.
 */
function walk(d: Uint8Array, o: number, end: number, pdu: PnioPdu, depth: number, into: RecordInfo | null, multipleBase = -1): void {
  while (end - o >= 6) {
    if (!pdu.room()) return;
    const type = be16(d, o);
    const blen = be16(d, o + 2);
    const bend = o + 4 + blen;
    pdu.blockTypes.push(type);
    if (into !== null) into.blocks.push(type);
    if (blen < 2 || bend > end) {
      pdu.problem('bad_block_length', `block 0x${type.toString(16).padStart(4, '0')}: length ${blen}, ${end - o - 4} bytes present`);
      return;
    }
    let next = bend;
    const rec = block(d, o, bend, type, pdu, depth, into);
    if (rec !== null) {
      if (multipleBase >= 0) rec.multiple = true;
      // Record data follows a write request header and a read response header.
      if (type === BLOCK.IOD_WRITE_REQ_HEADER || type === BLOCK.IOD_READ_RES_HEADER) {
        const rdl = rec.recordDataLength;
        let dataEnd = bend + rdl;
        if (rdl > end - bend) {
          pdu.problem('bad_block_length', `record data length ${rdl} of index 0x${rec.index.toString(16)}, ${end - bend} bytes present`);
          dataEnd = end;
        }
        recordData(d, bend, dataEnd, rec, pdu, depth);
        next = dataEnd;
        // Inside a MultipleWrite each record is padded to 4 bytes.
        if (multipleBase >= 0) next = Math.min(end, multipleBase + ((next - multipleBase + 3) & ~3));
      }
    }
    o = next;
  }
}

function recordData(d: Uint8Array, o: number, end: number, rec: RecordInfo, pdu: PnioPdu, depth: number): void {
  if (rec.blockType === BLOCK.IOD_WRITE_REQ_HEADER) rec.dataHex = bytesHex(d, o, Math.min(end - o, RECORD_DATA_HEX));
  if (depth + 1 > MAX_DEPTH || end - o < 6) return;
  if (rec.index === INDEX_MULTIPLE_WRITE && rec.blockType === BLOCK.IOD_WRITE_REQ_HEADER) {
    walk(d, o, end, pdu, depth + 1, null, o);
  } else if (isBlockCodedIndex(rec.index)) {
    const first = pdu.blockTypes.length;
    walk(d, o, end, pdu, depth + 1, rec);
    // I&M0 read back: the device's identity.
    for (let i = first; i < pdu.blockTypes.length && rec.im0 === null; i++) if (pdu.blockTypes[i] === BLOCK.IM0) rec.im0 = im0At(d, o, end);
  }
}

/** Finds and reads the I&M0 block in [o, end) (the first block of an I&M0 record). */
function im0At(d: Uint8Array, o: number, end: number): Im0Info | null {
  if (end - o < 60 || be16(d, o) !== BLOCK.IM0 || be16(d, o + 2) < 56) return null;
  const m = new Im0Info();
  m.vendorId = be16(d, o + 6);
  m.orderId = paddedText(d, o + 8, 20);
  m.serialNumber = paddedText(d, o + 28, 16);
  m.hardwareRevision = be16(d, o + 44);
  const prefix = d[o + 46];
  m.softwareRevision = `${prefix >= 0x20 && prefix < 0x7f ? String.fromCharCode(prefix) : `\\x${prefix.toString(16).padStart(2, '0')}`}${d[o + 47]}.${d[o + 48]}.${d[o + 49]}`;
  m.revisionCounter = be16(d, o + 50);
  m.profileId = be16(d, o + 52);
  m.profileSpecificType = be16(d, o + 54);
  m.version = `${d[o + 56]}.${d[o + 57]}`;
  m.supported = be16(d, o + 58);
  return m;
}

/** The minimum whole length (header included) of the blocks read field by field. */
function minLength(type: number): number {
  switch (type) {
    case BLOCK.AR_BLOCK_REQ: return 58;
    case BLOCK.AR_BLOCK_RES: return 34;
    case BLOCK.IOCR_BLOCK_REQ: return 46;
    case BLOCK.IOCR_BLOCK_RES: return 12;
    case BLOCK.ALARM_CR_BLOCK_REQ: return 26;
    case BLOCK.ALARM_CR_BLOCK_RES: return 12;
    case BLOCK.EXPECTED_SUBMODULE_BLOCK_REQ: return 8;
    case BLOCK.MODULE_DIFF_BLOCK: return 8;
    case BLOCK.PRM_SERVER_BLOCK_REQ: return 30;
    case BLOCK.AR_SERVER_BLOCK_RES: return 8;
    case BLOCK.IOD_WRITE_REQ_HEADER: return 40;
    case BLOCK.IOD_READ_REQ_HEADER: return 40;
    case BLOCK.IOD_WRITE_RES_HEADER: return 48;
    case BLOCK.IOD_READ_RES_HEADER: return 44;
    default: return isControlBlock(type) ? 32 : 6;
  }
}

/** Reads one block [o, bend) (o at its BlockType). Returns the RecordInfo of a read/write header, else null. */
function block(d: Uint8Array, o: number, bend: number, type: number, pdu: PnioPdu, depth: number, into: RecordInfo | null): RecordInfo | null {
  const size = bend - o;
  if (size < minLength(type)) {
    pdu.problem('bad_block_length', `block 0x${type.toString(16).padStart(4, '0')}: length ${size - 4}, at least ${minLength(type) - 4} needed`);
    return null;
  }
  switch (type) {
    case BLOCK.AR_BLOCK_REQ: {
      const a = (pdu.ar = new ArInfo());
      a.arType = be16(d, o + 6);
      a.arUuid = uuidText(d, o + 8, false);
      a.sessionKey = be16(d, o + 24);
      a.mac = bytesMac(d, o + 26, 6);
      a.objectUuid = uuidText(d, o + 32, false);
      a.deviceId = be16(d, o + 44);
      a.vendorId = be16(d, o + 46);
      a.properties = be32(d, o + 48);
      a.timeoutFactor = be16(d, o + 52);
      a.udpRtPort = be16(d, o + 54);
      const n = be16(d, o + 56);
      if (58 + n > size) pdu.problem('bad_block_length', `ARBlockReq: StationNameLength ${n}, ${size - 58} bytes left`);
      a.stationName = bytesText(d, o + 58, Math.min(n, size - 58));
      return null;
    }
    case BLOCK.AR_BLOCK_RES: {
      const a = (pdu.ar = new ArInfo());
      a.arType = be16(d, o + 6);
      a.arUuid = uuidText(d, o + 8, false);
      a.sessionKey = be16(d, o + 24);
      a.mac = bytesMac(d, o + 26, 6);
      a.udpRtPort = be16(d, o + 32);
      return null;
    }
    case BLOCK.IOCR_BLOCK_REQ: {
      if (pdu.iocrs.length >= MAX_IOCRS) {
        pdu.full('IOCRs', MAX_IOCRS);
        return null;
      }
      const c = new IocrInfo();
      c.type = be16(d, o + 6);
      c.reference = be16(d, o + 8);
      c.lt = be16(d, o + 10);
      c.properties = be32(d, o + 12);
      c.dataLength = be16(d, o + 16);
      c.frameId = be16(d, o + 18);
      c.sendClockFactor = be16(d, o + 20);
      c.reductionRatio = be16(d, o + 22);
      c.phase = be16(d, o + 24);
      c.sequence = be16(d, o + 26);
      c.frameSendOffset = be32(d, o + 28);
      c.watchdogFactor = be16(d, o + 32);
      c.dataHoldFactor = be16(d, o + 34);
      c.tagHeader = be16(d, o + 36);
      c.multicastMac = bytesMac(d, o + 38, 6);
      c.apis = be16(d, o + 44);
      let p = o + 46;
      for (let i = 0; i < c.apis; i++) {
        if (bend - p < 6) return bad(pdu, 'IOCRBlockReq', c.apis, i);
        const objs = be16(d, p + 4);
        p += 6 + 6 * objs;
        if (bend - p < 2) return bad(pdu, 'IOCRBlockReq', c.apis, i);
        const iocs = be16(d, p);
        p += 2 + 6 * iocs;
        if (p > bend) return bad(pdu, 'IOCRBlockReq', c.apis, i);
        c.ioDataObjects += objs;
        c.iocs += iocs;
      }
      pdu.iocrs.push(c);
      return null;
    }
    case BLOCK.IOCR_BLOCK_RES: {
      if (pdu.iocrs.length >= MAX_IOCRS) {
        pdu.full('IOCRs', MAX_IOCRS);
        return null;
      }
      const c = new IocrInfo();
      c.type = be16(d, o + 6);
      c.reference = be16(d, o + 8);
      c.frameId = be16(d, o + 10);
      pdu.iocrs.push(c);
      return null;
    }
    case BLOCK.ALARM_CR_BLOCK_REQ: {
      const a = (pdu.alarmCr = new AlarmCrInfo());
      a.type = be16(d, o + 6);
      a.lt = be16(d, o + 8);
      a.properties = be32(d, o + 10);
      a.rtaTimeoutFactor = be16(d, o + 14);
      a.rtaRetries = be16(d, o + 16);
      a.localRef = be16(d, o + 18);
      a.maxDataLength = be16(d, o + 20);
      return null;
    }
    case BLOCK.ALARM_CR_BLOCK_RES: {
      const a = (pdu.alarmCr = new AlarmCrInfo());
      a.type = be16(d, o + 6);
      a.localRef = be16(d, o + 8);
      a.maxDataLength = be16(d, o + 10);
      return null;
    }
    case BLOCK.EXPECTED_SUBMODULE_BLOCK_REQ: {
      const apis = be16(d, o + 6);
      let p = o + 8;
      for (let i = 0; i < apis; i++) {
        if (bend - p < 14) return bad(pdu, 'ExpectedSubmoduleBlockReq', apis, i);
        const api = be32(d, p);
        const slot = be16(d, p + 4);
        const moduleIdent = be32(d, p + 6);
        const moduleProperties = be16(d, p + 10);
        const subs = be16(d, p + 12);
        p += 14;
        for (let k = 0; k < subs; k++) {
          if (bend - p < 8) return bad(pdu, 'ExpectedSubmoduleBlockReq', apis, i);
          const s = new SubmoduleInfo();
          s.api = api;
          s.slot = slot;
          s.moduleIdent = moduleIdent;
          s.moduleProperties = moduleProperties;
          s.subslot = be16(d, p);
          s.submoduleIdent = be32(d, p + 2);
          s.submoduleProperties = be16(d, p + 6);
          p += 8;
          // One DataDescription, two for a submodule with input and output data.
          const descs = (s.submoduleProperties & 3) === 3 ? 2 : 1;
          for (let j = 0; j < descs; j++) {
            if (bend - p < 6) return bad(pdu, 'ExpectedSubmoduleBlockReq', apis, i);
            const dir = be16(d, p);
            const length = be16(d, p + 2);
            if (dir === 1) s.inputLength = length;
            else if (dir === 2) s.outputLength = length;
            p += 6;
          }
          if (pdu.submodules.length < MAX_SUBMODULES) pdu.submodules.push(s);
          else pdu.full('expected submodules', MAX_SUBMODULES);
        }
      }
      return null;
    }
    case BLOCK.MODULE_DIFF_BLOCK: {
      const apis = be16(d, o + 6);
      let p = o + 8;
      for (let i = 0; i < apis; i++) {
        if (bend - p < 6) return bad(pdu, 'ModuleDiffBlock', apis, i);
        const api = be32(d, p);
        const modules = be16(d, p + 4);
        p += 6;
        for (let m = 0; m < modules; m++) {
          if (bend - p < 10) return bad(pdu, 'ModuleDiffBlock', apis, i);
          const slot = be16(d, p);
          const moduleIdent = be32(d, p + 2);
          const moduleState = be16(d, p + 6);
          const subs = be16(d, p + 8);
          p += 10;
          for (let k = 0; k < subs; k++) {
            if (bend - p < 8) return bad(pdu, 'ModuleDiffBlock', apis, i);
            const s = new SubmoduleInfo();
            s.api = api;
            s.slot = slot;
            s.moduleIdent = moduleIdent;
            s.moduleState = moduleState;
            s.subslot = be16(d, p);
            s.submoduleIdent = be32(d, p + 2);
            s.submoduleState = be16(d, p + 6);
            p += 8;
            if (pdu.diffs.length < MAX_SUBMODULES) pdu.diffs.push(s);
            else pdu.full('ModuleDiffBlock submodules', MAX_SUBMODULES);
          }
        }
      }
      return null;
    }
    case BLOCK.PRM_SERVER_BLOCK_REQ: {
      const n = be16(d, o + 28);
      pdu.prmServerStationName = bytesText(d, o + 30, Math.min(n, size - 30));
      return null;
    }
    case BLOCK.AR_SERVER_BLOCK_RES: {
      const n = be16(d, o + 6);
      if (8 + n > size) pdu.problem('bad_block_length', `ARServerBlockRes: StationNameLength ${n}, ${size - 8} bytes left`);
      pdu.responderStationName = bytesText(d, o + 8, Math.min(n, size - 8));
      return null;
    }
    case BLOCK.IOD_WRITE_REQ_HEADER:
    case BLOCK.IOD_WRITE_RES_HEADER:
    case BLOCK.IOD_READ_REQ_HEADER:
    case BLOCK.IOD_READ_RES_HEADER: {
      const r = new RecordInfo();
      r.blockType = type;
      r.seq = be16(d, o + 6);
      r.arUuid = uuidText(d, o + 8, false);
      r.api = be32(d, o + 24);
      r.slot = be16(d, o + 28);
      r.subslot = be16(d, o + 30);
      r.index = be16(d, o + 34);
      r.recordDataLength = be32(d, o + 36);
      if (type === BLOCK.IOD_WRITE_RES_HEADER || type === BLOCK.IOD_READ_RES_HEADER) {
        r.additionalValue1 = be16(d, o + 40);
        r.additionalValue2 = be16(d, o + 42);
        if (type === BLOCK.IOD_WRITE_RES_HEADER) r.status = be32(d, o + 44);
      } else if (type === BLOCK.IOD_READ_REQ_HEADER && d[o + 5] === 1 && size >= 56) {
        // Block version 1.1: TargetARUUID (implicit reads of another AR's data).
        r.targetArUuid = uuidText(d, o + 40, false);
      }
      pdu.indexes.push(r.index);
      if (pdu.records.length < MAX_RECORDS) pdu.records.push(r);
      else pdu.full('read/write record headers', MAX_RECORDS);
      return r;
    }
    default:
      break;
  }
  if (isControlBlock(type)) {
    const c = (pdu.control = new ControlInfo());
    c.blockType = type;
    c.arUuid = uuidText(d, o + 8, false);
    c.sessionKey = be16(d, o + 24);
    c.command = be16(d, o + 28);
    c.properties = be16(d, o + 30);
    pdu.controlCommand = c.command;
    return null;
  }
  if (type === BLOCK.CO_CONTAINER_CONTENT) {
    // COContainerContent: padding, API, slot, subslot, padding, Index; then that record's data as blocks.
    if (size >= 20) pdu.indexes.push(be16(d, o + 18));
    if (depth < MAX_DEPTH && size > 20) walk(d, o + 20, bend, pdu, depth + 1, into);
    return null;
  }
  if (depth < MAX_DEPTH) {
    const prefix = containerPrefix(d, o, bend, type);
    if (prefix >= 0 && o + 6 + prefix < bend) walk(d, o + 6 + prefix, bend, pdu, depth + 1, into);
  }
  return null;
}

/** Where the sub-blocks of a container block start (bytes after its 6-byte header), -1 when it holds none. */
function containerPrefix(d: Uint8Array, o: number, bend: number, type: number): number {
  const p = CONTAINER_PREFIX.get(type);
  if (p !== undefined) return p;
  // PDInterfaceMrpDataAdjust/Real/Check 1.1: padding, NumberOfMrpInstances, then one
  // MrpInstanceData block per instance.
  if (type >= 0x0211 && type <= 0x0213 && d[o + 5] === 1) return 2;
  // PDInterfaceMrpDataAdjust 1.0: padding, MRP_DomainUUID, MRP_Role, padding, name length and
  // name, padding to 4; manager or client parameter blocks follow unless MRP is disabled.
  if (type === 0x0211 && d[o + 5] === 0 && bend - o >= 29) {
    if (be16(d, o + 24) === 0) return -1;
    const end = o + 29 + d[o + 28];
    return ((end - o + 3) & ~3) - 6;
  }
  return -1;
}

function bad(pdu: PnioPdu, name: string, count: number, at: number): null {
  pdu.problem('bad_block_length', `${name}: its ${count} entries run past the block (at entry ${at + 1})`);
  return null;
}
