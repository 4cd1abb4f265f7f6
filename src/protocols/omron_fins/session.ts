// OMRON FINS state for one connection: UDP datagrams are FINS frames; TCP carries FINS/TCP
// messages (framed by their length field) whose "FINS frame send" command holds a FINS
// frame. One `omron_fins` record per message; a response gets the time since the command
// with the same SID from the other side (rtt).
import { StreamFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import {
  COMMANDS, END_CODES, FINS_TCP_HEADER_LEN, ICF_GATEWAY, ICF_NO_RESPONSE, ICF_RESPONSE, MEMORY_AREAS, RUN_MODES, TCP_COMMANDS,
  TCP_ERRORS, TCP_FRAME_SEND, nameOf,
} from './constants.ts';
import { FINS_BAD_HEADER, FINS_BAD_PARAMETERS, FINS_TRUNCATED, FinsTcp, type FinsFrame, parseFins, parseTcpHeader, tcpMessageLength } from './parser.ts';

export class OmronFinsSession implements Session {
  private readonly ctx: SessionContext;
  private readonly transport: Transport;
  private readonly framer: StreamFramer | null;
  private readonly tcp = new FinsTcp();
  /** Command times by direction and SID: at most 2 x 256 entries, so bounded by construction. */
  private readonly pending = new Map<number, number>();

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.transport = transport;
    this.framer =
      transport === 'tcp'
        ? new StreamFramer({
            pduLength: tcpMessageLength,
            pdu: (isOrig, d, off, len) => this.tcpMessage(isOrig, d, off, len),
            skipped: (isOrig, n, afterGap) => this.ctx.event('resync', `${n} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig),
          })
        : null;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) this.framer.data(isOrig, d, off, len);
    else this.frame(isOrig, d, off, len, null);
  }

  gap(isOrig: boolean, len: number): void {
    this.framer?.gap(isOrig, len);
  }

  end(): void {
    this.pending.clear();
  }

  private tcpMessage(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (len < FINS_TCP_HEADER_LEN) {
      this.ctx.event('truncated', `FINS/TCP message of ${len} bytes`, isOrig);
      return;
    }
    const h = this.tcp;
    parseTcpHeader(d, off, len, h);
    if (h.errorCode !== 0) this.ctx.event('tcp_error', `FINS/TCP error ${h.errorCode}: ${nameOf(TCP_ERRORS, h.errorCode)}`, isOrig);
    if (h.command === TCP_FRAME_SEND && len > FINS_TCP_HEADER_LEN) {
      this.frame(isOrig, d, off + FINS_TCP_HEADER_LEN, len - FINS_TCP_HEADER_LEN, h);
      return;
    }
    if (TCP_COMMANDS[h.command] !== undefined) this.ctx.valid(isOrig);
    this.write(isOrig, null, h, undefined);
  }

  private frame(isOrig: boolean, d: Uint8Array, off: number, len: number, h: FinsTcp | null): void {
    const f = parseFins(d, off, len);
    if (f.problem === FINS_TRUNCATED) {
      this.ctx.event('truncated', f.detail, isOrig);
      return;
    }
    if (f.problem === FINS_BAD_HEADER) this.ctx.event('bad_header', f.detail, isOrig);
    else if (f.problem === FINS_BAD_PARAMETERS) this.ctx.event('bad_parameters', f.detail, isOrig);
    else this.ctx.valid(isOrig);
    let rtt: number | undefined;
    const ts = this.ctx.ts;
    if ((f.icf & ICF_RESPONSE) === 0) {
      if ((f.icf & ICF_NO_RESPONSE) === 0) {
        this.pending.set((isOrig ? 0 : 256) + f.sid, ts);
      }
    } else {
      const k = (isOrig ? 256 : 0) + f.sid;
      const t0 = this.pending.get(k);
      if (t0 !== undefined) {
        this.pending.delete(k);
        rtt = ts - t0;
      }
    }
    this.write(isOrig, f, h, rtt);
  }

  private write(isOrig: boolean, f: FinsFrame | null, h: FinsTcp | null, rtt: number | undefined): void {
    const ec = f !== null ? f.endCode : -1;
    const r: Record<string, unknown> = {
      proto: this.transport,
      is_orig: isOrig,
      tcp_command: h !== null ? nameOf(TCP_COMMANDS, h.command) : undefined,
      tcp_command_code: h !== null ? h.command : undefined,
      tcp_error: h !== null ? nameOf(TCP_ERRORS, h.errorCode) : undefined,
      tcp_error_code: h !== null ? h.errorCode : undefined,
      client_node_address: h !== null && h.clientNode >= 0 ? h.clientNode : undefined,
      server_node_address: h !== null && h.serverNode >= 0 ? h.serverNode : undefined,
      icf_gateway: f !== null ? (f.icf & ICF_GATEWAY ? 'Use Gateway' : "Don't Use Gateway") : undefined,
      icf_data_type: f !== null ? (f.icf & ICF_RESPONSE ? 'Response' : 'Command') : undefined,
      icf_response_setting: f !== null ? (f.icf & ICF_NO_RESPONSE ? 'Response Not Required' : 'Response Required') : undefined,
      icf: f?.icf,
      gateway_count: f?.gct,
      destination_network_address: f?.dna,
      destination_node_number: f?.da1,
      destination_unit_address: f?.da2,
      source_network_address: f?.sna,
      source_node_number: f?.sa1,
      source_unit_address: f?.sa2,
      service_id: f?.sid,
      command_code: f !== null ? nameOf(COMMANDS, f.command) : undefined,
      command_code_code: f?.command,
      mrc: f !== null ? f.command >> 8 : undefined,
      src: f !== null ? f.command & 0xff : undefined,
      response_code: ec >= 0 ? nameOf(END_CODES, ec & 0x7f3f) : undefined,
      response_code_code: ec >= 0 ? ec : undefined,
      relay_error: ec >= 0 ? (ec & 0x8000) !== 0 : undefined,
      fatal_error: ec >= 0 ? (ec & 0x0080) !== 0 : undefined,
      non_fatal_error: ec >= 0 ? (ec & 0x0040) !== 0 : undefined,
      memory_area_code: f !== null && f.memoryArea >= 0 ? nameOf(MEMORY_AREAS, f.memoryArea) : undefined,
      memory_area_code_code: f !== null && f.memoryArea >= 0 ? f.memoryArea : undefined,
      beginning_address: f !== null && f.address >= 0 ? f.address : undefined,
      beginning_address_bit: f !== null && f.bit >= 0 ? f.bit : undefined,
      number_of_items: f !== null && f.items >= 0 ? f.items : undefined,
      program_number: f !== null && f.programNumber >= 0 ? f.programNumber : undefined,
      run_mode: f !== null && f.runMode >= 0 ? nameOf(RUN_MODES, f.runMode) : undefined,
      run_mode_code: f !== null && f.runMode >= 0 ? f.runMode : undefined,
      controller_model: f !== null && f.model !== '' ? f.model : undefined,
      controller_version: f !== null && f.version !== '' ? f.version : undefined,
      data: f !== null && f.data !== '' ? f.data : undefined,
      rtt,
    };
    this.ctx.record('omron_fins', r);
  }
}
