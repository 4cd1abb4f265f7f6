// Modbus/TCP (and Schneider's UMAS inside function 90): the protocol definition.
//
// Detection: an MBAP header whose protocol id is 0 and whose length fits (2..254, or up to
// 2048 on port 502 where UMAS frames are longer). On port 502 that is enough. On any other
// port the probe is strict: every whole ADU in the first payload must be a public function
// (or its exception) whose PDU has exactly the structure and values the specification
// gives it, and the first ADU must be complete.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { EXCEPTION_BIT, MBAP_MAX_LENGTH, MBAP_MAX_STANDARD_LENGTH, PUBLIC_FUNCTIONS, isKnownException } from './constants.ts';
import { Msg, Problems, Txn, parseRequest, parseResponse, readU16 } from './parser.ts';
import {
  MASK_WRITE_REGISTER_FIELDS, MODBUS_FIELDS, READ_DEVICE_IDENTIFICATION_FIELDS, READ_WRITE_MULTIPLE_REGISTERS_FIELDS,
  RECORD_MASK_WRITE_REGISTER, RECORD_MODBUS, RECORD_READ_DEVICE_IDENTIFICATION, RECORD_READ_WRITE_MULTIPLE_REGISTERS,
} from './records.ts';
import { MODBUS_EVENTS, ModbusSession } from './session.ts';

export const MODBUS_PORT = 502;
/** ADUs of a first payload checked by the strict probe. */
const PROBE_MAX_ADUS = 16;

/** Whether the ADU at d[off] (6 + length bytes, all present) is a clean public Modbus message. */
function cleanAdu(d: Uint8Array, off: number, length: number, isOrig: boolean): boolean {
  const fc = d[off + 7];
  const base = fc & ~EXCEPTION_BIT;
  if (!PUBLIC_FUNCTIONS.has(base)) return false;
  if ((fc & EXCEPTION_BIT) !== 0) return !isOrig && length === 3 && isKnownException(d[off + 8]);
  const t = new Txn(0, readU16(d, off), d[off + 6], fc);
  const p = new Problems();
  if (isOrig) parseRequest(d, off + 7, length - 1, t, new Msg(), p);
  else parseResponse(d, off + 7, length - 1, t, new Msg(), p);
  return p.flags === 0;
}

export function probeModbus(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len < 4) return PROBE.MAYBE;
  if (d[off + 2] !== 0 || d[off + 3] !== 0) return PROBE.NO;
  if (len < 6) return PROBE.MAYBE;
  const length = readU16(d, off + 4);
  if (length < 2 || length > (hint.portMatch ? MBAP_MAX_LENGTH : MBAP_MAX_STANDARD_LENGTH)) return PROBE.NO;
  if (len < 8) return PROBE.MAYBE;
  if (hint.portMatch) return d[off + 7] === 0 ? PROBE.NO : PROBE.YES;
  // Another port: every whole ADU must be clean, and what follows the last must start a header.
  const end = off + len;
  let o = off;
  let adus = 0;
  while (o < end && adus < PROBE_MAX_ADUS) {
    const avail = end - o;
    if (avail >= 4 && (d[o + 2] !== 0 || d[o + 3] !== 0)) return PROBE.NO;
    if (avail < 8) return adus > 0 ? PROBE.YES : PROBE.MAYBE;
    const l = readU16(d, o + 4);
    if (l < 2 || l > MBAP_MAX_STANDARD_LENGTH) return PROBE.NO;
    if (avail < 6 + l) return adus > 0 ? PROBE.YES : PROBE.MAYBE;
    if (!cleanAdu(d, o, l, hint.isOrig)) return PROBE.NO;
    adus++;
    o += 6 + l;
  }
  return PROBE.YES;
}

export const modbus: ProtocolDef = {
  id: 'modbus',
  tcpPorts: [MODBUS_PORT],
  probe: probeModbus,
  create(ctx: SessionContext) {
    return new ModbusSession(ctx);
  },
  records: {
    [RECORD_MODBUS]: MODBUS_FIELDS,
    [RECORD_MASK_WRITE_REGISTER]: MASK_WRITE_REGISTER_FIELDS,
    [RECORD_READ_WRITE_MULTIPLE_REGISTERS]: READ_WRITE_MULTIPLE_REGISTERS_FIELDS,
    [RECORD_READ_DEVICE_IDENTIFICATION]: READ_DEVICE_IDENTIFICATION_FIELDS,
  },
  events: MODBUS_EVENTS,
};
