// OPC UA binary over TCP (UA Connection Protocol and UA Secure Conversation; TCP 4840 by
// convention, any port in practice). Detected by content: a message header whose type,
// chunk type and size are valid, and for HEL/ACK/ERR exactly the layout the protocol fixes;
// a capture that starts mid-connection is recognised by a secure message whose body decodes
// as a known service call (or, on port 4840, by a valid secure message header).
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { HEADER_LENGTH, MESSAGE_TYPES, MSG_ACK, MSG_CLO, MSG_ERR, MSG_HEL, MSG_MSG, MSG_RHE, SERVICES } from './constants.ts';
import { OPCUA_FIELDS } from './records.ts';
import { OpcuaSession, headerSize } from './session.ts';

const LETTERS = [...MESSAGE_TYPES.values()];

function u32(d: Uint8Array, off: number): number {
  return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
}

/** An OPC UA String at d[off] of which the message holds `room` bytes: its total encoded length, -1 if impossible. */
function stringLength(d: Uint8Array, off: number, room: number): number {
  if (room < 4) return -1;
  const n = u32(d, off) | 0;
  if (n === -1) return 4;
  return n >= 0 && n <= room - 4 ? 4 + n : -1;
}

/** Whether the first n (≤ 3) bytes at d[off] begin a known message type. */
function typePrefix(d: Uint8Array, off: number, n: number): boolean {
  for (const l of LETTERS) {
    let i = 0;
    while (i < n && l.charCodeAt(i) === d[off + i]) i++;
    if (i === n) return true;
  }
  return false;
}

export function probeOpcua(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (!typePrefix(d, off, Math.min(len, 3))) return PROBE.NO;
  if (len < HEADER_LENGTH) return PROBE.MAYBE;
  const size = headerSize(d, off, true);
  if (size < 0) return PROBE.NO;
  const type = d[off] | (d[off + 1] << 8) | (d[off + 2] << 16);
  if (type === MSG_ACK) return size === 28 ? PROBE.YES : PROBE.NO;
  if (type === MSG_HEL || type === MSG_ERR || type === MSG_RHE) {
    if (len < size) return PROBE.MAYBE;
    // The fixed fields, then the string(s) must end exactly where the message does.
    let p = off + (type === MSG_HEL ? 28 : type === MSG_ERR ? 12 : 8);
    const end = off + size;
    const n = stringLength(d, p, end - p);
    if (n < 0) return PROBE.NO;
    p += n;
    if (type === MSG_RHE) {
      const m = stringLength(d, p, end - p);
      if (m < 0) return PROBE.NO;
      p += m;
    }
    return p === end ? PROBE.YES : PROBE.NO;
  }
  // OPN, MSG, CLO: a capture that starts inside a connection.
  if (hint.portMatch) return PROBE.YES;
  // Elsewhere: an unencrypted first chunk whose type id is a known service (MSG/CLO: after token id, sequence header).
  if ((type !== MSG_MSG && type !== MSG_CLO) || size < 28) return PROBE.NO;
  if (len < 28) return PROBE.MAYBE;
  const p = off + 24;
  if (d[p] === 0x01 && d[p + 1] === 0) return SERVICES.has(d[p + 2] | (d[p + 3] << 8)) ? PROBE.YES : PROBE.NO;
  return PROBE.NO;
}

export const opcua: ProtocolDef = {
  id: 'opcua',
  tcpPorts: [4840],
  probe: probeOpcua,
  create: (ctx) => new OpcuaSession(ctx),
  records: { opcua: OPCUA_FIELDS },
  events: {
    bad_header: 'bytes skipped where a message header should be (unknown message type, chunk type or size)',
    bad_body: 'a message shorter than the fields its type and service require',
    bad_hello: 'HEL or ACK with a buffer size below the 8192 bytes the protocol requires',
    chunk_too_large: 'a message chunk larger than the receiving side\'s buffer negotiated in HEL/ACK',
    too_many_pending: 'more requests waiting for a response than are kept (the oldest is written unanswered)',
  },
};
