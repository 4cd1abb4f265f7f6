// Per-flow PROFINET IO CM: each UDP datagram is one connectionless DCE/RPC packet. The
// session reads its header and writes ICSNPP's `profinet_io_cm` record for it; request and
// response bodies of the PNIO interfaces are reassembled when fragmented (fragments.ts),
// parsed (pnio.ts) and handed to the engine's call table (calls.ts), which pairs them across
// flows and writes the call records. The flow counts as PROFINET IO CM at the first valid
// packet naming a PNIO interface (its 16-byte UUID is the protocol's signature; requests and
// responses of one call often travel in different flows), else once valid packets came both
// ways.
import type { RecordFields, Session, SessionContext } from '../../dissect/types.ts';
import {
  FLAGS1, FLAGS2_CANCEL_PENDING, OPNUM, PTYPE, characterEncodingName, fackVersionName, floatingPointName,
  integerEncodingName, interfaceName, isPnioObject, ncaStatusName, operationName, packetTypeName,
} from './constants.ts';
import { CallId, CallSide, MAX_CALLS, type PnioCalls, type RecordSink } from './calls.ts';
import { ClHeader, FackBody, HEADER_PROBLEM, parseClHeader, parseFack, u32, uuidText } from './dcerpc.ts';
import { FRAG, Fragments, MAX_BODY, MAX_FRAGMENTS, MAX_REASSEMBLIES } from './fragments.ts';
import { MAX_BLOCKS, MAX_IOCRS, MAX_RECORDS, MAX_SUBMODULES, PnioPdu, parsePnio } from './pnio.ts';
import { RECORD_HEADER } from './records.ts';

/** Datagrams that are not DCE/RPC, without a good one on the flow, after which the flow is not PROFINET IO CM. */
const REJECT_AFTER_BAD = 16;

export const PROFINET_IO_CM_EVENTS = {
  bad_header: 'a datagram that is not a connectionless DCE/RPC packet (short, version not 4, packet type above 10, bad data representation), or whose body length runs past the datagram',
  short_body: 'a fack, fault or reject body shorter than its fixed fields',
  unknown_operation: 'an opnum the PNIO interfaces do not define (above 5): the call is recorded with operation unknown-<n>, its body not parsed',
  bad_ndr: 'a PNIO body shorter than its 20-byte NDR header, or whose ActualCount runs past the body',
  bad_block_length: 'a PNIO block whose BlockLength runs past its data or is too short for its fields, or whose lists or record data run past it',
  too_many_blocks: `more than ${MAX_BLOCKS} blocks in one PDU (cap): the rest is not parsed`,
  too_many_entries: `more than ${MAX_IOCRS} IOCRs, ${MAX_SUBMODULES} submodules or ${MAX_RECORDS} record headers in one PDU (cap): the rest are not recorded`,
  too_many_fragments: `fragment reassembly cap: more than ${MAX_FRAGMENTS} fragments or ${MAX_BODY} bytes in one body, or more than ${MAX_REASSEMBLIES} bodies in progress in a flow (the oldest is dropped)`,
  too_many_calls: `more than ${MAX_CALLS} calls open at once (cap): the oldest is written unanswered`,
} as const;

const HEADER_PROBLEM_TEXT: Readonly<Record<number, string>> = {
  [HEADER_PROBLEM.SHORT]: 'shorter than the 80-byte header',
  [HEADER_PROBLEM.VERSION]: 'RPC version is not 4',
  [HEADER_PROBLEM.PTYPE]: 'packet type above 10',
  [HEADER_PROBLEM.DREP]: 'data representation not defined',
};

export class ProfinetIoCmSession implements Session, RecordSink {
  private readonly ctx: SessionContext;
  private readonly h = new ClHeader();
  private readonly fack = new FackBody();
  private readonly frags = new Fragments();
  private good = 0;
  private bad = 0;
  private rejected = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  /** RecordSink: call records carry their own flow header (the request's flow). */
  write(type: string, fields: RecordFields): void {
    this.ctx.rawRecord(type, fields);
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    const ctx = this.ctx;
    const h = this.h;
    const p = parseClHeader(d, off, len, h);
    if (p !== HEADER_PROBLEM.NONE) {
      ctx.event('bad_header', `${HEADER_PROBLEM_TEXT[p]} (${len} bytes)`, isOrig);
      this.failed();
      return;
    }
    if (h.len > len - 80) ctx.event('bad_header', `body length ${h.len}, ${len - 80} bytes present`, isOrig);
    this.good++;
    ctx.valid(isOrig);
    if (h.pnio !== 0) ctx.confirm();
    const le = h.le;
    const objectUuid = uuidText(d, h.objOff, le);
    const interfaceUuid = uuidText(d, h.ifOff, le);
    const activity = uuidText(d, h.actOff, le);

    // The PNIO body this datagram completes.
    let pdu: PnioPdu | null = null;
    let fragments = 1;
    const call = h.ptype === PTYPE.REQUEST || h.ptype === PTYPE.RESPONSE;
    if (call && h.pnio !== 0) {
      const isResponse = h.ptype === PTYPE.RESPONSE;
      const known = h.opnum <= OPNUM.READ_IMPLICIT;
      if (!known && !isResponse) ctx.event('unknown_operation', `opnum ${h.opnum} on the PNIO ${interfaceName(h.pnio)} interface`, isOrig);
      let body: Uint8Array | null = d;
      let bodyOff = h.bodyOff;
      let bodyLen = h.bodyLen;
      if ((h.flags1 & FLAGS1.FRAG) !== 0) {
        const r = this.frags.add(`${activity}/${h.seq}/${h.ptype}`, h.fragnum, (h.flags1 & FLAGS1.LASTFRAG) !== 0, d, h.bodyOff, h.bodyLen);
        if (r === FRAG.CAPPED || this.frags.evicted) ctx.event('too_many_fragments', this.frags.detail, isOrig);
        if (r === FRAG.COMPLETE) {
          body = this.frags.body();
          bodyOff = 0;
          bodyLen = body.length;
          fragments = this.frags.fragments();
        } else {
          body = null;
        }
      }
      if (body !== null) {
        pdu = new PnioPdu();
        pdu.isResponse = isResponse;
        if (known) parsePnio(body, bodyOff, bodyLen, le, isResponse, pdu);
        for (const pr of pdu.problems) ctx.event(pr.name, pr.detail, isOrig);
      }
    }

    // Bodies of the other packet types.
    let faultStatus = -1;
    let fack = false;
    if (h.ptype === PTYPE.FACK && h.bodyLen > 0) {
      fack = parseFack(d, h.bodyOff, h.bodyLen, le, this.fack);
      if (!fack) ctx.event('short_body', `fack body of ${h.bodyLen} bytes`, isOrig);
    } else if (h.ptype === PTYPE.FAULT || h.ptype === PTYPE.REJECT) {
      if (h.bodyLen >= 4) faultStatus = u32(d, h.bodyOff, le);
      else ctx.event('short_body', `${packetTypeName(h.ptype)} body of ${h.bodyLen} bytes`, isOrig);
    }

    const f = ctx.flow;
    const fk = this.fack;
    ctx.record(RECORD_HEADER, {
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      proto: 'udp',
      rpc_version: h.version,
      packet_type: packetTypeName(h.ptype),
      reserved_for_impl_1: (h.flags1 & FLAGS1.RESERVED_80) !== 0,
      last_fragment: (h.flags1 & FLAGS1.LASTFRAG) !== 0,
      fragment: (h.flags1 & FLAGS1.FRAG) !== 0,
      no_fragment_requested: (h.flags1 & FLAGS1.NOFACK) !== 0,
      maybe: (h.flags1 & FLAGS1.MAYBE) !== 0,
      idempotent: (h.flags1 & FLAGS1.IDEMPOTENT) !== 0,
      broadcast: (h.flags1 & FLAGS1.BROADCAST) !== 0,
      reserved_for_impl_2: (h.flags1 & FLAGS1.RESERVED_01) !== 0,
      cancel_was_pending_at_call_end: (h.flags2 & FLAGS2_CANCEL_PENDING) !== 0,
      integer_encoding: integerEncodingName(h.intRep),
      character_encoding: characterEncodingName(h.charRep),
      floating_point_encoding: floatingPointName(h.floatRep),
      serial_high: h.serialHi,
      object_uuid: objectUuid,
      interface_uuid: interfaceUuid,
      activity_uuid: activity,
      server_boot_time: h.serverBoot,
      interface_vers_major: h.ifVers & 0xffff,
      interface_vers_minor: h.ifVers >>> 16,
      sequence_num: h.seq,
      operation_num: operationName(h.opnum),
      interface_hint: h.ihint,
      activity_hint: h.ahint,
      len_of_body: h.len,
      fragment_num: h.fragnum,
      auth_protocol: h.authProto,
      serial_low: h.serialLo,
      vers_fack: fack ? fackVersionName(fk.vers) : undefined,
      window_size: fack ? fk.windowSize : undefined,
      max_tsdu: fack ? fk.maxTsdu : undefined,
      max_frag_size: fack ? fk.maxFragSize : undefined,
      serial_number: fack ? fk.serialNum : undefined,
      sel_ack_len: fack ? fk.selackLen : undefined,
      array_of_sel_ack: fack ? fk.selack.slice() : undefined,
      is_orig: isOrig,
      packet_type_code: h.ptype,
      operation_num_code: h.opnum,
      pnio_interface: interfaceName(h.pnio),
      fault_status: faultStatus >= 0 ? faultStatus : undefined,
      fault_status_name: faultStatus >= 0 ? ncaStatusName(faultStatus) : undefined,
      pnio_block_types: pdu !== null && pdu.blockTypes.length > 0 ? pdu.blockTypes : undefined,
      pnio_indexes: pdu !== null && pdu.indexes.length > 0 ? pdu.indexes : undefined,
      pnio_control_command: pdu !== null && pdu.controlCommand >= 0 ? pdu.controlCommand : undefined,
    });

    if (h.pnio === 0) return;
    const calls = ctx.shared as PnioCalls;
    const pnioObject = isPnioObject(d, h.objOff, le);
    const o = h.objOff;
    if (pdu !== null || h.ptype === PTYPE.FAULT || h.ptype === PTYPE.REJECT) {
      const id = new CallId(
        h.pnio, interfaceUuid, objectUuid,
        pnioObject ? (d[o + 14] << 8) | d[o + 15] : -1,
        pnioObject ? (d[o + 12] << 8) | d[o + 13] : -1,
        pnioObject ? (d[o + 10] << 8) | d[o + 11] : -1,
        activity, h.seq, h.opnum,
      );
      if (pdu === null) calls.fault(id, f, h.ptype, faultStatus, ctx.ts, this);
      else if (h.ptype === PTYPE.REQUEST) {
        if (!calls.request(id, new CallSide(ctx.ts, f, isOrig, pdu, fragments), this)) ctx.event('too_many_calls', `more than ${MAX_CALLS} calls open`, isOrig);
      } else calls.response(id, new CallSide(ctx.ts, f, isOrig, pdu, fragments), this);
    }
  }

  gap(_isOrig: boolean, _len: number): void {
    // UDP: no gaps.
  }

  end(): void {
    // Open calls are written by the call table at the end of input (they may be answered in another flow).
  }

  private failed(): void {
    if (++this.bad > REJECT_AFTER_BAD && this.good === 0) {
      this.rejected = true;
      this.ctx.reject('no connectionless DCE/RPC packet');
    }
  }
}
