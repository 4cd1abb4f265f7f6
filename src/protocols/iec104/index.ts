// IEC 60870-5-104 (TCP 2404): telecontrol APDUs between a controlling station and outstations.
// Detected by content: an APDU whose start octet, length and control field are exactly what the
// frame format requires; for an I frame also a defined type identification, a cause of
// transmission and objects that fill the APDU.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { APCI_I, ASDU_HEADER_LENGTH, CONTROL_LENGTH, IOA_LENGTH, LEADING_JUNK, TYPES } from './constants.ts';
import { elementSize, parseApci, Apci } from './parser.ts';
import { IEC104_FIELDS, IEC104_OBJECT_FIELDS } from './records.ts';
import { Iec104Session, plausibleHeader } from './session.ts';

const probeApci = new Apci();

/** Whether the I frame's ASDU at d[off] (len bytes) is consistent: a defined type, a cause, objects that fill it. */
function plausibleAsdu(d: Uint8Array, off: number, len: number): boolean {
  const info = TYPES.get(d[off]);
  if (info === undefined || len < ASDU_HEADER_LENGTH) return false;
  const sq = (d[off + 1] & 0x80) !== 0;
  const n = d[off + 1] & 0x7f;
  if ((d[off + 2] & 0x3f) === 0) return false;
  const end = off + len;
  let p = off + ASDU_HEADER_LENGTH;
  if (sq && n > 0) p += IOA_LENGTH;
  for (let i = 0; i < n; i++) {
    if (!sq) p += IOA_LENGTH;
    if (p > end) return false;
    const size = elementSize(info, d, p, end - p);
    if (size < 0) return false;
    p += size;
  }
  return p === end;
}


export function probeIec104(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (len < 1) return PROBE.MAYBE;
  if (d[off] === 0x68 || !hint.portMatch) return probeAt(d, off, len);
  // On the port: skip a few bytes of junk to the first APDU that passes the strict checks.
  const max = Math.min(len, LEADING_JUNK + 1);
  for (let i = 1; i < max; i++) {
    if (d[off + i] !== 0x68) continue;
    const r = probeAt(d, off + i, len - i);
    if (r !== PROBE.NO) return r;
  }
  return len <= LEADING_JUNK ? PROBE.MAYBE : PROBE.NO;
}

/** The strict check of an APDU at d[off]. */
function probeAt(d: Uint8Array, off: number, len: number): ProbeResult {
  if (d[off] !== 0x68) return PROBE.NO;
  if (len < 2) return PROBE.MAYBE;
  if (d[off + 1] < CONTROL_LENGTH) return PROBE.NO;
  if (len < 2 + CONTROL_LENGTH) return PROBE.MAYBE;
  if (!plausibleHeader(d, off)) return PROBE.NO;
  const total = 2 + d[off + 1];
  if (len < total) return PROBE.MAYBE;
  parseApci(d, off, total, probeApci);
  if (probeApci.format === APCI_I && !plausibleAsdu(d, off + 2 + CONTROL_LENGTH, total - 2 - CONTROL_LENGTH)) return PROBE.NO;
  // A second APDU right behind the first must start with the start octet too.
  if (len > total && d[off + total] !== 0x68) return PROBE.NO;
  return PROBE.YES;
}

export const iec104: ProtocolDef = {
  id: 'iec104',
  tcpPorts: [2404],
  probe: probeIec104,
  create: (ctx) => new Iec104Session(ctx),
  records: { iec104: IEC104_FIELDS, iec104_object: IEC104_OBJECT_FIELDS },
  events: {
    bad_start: 'bytes skipped where an APDU should start (no 0x68 start octet or an impossible header)',
    bad_length: 'APDU length not as the frame format requires (S/U not 4, I without a data unit identifier, over 253)',
    bad_control: 'control field bits not as the frame format requires',
    unknown_u_func: 'U frame whose control octet is none of STARTDT/STOPDT/TESTFR act/con',
    length_mismatch: 'the ASDU\'s declared objects do not fill the APDU exactly',
    seq_gap: 'I frame send sequence number N(S) not the one expected after the previous I frame of that side',
    unknown_type_id: 'ASDU type identification the standard does not define (kept as data, objects not decoded)',
    too_many_objects: `ASDU with more information objects than are written out (the cap)`,
  },
};
