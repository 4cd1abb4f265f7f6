// TFTP (RFC 1350, options RFC 2347-2349): one `tftp` record per transfer, in the layout of
// the Zeek TFTP package's tftp.log, joining the request flow (port 69) and the data flow that
// the server opens from a new port. docs/protocols/tftp.md.
//
// Detection, request flows: on port 69, a complete RRQ/WRQ: opcode 1/2, a non-empty printable
// NUL-terminated file name, a mode of netascii/octet/mail, then only well-formed option pairs.
// Data flows (any ports): only towards or from a client port that a request of the last 60 s
// came from (transfers.ts), and only a packet that can open a transfer: DATA block 1, ACK
// block 0 or 1 of 4 bytes, an OACK with options, or an ERROR with a code 0-8. The data session
// then checks the addresses as well and rejects the flow when they do not match.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { MAX_BLKSIZE, OP_ACK, OP_DATA, OP_ERROR, OP_OACK, OP_RRQ, OP_WRQ, TFTP_PORT } from './constants.ts';
import { PROBLEM, TftpPacket, parseTftp } from './parser.ts';
import { RECORD_TFTP, TFTP_FIELDS } from './records.ts';
import { TFTP_EVENTS, TftpSession } from './session.ts';
import { portExpected } from './transfers.ts';

const pkt = new TftpPacket();

export function probeTftp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'udp' || len < 4 || d[off] !== 0) return PROBE.NO;
  const op = d[off + 1];
  if (op === OP_RRQ || op === OP_WRQ) {
    return hint.portMatch && parseTftp(d, off, len, pkt) === PROBLEM.NONE ? PROBE.YES : PROBE.NO;
  }
  if (op < OP_DATA || op > OP_OACK) return PROBE.NO;
  if (!portExpected(hint.dstPort) && !portExpected(hint.srcPort)) return PROBE.NO;
  const block = (d[off + 2] << 8) | d[off + 3];
  switch (op) {
    case OP_DATA:
      return block === 1 && len <= 4 + MAX_BLKSIZE ? PROBE.YES : PROBE.NO;
    case OP_ACK:
      return len === 4 && block <= 1 ? PROBE.YES : PROBE.NO;
    case OP_ERROR:
      return block <= 8 && parseTftp(d, off, len, pkt) === PROBLEM.NONE ? PROBE.YES : PROBE.NO;
    default:
      return parseTftp(d, off, len, pkt) === PROBLEM.NONE && pkt.options > 0 ? PROBE.YES : PROBE.NO;
  }
}

export const tftp: ProtocolDef = {
  id: 'tftp',
  udpPorts: [TFTP_PORT],
  probe: probeTftp,
  create(ctx: SessionContext) {
    return new TftpSession(ctx);
  },
  records: { [RECORD_TFTP]: TFTP_FIELDS },
  events: TFTP_EVENTS,
};
