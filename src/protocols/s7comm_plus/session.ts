// Per-connection S7comm-plus state: which side is in the middle of a fragmented message. One
// `s7comm_plus` record per message, written at its first fragment (the opcode and function
// are there); continuation fragments count as valid PDUs but add no record.
import type { Session, SessionContext } from '../../dissect/types.ts';
import { OPCODE_NOTIFICATION, functionName, hex2, hex4, isKnownOpcode, isKnownVersion, opcodeName } from './constants.ts';
import { S7pPdu, parseS7pPdu } from './parser.ts';
import type { S7commPlusRecord } from './records.ts';

export class S7commPlusSession implements Session {
  private readonly ctx: SessionContext;
  private readonly pdu = new S7pPdu();
  /** Per side: the last PDU had no trailer, the next one continues its message. */
  private readonly continues = [false, false];

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = isOrig ? 0 : 1;
    const p = this.pdu;
    const continuation = this.continues[s];
    if (!parseS7pPdu(d, off, len, continuation, p)) {
      if (len >= 1 && d[off] !== 0x72) this.ctx.event('bad_protocol_id', `protocol id 0x${d[off].toString(16)}`, isOrig);
      else this.ctx.event('bad_length', `PDU of ${len} bytes is shorter than its header`, isOrig);
      this.continues[s] = false;
      return;
    }
    if (p.truncated) this.ctx.event('bad_length', `data length ${p.dataLen} runs past the PDU of ${len} bytes`, isOrig);
    this.continues[s] = !p.keepAlive && !p.hasTrailer && !p.truncated;
    if (!isKnownVersion(p.version)) this.ctx.event('unknown_version', `version ${p.version}`, isOrig);
    if (!p.truncated) this.ctx.valid(isOrig);
    if (continuation && !p.keepAlive) return;
    if (p.badIntegrity) this.ctx.event('bad_integrity', 'V3 integrity part with a digest length other than 32', isOrig);
    if (p.opcode >= 0 && !isKnownOpcode(p.opcode)) this.ctx.event('unknown_opcode', `opcode 0x${p.opcode.toString(16)}`, isOrig);
    const f = this.ctx.flow;
    const hasFunction = p.functionCode >= 0 && p.opcode !== OPCODE_NOTIFICATION;
    const rec: S7commPlusRecord = {
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      version: p.version,
      opcode: p.opcode >= 0 ? hex2(p.opcode) : undefined,
      opcode_name: p.opcode >= 0 ? opcodeName(p.opcode) : undefined,
      function_code: hasFunction ? hex4(p.functionCode) : undefined,
      function_name: hasFunction ? functionName(p.functionCode) : undefined,
      sequence_number: p.seq >= 0 ? p.seq : undefined,
      session_id: p.sessionId >= 0 ? p.sessionId : undefined,
      data_length: p.keepAlive ? undefined : p.dataLen,
      fragmented: this.continues[s],
    };
    this.ctx.record('s7comm_plus', rec as unknown as Record<string, unknown>);
  }

  gap(isOrig: boolean, _len: number): void {
    // Whatever followed the gap starts a new message as far as we can tell.
    this.continues[isOrig ? 0 : 1] = false;
  }

  end(): void {}
}
