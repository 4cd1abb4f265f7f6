// Modbus/TCP parsing: the MBAP header, and the PDU of each function as a request or a
// response (Modbus Application Protocol Specification V1.1b3, §4–7; Modbus Messaging on
// TCP/IP Implementation Guide V1.0b, §3.1.3). Pure functions: bytes in, fields out into the
// caller's objects, problems as flags. No state, no exceptions, every read bounds-checked.
//
// Two targets are filled:
// - a Txn: the transaction as the `modbus` record shows it, with the semantics of ICSNPP's
//   modbus_detailed.log (which fields a function sets, and how a response adds to its
//   request);
// - a Msg: what one message said, for the per-message records (mask write, read/write
//   multiple registers, read device identification).
import {
  DIAGNOSTICS, ENCAPSULATED_INTERFACE_TRANSPORT, EXCEPTION_BIT, GET_COMM_EVENT_COUNTER, GET_COMM_EVENT_LOG, MASK_WRITE_REGISTER,
  MAX_FIFO_COUNT, MAX_READ_BITS, MAX_READ_REGISTERS, MAX_RW_WRITE_REGISTERS, MAX_WRITE_BITS, MAX_WRITE_REGISTERS, MEI_READ_DEVICE_ID,
  READ_COILS, READ_DISCRETE_INPUTS, READ_EXCEPTION_STATUS, READ_FIFO_QUEUE, READ_FILE_RECORD, READ_HOLDING_REGISTERS,
  READ_INPUT_REGISTERS, READ_WRITE_MULTIPLE_REGISTERS, REPORT_SERVER_ID, UMAS, WRITE_FILE_RECORD, WRITE_MULTIPLE_COILS,
  WRITE_MULTIPLE_REGISTERS, WRITE_SINGLE_COIL, WRITE_SINGLE_REGISTER, functionName,
} from './constants.ts';
import { hexBytes } from '../../core/hex.ts';

/** Bytes of request_data / response_data kept (as hex) per message. */
export const DATA_BYTES_KEPT = 256;
/** Device identification objects kept per response (one record each); more are counted, not kept. */
export const MAX_DEVICE_OBJECTS = 128;

/** Problem flags of a parse. */
export const PROBLEM = {
  /** The PDU is shorter or longer than its function's structure (or a byte count) says. */
  LENGTH: 1,
  /** A value outside what the specification allows (quantity, coil value, byte count vs quantity). */
  VALUE: 2,
} as const;

/** What went wrong in one parse: flags and a short detail (built only when something did). */
export class Problems {
  flags = 0;
  lengthDetail = '';
  valueDetail = '';

  reset(): void {
    this.flags = 0;
    this.lengthDetail = '';
    this.valueDetail = '';
  }

  length(what: string): void {
    if ((this.flags & PROBLEM.LENGTH) === 0) this.lengthDetail = what;
    this.flags |= PROBLEM.LENGTH;
  }

  value(what: string): void {
    if ((this.flags & PROBLEM.VALUE) === 0) this.valueDetail = what;
    this.flags |= PROBLEM.VALUE;
  }
}

/** One transaction: a request, its response, or both (the `modbus` record). */
export class Txn {
  /** Time of the first message (the request when there is one). */
  ts: number;
  tid: number;
  unit: number;
  /** Function code of the request, or of the response when there is no request. */
  func: number;
  hasRequest = false;
  hasResponse = false;
  address: number | undefined = undefined;
  quantity: number | undefined = undefined;
  /** Values the request writes (single writes); the multiple writes keep their bytes instead (below). */
  requestValues: number[] | undefined = undefined;
  /**
   * WRITE_MULTIPLE_COILS: the coil bytes as sent (a copy) and the number of coils;
   * WRITE_MULTIPLE_REGISTERS: the register bytes. A waiting request holds bytes, not one
   * number per value; they are unpacked when the record is written.
   */
  requestBits: Uint8Array | undefined = undefined;
  requestBitCount = 0;
  requestWords: Uint8Array | undefined = undefined;
  responseValues: number[] | undefined = undefined;
  linkId: string | undefined = undefined;
  /** Diagnostics sub-functions, -1 when none. */
  requestSub = -1;
  responseSub = -1;
  /** Request data the other fields do not hold (a copy of at most DATA_BYTES_KEPT bytes; hex when written). */
  requestRaw: Uint8Array | undefined = undefined;
  responseData: string | undefined = undefined;
  /** Exception code of the response, -1 when none. */
  exception = -1;
  /** MEI type of function 43, -1 when none. */
  mei = -1;
  /** UMAS (function 90): pairing key and function code of the request, status of the response; -1 when none. */
  umasKey = -1;
  umasFunc = -1;
  umasStatus = -1;
  /** REPORT_SLAVE_ID: the response's data as text. */
  slaveIdText: string | undefined = undefined;

  constructor(ts: number, tid: number, unit: number, func: number) {
    this.ts = ts;
    this.tid = tid;
    this.unit = unit;
    this.func = func;
  }
}

/** One device identification object of a response. */
export interface DeviceObject {
  id: number;
  value: string;
}

/** What one message said, for the per-message records. Reused: reset() before each parse. */
export class Msg {
  // MASK_WRITE_REGISTER
  maskAddress = -1;
  andMask = -1;
  orMask = -1;
  // READ_WRITE_MULTIPLE_REGISTERS
  readStart = -1;
  readQuantity = -1;
  writeStart = -1;
  writeRegisters: number[] | undefined = undefined;
  readRegisters: number[] | undefined = undefined;
  // Read Device Identification (function 43 / MEI 14)
  deviceIdCode = -1;
  objectId = -1;
  conformity = -1;
  moreFollows = -1;
  nextObjectId = -1;
  objects: DeviceObject[] | undefined = undefined;
  /** Objects of the response beyond MAX_DEVICE_OBJECTS (parsed, not kept). */
  objectsDropped = 0;

  reset(): void {
    this.maskAddress = -1;
    this.andMask = -1;
    this.orMask = -1;
    this.readStart = -1;
    this.readQuantity = -1;
    this.writeStart = -1;
    this.writeRegisters = undefined;
    this.readRegisters = undefined;
    this.deviceIdCode = -1;
    this.objectId = -1;
    this.conformity = -1;
    this.moreFollows = -1;
    this.nextObjectId = -1;
    this.objects = undefined;
    this.objectsDropped = 0;
  }
}

// ---- MBAP ----

/** A big-endian 16-bit number at d[off] (the caller checked the bounds). */
export function readU16(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}

// ---- helpers ----

/** Lower-case hex of d[off, off+n), at most DATA_BYTES_KEPT bytes; undefined when n <= 0. */
export function hexOf(d: Uint8Array, off: number, n: number): string | undefined {
  return n <= 0 ? undefined : hexBytes(d, off, n, DATA_BYTES_KEPT);
}

/** A copy of d[off, off+n), at most DATA_BYTES_KEPT bytes; undefined when n <= 0. */
export function keep(d: Uint8Array, off: number, n: number): Uint8Array | undefined {
  if (n <= 0) return undefined;
  return d.slice(off, off + (n > DATA_BYTES_KEPT ? DATA_BYTES_KEPT : n));
}

/** The values of a request, as the record writes them. */
export function requestValuesOf(t: Txn): number[] | undefined {
  if (t.requestBits !== undefined) return bits(t.requestBits, 0, t.requestBitCount);
  if (t.requestWords !== undefined) return registers(t.requestWords, 0, t.requestWords.length >> 1);
  return t.requestValues;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text: UTF-8 when they are valid UTF-8, otherwise one character per byte (Latin-1). */
export function textOf(d: Uint8Array, off: number, n: number): string {
  if (n <= 0) return '';
  let ascii = true;
  for (let i = 0; i < n && ascii; i++) ascii = d[off + i] < 0x80;
  if (!ascii) {
    try {
      return utf8.decode(d.subarray(off, off + n));
    } catch {
      // not UTF-8: fall through to one character per byte
    }
  }
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

/** `count` bits packed LSB first from d[off], as 0/1 numbers. */
function bits(d: Uint8Array, off: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = (d[off + (i >> 3)] >> (i & 7)) & 1;
  return out;
}

/** `count` big-endian 16-bit registers from d[off]. */
function registers(d: Uint8Array, off: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = (d[off + 2 * i] << 8) | d[off + 2 * i + 1];
  return out;
}

/** bits as ICSNPP writes coil padding into response_data: "0,0,1". */
function bitList(d: Uint8Array, off: number, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    if (i > from) s += ',';
    s += (d[off + (i >> 3)] >> (i & 7)) & 1;
  }
  return s;
}

function expectLength(p: Problems, fc: number, what: string, len: number, want: number): boolean {
  if (len === want) return true;
  p.length(`${functionName(fc)} ${what}: PDU of ${len} bytes, the function has ${want}`);
  return false;
}

function expectAtLeast(p: Problems, fc: number, what: string, len: number, want: number): boolean {
  if (len >= want) return true;
  p.length(`${functionName(fc)} ${what}: PDU of ${len} bytes, the function needs at least ${want}`);
  return false;
}

/** A byte count at d[at] that must equal the bytes that follow it (`rest`); returns the usable count. */
function byteCount(p: Problems, fc: number, what: string, count: number, rest: number): number {
  if (count !== rest) p.length(`${functionName(fc)} ${what}: byte count ${count}, ${rest} bytes follow`);
  return count < rest ? count : rest;
}

function quantityRange(p: Problems, fc: number, q: number, max: number): void {
  if (q < 1 || q > max) p.value(`${functionName(fc)} request: quantity ${q} outside 1..${max}`);
}

// ---- requests ----

/**
 * Parses a request PDU at d[off] (function code first, `len` bytes) into `t` and `m`.
 * `t` is a new transaction (func, tid, unit set). Problems go into `p`.
 */
export function parseRequest(d: Uint8Array, off: number, len: number, t: Txn, m: Msg, p: Problems): void {
  const fc = d[off];
  t.hasRequest = true;
  const o = off + 1;
  const n = len - 1; // bytes after the function code
  switch (fc) {
    case READ_COILS:
    case READ_DISCRETE_INPUTS:
    case READ_HOLDING_REGISTERS:
    case READ_INPUT_REGISTERS: {
      if (!expectLength(p, fc, 'request', len, 5) && n < 4) return;
      t.address = readU16(d, o);
      t.quantity = readU16(d, o + 2);
      quantityRange(p, fc, t.quantity, fc <= READ_DISCRETE_INPUTS ? MAX_READ_BITS : MAX_READ_REGISTERS);
      return;
    }
    case WRITE_SINGLE_COIL: {
      if (!expectLength(p, fc, 'request', len, 5) && n < 4) return;
      t.address = readU16(d, o);
      t.quantity = 1;
      t.requestValues = [coilValue(p, fc, readU16(d, o + 2))];
      return;
    }
    case WRITE_SINGLE_REGISTER: {
      if (!expectLength(p, fc, 'request', len, 5) && n < 4) return;
      t.address = readU16(d, o);
      t.quantity = 1;
      t.requestValues = [readU16(d, o + 2)];
      return;
    }
    case READ_EXCEPTION_STATUS:
    case GET_COMM_EVENT_COUNTER:
    case GET_COMM_EVENT_LOG:
    case REPORT_SERVER_ID:
      expectLength(p, fc, 'request', len, 1);
      t.requestRaw = keep(d, o, n);
      return;
    case DIAGNOSTICS: {
      if (!expectAtLeast(p, fc, 'request', len, 3)) return;
      t.requestSub = readU16(d, o);
      t.requestRaw = keep(d, o + 2, n - 2);
      return;
    }
    case WRITE_MULTIPLE_COILS:
    case WRITE_MULTIPLE_REGISTERS: {
      if (!expectAtLeast(p, fc, 'request', len, 6)) {
        if (n >= 4) {
          t.address = readU16(d, o);
          t.quantity = readU16(d, o + 2);
        }
        return;
      }
      const address = readU16(d, o);
      const q = readU16(d, o + 2);
      const bc = byteCount(p, fc, 'request', d[o + 4], n - 5);
      t.address = address;
      if (fc === WRITE_MULTIPLE_COILS) {
        quantityRange(p, fc, q, MAX_WRITE_BITS);
        if (d[o + 4] !== (q + 7) >> 3) p.value(`WRITE_MULTIPLE_COILS request: byte count ${d[o + 4]} for ${q} coils`);
        const have = q < bc * 8 ? q : bc * 8;
        t.requestBits = d.slice(o + 5, o + 5 + ((have + 7) >> 3));
        t.requestBitCount = have;
        t.quantity = have;
      } else {
        quantityRange(p, fc, q, MAX_WRITE_REGISTERS);
        if (d[o + 4] !== 2 * q) p.value(`WRITE_MULTIPLE_REGISTERS request: byte count ${d[o + 4]} for ${q} registers`);
        const have = q < bc >> 1 ? q : bc >> 1;
        t.requestWords = d.slice(o + 5, o + 5 + 2 * have);
        t.quantity = have;
      }
      return;
    }
    case READ_FILE_RECORD: {
      if (!expectAtLeast(p, fc, 'request', len, 2)) return;
      const bc = byteCount(p, fc, 'request', d[o], n - 1);
      // Sub-requests of 7 bytes: reference type, file number, record number, record length.
      if (bc % 7 !== 0) p.length(`READ_FILE_RECORD request: byte count ${bc} is not a multiple of 7`);
      t.quantity = Math.floor(bc / 7);
      t.requestRaw = keep(d, o + 1, bc);
      return;
    }
    case WRITE_FILE_RECORD: {
      if (!expectAtLeast(p, fc, 'request', len, 2)) return;
      const bc = byteCount(p, fc, 'request', d[o], n - 1);
      t.quantity = countFileRefs(d, o + 1, bc, p, fc);
      t.requestRaw = keep(d, o + 1, bc);
      return;
    }
    case MASK_WRITE_REGISTER: {
      if (!expectLength(p, fc, 'request', len, 7) && n < 6) return;
      t.address = readU16(d, o);
      m.maskAddress = t.address;
      m.andMask = readU16(d, o + 2);
      m.orMask = readU16(d, o + 4);
      return;
    }
    case READ_WRITE_MULTIPLE_REGISTERS: {
      if (!expectAtLeast(p, fc, 'request', len, 10)) return;
      m.readStart = readU16(d, o);
      m.readQuantity = readU16(d, o + 2);
      m.writeStart = readU16(d, o + 4);
      const wq = readU16(d, o + 6);
      quantityRange(p, fc, m.readQuantity, MAX_READ_REGISTERS);
      quantityRange(p, fc, wq, MAX_RW_WRITE_REGISTERS);
      const bc = byteCount(p, fc, 'request', d[o + 8], n - 9);
      if (d[o + 8] !== 2 * wq) p.value(`READ_WRITE_MULTIPLE_REGISTERS request: byte count ${d[o + 8]} for ${wq} registers`);
      m.writeRegisters = registers(d, o + 9, wq < bc >> 1 ? wq : bc >> 1);
      return;
    }
    case READ_FIFO_QUEUE: {
      if (!expectLength(p, fc, 'request', len, 3) && n < 2) return;
      t.address = readU16(d, o);
      return;
    }
    case ENCAPSULATED_INTERFACE_TRANSPORT: {
      if (!expectAtLeast(p, fc, 'request', len, 2)) return;
      t.mei = d[o];
      if (t.mei === MEI_READ_DEVICE_ID) {
        if (!expectLength(p, fc, 'Read Device Identification request', len, 4) && n < 3) return;
        m.deviceIdCode = d[o + 1];
        m.objectId = d[o + 2];
        if (m.deviceIdCode < 1 || m.deviceIdCode > 4) p.value(`Read Device Identification request: Read Device ID code ${m.deviceIdCode} outside 1..4`);
      } else {
        t.requestRaw = keep(d, o + 1, n - 1);
      }
      return;
    }
    case UMAS: {
      if (!expectAtLeast(p, fc, 'request', len, 3)) return;
      t.umasKey = d[o];
      t.umasFunc = d[o + 1];
      t.requestRaw = keep(d, o + 2, n - 2);
      return;
    }
    default:
      // Functions without a structure of their own (vendor-specific, unknown): their bytes.
      t.requestRaw = keep(d, o, n);
  }
}

function coilValue(p: Problems, fc: number, v: number): number {
  if (v === 0xff00) return 1;
  if (v !== 0) p.value(`${functionName(fc)}: coil value 0x${v.toString(16).padStart(4, '0')}, only 0xff00 and 0x0000 are allowed`);
  return 0;
}

/** Sub-requests of a WRITE_FILE_RECORD request or response: 7 header bytes + 2 per register. */
function countFileRefs(d: Uint8Array, off: number, n: number, p: Problems, fc: number): number {
  let refs = 0;
  let i = 0;
  while (n - i >= 7) {
    const words = readU16(d, off + i + 5);
    const size = 7 + 2 * words;
    if (size > n - i) {
      p.length(`${functionName(fc)}: a sub-request of ${size} bytes, ${n - i} left`);
      return refs;
    }
    refs++;
    i += size;
  }
  if (i !== n) p.length(`${functionName(fc)}: ${n - i} bytes after the last sub-request`);
  return refs;
}

// ---- responses ----

/**
 * Parses a response PDU at d[off] into `t` and `m`. `t.hasRequest` says whether `t` holds
 * the matching request (whose quantity decides how many coils a read returns).
 */
export function parseResponse(d: Uint8Array, off: number, len: number, t: Txn, m: Msg, p: Problems): void {
  const fc = d[off];
  t.hasResponse = true;
  const o = off + 1;
  const n = len - 1;
  const matched = t.hasRequest;
  if ((fc & EXCEPTION_BIT) !== 0) {
    if (!expectLength(p, fc, 'exception response', len, 2) && n < 1) return;
    t.exception = d[o];
    return;
  }
  switch (fc) {
    case READ_COILS:
    case READ_DISCRETE_INPUTS: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const bc = byteCount(p, fc, 'response', d[o], n - 1);
      const all = bc * 8;
      if (matched && t.quantity !== undefined) {
        const q = t.quantity;
        if (d[o] !== (q + 7) >> 3) p.value(`${functionName(fc)} response: byte count ${d[o]} for ${q} bits asked`);
        const take = q < all ? q : all;
        t.responseValues = bits(d, o + 1, take);
        // ICSNPP keeps the padding bits of the last byte in response_data.
        if (all > take) t.responseData = bitList(d, o + 1, take, all);
      } else {
        t.quantity = all;
        t.responseValues = bits(d, o + 1, all);
      }
      return;
    }
    case READ_HOLDING_REGISTERS:
    case READ_INPUT_REGISTERS: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const bc = byteCount(p, fc, 'response', d[o], n - 1);
      if ((d[o] & 1) !== 0) p.length(`${functionName(fc)} response: odd byte count ${d[o]}`);
      const regs = registers(d, o + 1, bc >> 1);
      if (matched && t.quantity !== undefined) {
        if (regs.length !== t.quantity) p.value(`${functionName(fc)} response: ${regs.length} registers for ${t.quantity} asked`);
      } else {
        t.quantity = regs.length;
      }
      t.responseValues = regs;
      return;
    }
    case WRITE_SINGLE_COIL: {
      if (!expectLength(p, fc, 'response', len, 5) && n < 4) return;
      t.address = readU16(d, o);
      t.quantity = 1;
      t.responseValues = [coilValue(p, fc, readU16(d, o + 2))];
      return;
    }
    case WRITE_SINGLE_REGISTER: {
      if (!expectLength(p, fc, 'response', len, 5) && n < 4) return;
      // ICSNPP keeps the request's address; a response alone gives its own.
      if (!matched) t.address = readU16(d, o);
      t.quantity = 1;
      t.responseValues = [readU16(d, o + 2)];
      return;
    }
    case READ_EXCEPTION_STATUS:
      expectLength(p, fc, 'response', len, 2);
      t.responseData = hexOf(d, o, n);
      return;
    case DIAGNOSTICS: {
      if (!expectAtLeast(p, fc, 'response', len, 3)) return;
      t.responseSub = readU16(d, o);
      t.responseData = hexOf(d, o + 2, n - 2);
      return;
    }
    case GET_COMM_EVENT_COUNTER:
      expectLength(p, fc, 'response', len, 5);
      t.responseData = hexOf(d, o, n);
      return;
    case GET_COMM_EVENT_LOG:
    case REPORT_SERVER_ID: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const bc = byteCount(p, fc, 'response', d[o], n - 1);
      t.responseData = hexOf(d, o + 1, bc);
      if (fc === REPORT_SERVER_ID) t.slaveIdText = textOf(d, o + 1, bc);
      return;
    }
    case WRITE_MULTIPLE_COILS:
    case WRITE_MULTIPLE_REGISTERS: {
      if (!expectLength(p, fc, 'response', len, 5) && n < 4) return;
      const address = readU16(d, o);
      const q = readU16(d, o + 2);
      // ICSNPP: the coils response adds nothing to its request; the registers response
      // and a response alone give address and quantity.
      if (!matched || fc === WRITE_MULTIPLE_REGISTERS) {
        t.address = address;
        t.quantity = q;
      }
      return;
    }
    case READ_FILE_RECORD: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const bc = byteCount(p, fc, 'response', d[o], n - 1);
      // Sub-responses: length (1), reference type (1), data (length - 1).
      let i = 0;
      while (i < bc) {
        const l = d[o + 1 + i];
        if (l < 1 || 1 + l > bc - i) {
          p.length(`READ_FILE_RECORD response: a sub-response of ${1 + l} bytes, ${bc - i} left`);
          break;
        }
        i += 1 + l;
      }
      t.responseData = hexOf(d, o + 1, bc);
      return;
    }
    case WRITE_FILE_RECORD: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const bc = byteCount(p, fc, 'response', d[o], n - 1);
      countFileRefs(d, o + 1, bc, p, fc);
      t.responseData = hexOf(d, o + 1, bc);
      return;
    }
    case MASK_WRITE_REGISTER: {
      if (!expectLength(p, fc, 'response', len, 7) && n < 6) return;
      m.maskAddress = readU16(d, o);
      m.andMask = readU16(d, o + 2);
      m.orMask = readU16(d, o + 4);
      if (!matched) t.address = m.maskAddress;
      return;
    }
    case READ_WRITE_MULTIPLE_REGISTERS: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const bc = byteCount(p, fc, 'response', d[o], n - 1);
      if ((d[o] & 1) !== 0) p.length(`READ_WRITE_MULTIPLE_REGISTERS response: odd byte count ${d[o]}`);
      m.readRegisters = registers(d, o + 1, bc >> 1);
      return;
    }
    case READ_FIFO_QUEUE: {
      if (!expectAtLeast(p, fc, 'response', len, 5)) return;
      const bc = readU16(d, o);
      if (bc !== n - 2) p.length(`READ_FIFO_QUEUE response: byte count ${bc}, ${n - 2} bytes follow`);
      const count = readU16(d, o + 2);
      if (count > MAX_FIFO_COUNT) p.value(`READ_FIFO_QUEUE response: FIFO count ${count} over ${MAX_FIFO_COUNT}`);
      const room = (n - 4) >> 1;
      if (count > room) p.length(`READ_FIFO_QUEUE response: FIFO count ${count}, room for ${room}`);
      const regs = registers(d, o + 4, count < room ? count : room);
      t.quantity = regs.length;
      if (regs.length > 0) t.responseValues = regs;
      return;
    }
    case ENCAPSULATED_INTERFACE_TRANSPORT: {
      if (!expectAtLeast(p, fc, 'response', len, 2)) return;
      const mei = d[o];
      if (!matched) t.mei = mei;
      else if (t.mei !== mei) p.value(`ENCAP_INTERFACE_TRANSPORT response: MEI type ${mei} for a request of ${t.mei}`);
      if (mei === MEI_READ_DEVICE_ID) parseDeviceIdResponse(d, o + 1, n - 1, m, p);
      else t.responseData = hexOf(d, o + 1, n - 1);
      return;
    }
    case UMAS: {
      if (!expectAtLeast(p, fc, 'response', len, 3)) return;
      if (!matched) t.umasKey = d[o];
      t.umasStatus = d[o + 1];
      t.responseData = hexOf(d, o + 2, n - 2);
      return;
    }
    default:
      t.responseData = hexOf(d, o, n);
  }
}

/** Read Device Identification response after the MEI type: code, conformity, more follows, next id, count, objects. */
function parseDeviceIdResponse(d: Uint8Array, off: number, n: number, m: Msg, p: Problems): void {
  if (n < 5) {
    p.length(`Read Device Identification response: ${n} bytes after the MEI type, the header needs 5`);
    return;
  }
  m.deviceIdCode = d[off];
  m.conformity = d[off + 1];
  m.moreFollows = d[off + 2];
  m.nextObjectId = d[off + 3];
  const count = d[off + 4];
  if (m.moreFollows !== 0x00 && m.moreFollows !== 0xff) p.value(`Read Device Identification response: More Follows 0x${m.moreFollows.toString(16)}, only 0x00 and 0xff are allowed`);
  const objects: DeviceObject[] = [];
  let i = 5;
  for (let k = 0; k < count; k++) {
    if (n - i < 2) {
      p.length(`Read Device Identification response: ${count} objects announced, ${k} present`);
      break;
    }
    const id = d[off + i];
    const l = d[off + i + 1];
    if (l > n - i - 2) {
      p.length(`Read Device Identification response: object ${id} of ${l} bytes, ${n - i - 2} left`);
      // Keep what is there of the value.
      if (objects.length < MAX_DEVICE_OBJECTS) objects.push({ id, value: textOf(d, off + i + 2, n - i - 2) });
      else m.objectsDropped++;
      i = n;
      break;
    }
    if (objects.length < MAX_DEVICE_OBJECTS) objects.push({ id, value: textOf(d, off + i + 2, l) });
    else m.objectsDropped++;
    i += 2 + l;
  }
  if (i < n) p.length(`Read Device Identification response: ${n - i} bytes after the last object`);
  m.objects = objects;
}
