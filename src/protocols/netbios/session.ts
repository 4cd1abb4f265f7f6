// Per-flow NetBIOS state: name service messages paired by transaction id, datagram service
// messages one record each, the pending-request cap, the `netbios` records.
//
// Pairing: a unicast request (to a WINS server, or a node status query) waits for the
// response with its transaction id. A broadcast request (B flag) is written at once: its
// answers, if any, come from other hosts in other flows. A response nobody asked for is
// written alone (normal for answers to broadcasts). A WACK (wait for acknowledgement) is
// written alone and leaves the request waiting for its real response.
import { NameReader } from '../../dissect/dns-name.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  DGM_ERROR, DGM_NEGATIVE_QUERY_RESPONSE, NB_FLAG_GROUP, NBDGM_PORT, NBNS_PORT, NS_FLAG_AA, NS_FLAG_B, NS_FLAG_RA, NS_FLAG_RD,
  NS_FLAG_TC, OPCODE_WACK, browserCommandName, dgmErrorName, dgmNodeTypeName, dgmTypeName, isKnownOpcode, nodeTypeName, opcodeName,
  rcodeName, rrTypeName, serverTypeNames, suffixName,
} from './constants.ts';
import { DgmMsg, MAX_ENTRIES, NbnsMsg, PROBLEM, parseDgm, parseNbns } from './parser.ts';
import { RECORD_NETBIOS } from './records.ts';
import { looksLikeDgm, looksLikeNbns } from './probe.ts';

/** Unicast requests waiting for a response, per flow. */
export const MAX_PENDING = 100;
/** Messages that fail to parse, without a good one on the flow, after which the flow is not NetBIOS. */
const REJECT_AFTER_BAD = 16;

export const NETBIOS_EVENTS = {
  truncated: 'a message shorter than its counts or lengths say (what was read is kept)',
  bad_name: 'a name that is not a first-level encoded NetBIOS name, or a bad compression pointer around it',
  bad_rdata: 'record data that does not fit its type (NB entries of 6 bytes, a node status list)',
  too_many_entries: `more than ${MAX_ENTRIES} addresses or names in a record: the rest are not recorded`,
  bad_length: 'a datagram whose DGM_LENGTH does not match its bytes',
  fragment: 'a fragment of a datagram (more fragments follow, or not the first): its user data is not decoded',
  unknown_opcode: 'a name service opcode RFC 1002 does not define',
  unknown_msg_type: 'a datagram service message type RFC 1002 does not define',
  response_without_request: 'a name service response whose transaction id matches none of the requests waiting on its flow',
  flooded: `more than ${MAX_PENDING} requests waiting for a response on one flow: the oldest is written unanswered`,
  short_message: 'a datagram shorter than the name service (12) or datagram service (10) header',
} as const;

/** A unicast request waiting for its response: what its record needs. */
class NsRequest {
  readonly ts: number;
  readonly id: number;
  readonly flags: number;
  readonly opcode: number;
  readonly name: string | undefined;
  readonly suffix: number;
  readonly scope: string;
  readonly qtype: number;
  readonly qclass: number;
  readonly nbFlags: number;
  readonly addrs: string[] | null;
  readonly ttl: number;

  constructor(ts: number, m: NbnsMsg) {
    this.ts = ts;
    this.id = m.id;
    this.flags = m.flags;
    this.opcode = m.opcode;
    this.name = m.hasName ? m.name.text : undefined;
    this.suffix = m.name.suffix;
    this.scope = m.name.scope;
    this.qtype = m.qtype;
    this.qclass = m.qclass;
    this.nbFlags = m.nbFlags;
    this.addrs = m.addrs;
    this.ttl = m.rrTtl;
  }
}

export class NetbiosSession implements Session {
  private readonly ctx: SessionContext;
  /** 'name' or 'datagram'; '' until the first message tells (a flow found by content on other ports). */
  private kind: '' | 'name' | 'datagram';
  private readonly pending: NsRequest[] = [];
  private readonly ns = new NbnsMsg();
  private readonly dgm = new DgmMsg();
  private readonly names = new NameReader();
  private good = 0;
  private bad = 0;
  private rejected = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    const f = ctx.flow;
    this.kind = f.respP === NBDGM_PORT || f.origP === NBDGM_PORT ? 'datagram' : f.respP === NBNS_PORT || f.origP === NBNS_PORT ? 'name' : '';
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    if (this.kind === '') {
      if (looksLikeNbns(d, off, len)) this.kind = 'name';
      else if (looksLikeDgm(d, off, len, false)) this.kind = 'datagram';
      else return this.failed();
    }
    if (this.kind === 'name') this.nameMessage(isOrig, d, off, len);
    else this.datagram(isOrig, d, off, len);
  }

  gap(): void {
    // UDP only.
  }

  end(): void {
    for (const q of this.pending) this.writeName(q, null, 0);
    this.pending.length = 0;
  }

  private failed(): void {
    if (++this.bad > REJECT_AFTER_BAD && this.good === 0) {
      this.rejected = true;
      this.ctx.reject('no valid NetBIOS message');
    }
  }

  private ok(): void {
    this.good++;
    // Broadcasts and answers to them are one-way by nature: a well-formed message counts.
    this.ctx.confirm();
  }

  private report(isOrig: boolean, m: NbnsMsg | DgmMsg): void {
    const problems = m.problems;
    if (problems === 0) return;
    const c = this.ctx;
    if ((problems & PROBLEM.TRUNCATED) !== 0) c.event('truncated', m.detailOf(PROBLEM.TRUNCATED), isOrig);
    if ((problems & PROBLEM.BAD_NAME) !== 0) c.event('bad_name', m.detailOf(PROBLEM.BAD_NAME), isOrig);
    if ((problems & PROBLEM.BAD_RDATA) !== 0) c.event('bad_rdata', m.detailOf(PROBLEM.BAD_RDATA), isOrig);
    if ((problems & PROBLEM.TOO_MANY_ENTRIES) !== 0) c.event('too_many_entries', m.detailOf(PROBLEM.TOO_MANY_ENTRIES), isOrig);
    if ((problems & PROBLEM.BAD_LENGTH) !== 0) c.event('bad_length', m.detailOf(PROBLEM.BAD_LENGTH), isOrig);
    if ((problems & PROBLEM.FRAGMENT) !== 0) c.event('fragment', m.detailOf(PROBLEM.FRAGMENT), isOrig);
  }

  // ---- name service ----

  private nameMessage(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.ns;
    if (!parseNbns(d, off, len, m, this.names)) {
      this.ctx.event('short_message', `${len} bytes`, isOrig);
      return this.failed();
    }
    this.report(isOrig, m);
    if (!m.hasName) {
      this.failed();
      if ((m.problems & (PROBLEM.TRUNCATED | PROBLEM.BAD_NAME)) !== 0) return;
    } else this.ok();
    if (!isKnownOpcode(m.opcode)) this.ctx.event('unknown_opcode', `opcode ${m.opcode}`, isOrig);
    const ts = this.ctx.ts;
    if (!m.response) {
      const q = new NsRequest(ts, m);
      if ((m.flags & NS_FLAG_B) !== 0) {
        this.writeName(q, null, 0);
        return;
      }
      this.pending.push(q);
      if (this.pending.length > MAX_PENDING) {
        this.ctx.event('flooded', `${this.pending.length} requests waiting`, isOrig);
        this.writeName(this.pending.shift()!, null, 0);
      }
      return;
    }
    let q: NsRequest | null = null;
    if (m.opcode !== OPCODE_WACK) {
      const pending = this.pending;
      for (let i = 0; i < pending.length; i++) {
        if (pending[i].id !== m.id) continue;
        q = pending[i];
        pending.splice(i, 1);
        break;
      }
      // A response in a flow without waiting requests is the normal answer to a broadcast
      // (sent back in its own flow); one that matches none of the waiting requests is odd.
      if (q === null && this.pending.length > 0) this.ctx.event('response_without_request', `id ${m.id}`, isOrig);
    }
    this.writeName(q, m, ts);
  }

  private writeName(q: NsRequest | null, r: NbnsMsg | null, rts: number): void {
    const name = q?.name ?? (r !== null && r.hasName ? r.name.text : undefined);
    const suffix = q !== null && q.name !== undefined ? q.suffix : r !== null && r.hasName ? r.name.suffix : -1;
    const scope = q !== null && q.name !== undefined ? q.scope : r !== null ? r.name.scope : '';
    const nbFlags = q !== null && q.nbFlags >= 0 ? q.nbFlags : r !== null ? r.nbFlags : -1;
    const group = nbFlags >= 0 ? (nbFlags & NB_FLAG_GROUP) !== 0 : undefined;
    const qtype = q !== null && q.qtype >= 0 ? q.qtype : r !== null ? (r.qtype >= 0 ? r.qtype : r.rrType) : -1;
    const qclass = q !== null && q.qclass >= 0 ? q.qclass : r !== null ? r.qclass : -1;
    const first = q !== null ? q.flags : r!.flags;
    const rflags = r !== null ? r.flags : 0;
    const opcode = q !== null ? q.opcode : r!.opcode;
    const ttl = r !== null && r.rrTtl >= 0 ? r.rrTtl : q !== null && q.ttl >= 0 ? q.ttl : -1;
    this.ctx.record(
      RECORD_NETBIOS,
      {
        nb_service: 'name',
        trans_id: q !== null ? q.id : r!.id,
        rtt: q !== null && r !== null && rts - q.ts > 0 ? rts - q.ts : undefined,
        opcode,
        opcode_name: opcodeName(opcode),
        name,
        name_suffix: suffix >= 0 ? suffix : undefined,
        name_type: suffix >= 0 ? suffixName(suffix, group) : undefined,
        scope: scope !== '' ? scope : undefined,
        qtype: qtype >= 0 ? qtype : undefined,
        qtype_name: qtype >= 0 ? rrTypeName(qtype) : undefined,
        qclass: qclass >= 0 ? qclass : undefined,
        rcode: r !== null ? r.rcode : undefined,
        rcode_name: r !== null ? rcodeName(r.rcode) : undefined,
        AA: (rflags & NS_FLAG_AA) !== 0,
        TC: ((first | rflags) & NS_FLAG_TC) !== 0,
        RD: (first & NS_FLAG_RD) !== 0,
        RA: (rflags & NS_FLAG_RA) !== 0,
        broadcast: (first & NS_FLAG_B) !== 0,
        group,
        node_type: nbFlags >= 0 ? nodeTypeName(nbFlags) : undefined,
        request_addrs: q?.addrs ?? undefined,
        answers: r !== null ? (r.addrs ?? r.statNames ?? undefined) : undefined,
        ttl: ttl >= 0 ? ttl : undefined,
        unit_id: r?.unitId,
        request_seen: q !== null,
        response_seen: r !== null,
      },
      q !== null ? q.ts : rts,
    );
  }

  // ---- datagram service ----

  private datagram(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.dgm;
    if (!parseDgm(d, off, len, m, this.names)) {
      this.ctx.event('short_message', `${len} bytes`, isOrig);
      return this.failed();
    }
    this.report(isOrig, m);
    const known = m.type >= 0x10 && m.type <= DGM_NEGATIVE_QUERY_RESPONSE;
    if (!known) {
      this.ctx.event('unknown_msg_type', `message type ${m.type}`, isOrig);
      return this.failed();
    }
    if ((m.problems & (PROBLEM.TRUNCATED | PROBLEM.BAD_NAME)) !== 0 && !m.hasDestination && m.type !== DGM_ERROR) this.failed();
    else this.ok();
    const announce = m.osMajor >= 0;
    this.ctx.record(RECORD_NETBIOS, {
      nb_service: 'datagram',
      msg_type: dgmTypeName(m.type),
      msg_type_code: m.type,
      dgm_id: m.id,
      source_addr: m.srcIp,
      source_port: m.srcPort,
      source_node_type: dgmNodeTypeName(m.flags),
      source_name: m.hasSource ? m.source.text : undefined,
      source_suffix: m.hasSource ? m.source.suffix : undefined,
      destination_name: m.hasDestination ? m.destination.text : undefined,
      destination_suffix: m.hasDestination ? m.destination.suffix : undefined,
      error_code: m.errorCode >= 0 ? m.errorCode : undefined,
      error_name: m.errorCode >= 0 ? dgmErrorName(m.errorCode) : undefined,
      mailslot: m.mailslot,
      browser_command: m.command >= 0 ? browserCommandName(m.command) : undefined,
      browser_command_code: m.command >= 0 ? m.command : undefined,
      server_name: m.serverName,
      os_version: announce ? `${m.osMajor}.${m.osMinor}` : undefined,
      server_type: announce ? m.serverType : undefined,
      server_type_names: announce ? serverTypeNames(m.serverType) : undefined,
      browser_version: announce ? `${m.browserMajor}.${m.browserMinor}` : undefined,
      comment: m.comment,
      announce_interval: m.periodicity >= 0 ? m.periodicity / 1000 : undefined,
      backup_servers: m.backupServers ?? undefined,
    });
  }
}
