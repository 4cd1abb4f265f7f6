// Pure parsing of PROFINET DCP PDUs (IEC 61158-6-10 §4.3) into a reused DcpPdu, and of the
// APDU status that ends a cyclic RT frame. No state: the session (session.ts) turns the
// result into records and keeps the RT summaries.
//
// A DCP PDU: ServiceID, ServiceType, Xid (4), ResponseDelay (Identify request) or reserved (2),
// DCPDataLength (2), then blocks: Option, Suboption, DCPBlockLength (2), value, and a padding
// byte after an odd length. A Get request carries bare Option/Suboption pairs; values start
// with a BlockInfo (2) in Identify and Get responses and Hello requests, and with a
// BlockQualifier (2) in Set requests; Control/Response blocks carry Option, Suboption, BlockError.
import {
  OPTION, SERVICE, SUB_CONTROL, SUB_DEVICE, SUB_IP, blockErrorName, blockName,
} from './constants.ts';
import { hexBytes } from '../../core/hex.ts';

/** DCP header bytes. */
export const DCP_HEADER = 10;
/** Blocks named per PDU (a full frame holds at most ~370). */
export const MAX_BLOCKS = 64;

const utf8 = new TextDecoder('utf-8');
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function ipv4(d: Uint8Array, o: number): string {
  return `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
}

function mac(d: Uint8Array, o: number): string {
  return `${HEX2[d[o]]}:${HEX2[d[o + 1]]}:${HEX2[d[o + 2]]}:${HEX2[d[o + 3]]}:${HEX2[d[o + 4]]}:${HEX2[d[o + 5]]}`;
}

/** A string value: up to its first NUL (names are padded with NULs by some devices, as tshark reads them). */
function text(d: Uint8Array, from: number, to: number): string {
  let stop = from;
  while (stop < to && d[stop] !== 0) stop++;
  return stop > from ? utf8.decode(d.subarray(from, stop)) : '';
}

/** One DCP PDU, parsed. Reused: parseDcp resets every field. */
export class DcpPdu {
  serviceId = 0;
  serviceType = 0;
  xid = 0;
  /** ResponseDelay of an Identify request, -1 otherwise. */
  responseDelay = -1;
  dataLength = 0;
  /** Every block as "option/suboption", in order. */
  blocks: string[] = [];
  blocksDropped = 0;
  stationName: string | undefined = undefined;
  typeOfStation: string | undefined = undefined;
  aliasName: string | undefined = undefined;
  vendorId = -1;
  deviceId = -1;
  deviceRole = -1;
  deviceInstanceHigh = -1;
  deviceInstanceLow = -1;
  oemVendorId = -1;
  oemDeviceId = -1;
  deviceOptions: string[] | undefined = undefined;
  deviceInitiative = -1;
  rsiProperties = -1;
  mac: string | undefined = undefined;
  ip: string | undefined = undefined;
  netmask: string | undefined = undefined;
  gateway: string | undefined = undefined;
  dnsServers: string[] | undefined = undefined;
  ipBlockInfo = -1;
  dhcp: string[] | undefined = undefined;
  allSelector = false;
  /** Control suboptions of the PDU, by name. */
  control: string[] | undefined = undefined;
  signalValue = -1;
  /** BlockQualifiers of a Set request's blocks (bit 0: save permanently; reset modes for reset blocks). */
  qualifiers: number[] | undefined = undefined;
  /** Control/Response blocks: the block answered, its BlockError. */
  responseBlocks: string[] | undefined = undefined;
  blockErrors: number[] | undefined = undefined;
  blockErrorNames: string[] | undefined = undefined;
  /** Problems as [event, detail] pairs, flattened. */
  readonly problems: string[] = [];
}

/** Whether the blocks of this service/type start their value with a BlockInfo. */
function hasBlockInfo(service: number, type: number): boolean {
  const response = (type & 1) === 1;
  return (response && (service === SERVICE.IDENTIFY || service === SERVICE.GET)) || (!response && service === SERVICE.HELLO);
}

/**
 * Parses the DCP PDU at d[off, end) (after the FrameID). Problems (a header or block cut
 * short, a block too short for its value) go into pdu.problems; what was read stays.
 * Returns false when not even the header is there.
 */
export function parseDcp(d: Uint8Array, off: number, end: number, pdu: DcpPdu): boolean {
  reset(pdu);
  if (end - off < DCP_HEADER) {
    pdu.problems.push('truncated', `DCP header needs ${DCP_HEADER} bytes, ${Math.max(0, end - off)} captured`);
    return false;
  }
  const service = d[off];
  const type = d[off + 1];
  pdu.serviceId = service;
  pdu.serviceType = type;
  pdu.xid = ((d[off + 2] << 24) | (d[off + 3] << 16) | (d[off + 4] << 8) | d[off + 5]) >>> 0;
  const rd = (d[off + 6] << 8) | d[off + 7];
  if (service === SERVICE.IDENTIFY && type === 0) pdu.responseDelay = rd;
  pdu.dataLength = (d[off + 8] << 8) | d[off + 9];
  let stop = off + DCP_HEADER + pdu.dataLength;
  if (stop > end) {
    pdu.problems.push('truncated', `DCPDataLength ${pdu.dataLength}, ${end - off - DCP_HEADER} bytes captured`);
    stop = end;
  }
  let p = off + DCP_HEADER;
  if (service === SERVICE.GET && type === 0) {
    // Get request: Option/Suboption pairs.
    for (; p + 2 <= stop; p += 2) addBlock(pdu, d[p], d[p + 1]);
    if (p < stop) pdu.problems.push('truncated_block', 'odd byte after the Get request options');
    return true;
  }
  const info = hasBlockInfo(service, type);
  const qualifier = service === SERVICE.SET && type === 0;
  while (p < stop) {
    if (stop - p < 4) {
      pdu.problems.push('truncated_block', `${stop - p} bytes left for a block header`);
      break;
    }
    const option = d[p];
    const sub = d[p + 1];
    const len = (d[p + 2] << 8) | d[p + 3];
    const v = p + 4;
    if (v + len > stop) {
      addBlock(pdu, option, sub);
      pdu.problems.push('truncated_block', `${blockName(option, sub)}: DCPBlockLength ${len}, ${stop - v} bytes left`);
      break;
    }
    addBlock(pdu, option, sub);
    block(pdu, d, option, sub, v, v + len, info, qualifier);
    p = v + len + (len & 1);
  }
  return true;
}

function reset(p: DcpPdu): void {
  p.serviceId = 0;
  p.serviceType = 0;
  p.xid = 0;
  p.responseDelay = -1;
  p.dataLength = 0;
  p.blocks = [];
  p.blocksDropped = 0;
  p.stationName = undefined;
  p.typeOfStation = undefined;
  p.aliasName = undefined;
  p.vendorId = -1;
  p.deviceId = -1;
  p.deviceRole = -1;
  p.deviceInstanceHigh = -1;
  p.deviceInstanceLow = -1;
  p.oemVendorId = -1;
  p.oemDeviceId = -1;
  p.deviceOptions = undefined;
  p.deviceInitiative = -1;
  p.rsiProperties = -1;
  p.mac = undefined;
  p.ip = undefined;
  p.netmask = undefined;
  p.gateway = undefined;
  p.dnsServers = undefined;
  p.ipBlockInfo = -1;
  p.dhcp = undefined;
  p.allSelector = false;
  p.control = undefined;
  p.signalValue = -1;
  p.qualifiers = undefined;
  p.responseBlocks = undefined;
  p.blockErrors = undefined;
  p.blockErrorNames = undefined;
  p.problems.length = 0;
}

function addBlock(p: DcpPdu, option: number, sub: number): void {
  if (p.blocks.length < MAX_BLOCKS) p.blocks.push(blockName(option, sub));
  else p.blocksDropped++;
}

function tooShort(p: DcpPdu, option: number, sub: number, len: number, need: number): boolean {
  if (len >= need) return false;
  p.problems.push('bad_block_length', `${blockName(option, sub)}: DCPBlockLength ${len}, needs ${need}`);
  return true;
}

/** One block's value, d[v, e). */
function block(p: DcpPdu, d: Uint8Array, option: number, sub: number, v: number, e: number, info: boolean, qualifier: boolean): void {
  const len = e - v;
  // Control/Response blocks answer a block: Option, Suboption, BlockError (no BlockInfo).
  if (option === OPTION.CONTROL && sub === SUB_CONTROL.RESPONSE) {
    if (tooShort(p, option, sub, len, 3)) return;
    (p.responseBlocks ??= []).push(blockName(d[v], d[v + 1]));
    (p.blockErrors ??= []).push(d[v + 2]);
    (p.blockErrorNames ??= []).push(blockErrorName(d[v + 2]));
    return;
  }
  if (option === OPTION.CONTROL) (p.control ??= []).push(blockName(option, sub).slice(8));
  if (option === OPTION.ALL_SELECTOR) {
    p.allSelector = true;
    return;
  }
  let x = v;
  let blockInfo = -1;
  if (info || qualifier) {
    if (tooShort(p, option, sub, len, 2)) return;
    const w = (d[v] << 8) | d[v + 1];
    if (info) blockInfo = w;
    else (p.qualifiers ??= []).push(w);
    x += 2;
  }
  const n = e - x;
  const hdr = x - v;
  switch (option) {
    case OPTION.IP:
      if (sub === SUB_IP.MAC) {
        if (tooShort(p, option, sub, len, hdr + 6)) return;
        p.mac = mac(d, x);
      } else if (sub === SUB_IP.PARAMETER || sub === SUB_IP.FULL_SUITE) {
        if (tooShort(p, option, sub, len, hdr + (sub === SUB_IP.PARAMETER ? 12 : 28))) return;
        p.ip = ipv4(d, x);
        p.netmask = ipv4(d, x + 4);
        p.gateway = ipv4(d, x + 8);
        if (blockInfo >= 0) p.ipBlockInfo = blockInfo;
        if (sub === SUB_IP.FULL_SUITE) p.dnsServers = [ipv4(d, x + 12), ipv4(d, x + 16), ipv4(d, x + 20), ipv4(d, x + 24)];
      }
      return;
    case OPTION.DEVICE:
      switch (sub) {
        case SUB_DEVICE.VENDOR:
          p.typeOfStation = text(d, x, e);
          return;
        case SUB_DEVICE.NAME_OF_STATION:
          p.stationName = text(d, x, e);
          return;
        case SUB_DEVICE.ALIAS:
          p.aliasName = text(d, x, e);
          return;
        case SUB_DEVICE.DEVICE_ID:
        case SUB_DEVICE.OEM_DEVICE_ID:
          if (tooShort(p, option, sub, len, hdr + 4)) return;
          if (sub === SUB_DEVICE.DEVICE_ID) {
            p.vendorId = (d[x] << 8) | d[x + 1];
            p.deviceId = (d[x + 2] << 8) | d[x + 3];
          } else {
            p.oemVendorId = (d[x] << 8) | d[x + 1];
            p.oemDeviceId = (d[x + 2] << 8) | d[x + 3];
          }
          return;
        case SUB_DEVICE.ROLE:
          if (tooShort(p, option, sub, len, hdr + 2)) return;
          p.deviceRole = d[x];
          return;
        case SUB_DEVICE.OPTIONS: {
          const list: string[] = [];
          for (let i = x; i + 2 <= e && list.length < MAX_BLOCKS; i += 2) list.push(blockName(d[i], d[i + 1]));
          p.deviceOptions = list;
          return;
        }
        case SUB_DEVICE.INSTANCE:
          if (tooShort(p, option, sub, len, hdr + 2)) return;
          p.deviceInstanceHigh = d[x];
          p.deviceInstanceLow = d[x + 1];
          return;
        case SUB_DEVICE.RSI_PROPERTIES:
          if (tooShort(p, option, sub, len, hdr + 2)) return;
          p.rsiProperties = (d[x] << 8) | d[x + 1];
          return;
        default:
          return;
      }
    case OPTION.DHCP: {
      // The DHCP option's value: text when printable, else hex.
      let printable = n > 0;
      for (let i = x; i < e && printable; i++) printable = d[i] >= 0x20 && d[i] < 0x7f;
      (p.dhcp ??= []).push(`${sub}=${printable ? text(d, x, e) : hexBytes(d, x, e - x)}`);
      return;
    }
    case OPTION.CONTROL:
      if (sub === SUB_CONTROL.SIGNAL) {
        if (tooShort(p, option, sub, len, hdr + 2)) return;
        p.signalValue = (d[x] << 8) | d[x + 1];
      }
      return;
    case OPTION.DEVICE_INITIATIVE:
      if (tooShort(p, option, sub, len, hdr + 2)) return;
      p.deviceInitiative = (d[x] << 8) | d[x + 1];
      return;
    default:
      return;
  }
}

/** The APDU status at the end of a cyclic RT frame's payload. */
export class ApduStatus {
  cycleCounter = 0;
  dataStatus = 0;
  transferStatus = 0;

  /** Reads the last 4 bytes of d[off, end) (after the FrameID); false when fewer than 4. */
  parse(d: Uint8Array, off: number, end: number): boolean {
    if (end - off < 4) return false;
    this.cycleCounter = (d[end - 4] << 8) | d[end - 3];
    this.dataStatus = d[end - 2];
    this.transferStatus = d[end - 1];
    return true;
  }
}
