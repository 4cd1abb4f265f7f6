// Per-flow DHCP: each datagram is one message; the session parses it, raises its problems as
// events, counts the flow as DHCP (broadcasts are one-way by nature: ctx.confirm()), and hands
// the message to the engine's DhcpJoin (join.ts), which writes the transaction records.
import { NameReader } from '../../dissect/dns-name.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import { BOOTREPLY, BOOTREQUEST, isKnownMessageType } from './constants.ts';
import { MAX_TRANSACTIONS, type DhcpJoin } from './join.ts';
import { DhcpMsg, PROBLEM, parseDhcp } from './parser.ts';

/** Datagrams that are not DHCP, without a good one on the flow, after which the flow is not DHCP. */
const REJECT_AFTER_BAD = 16;

export const DHCP_EVENTS = {
  truncated: 'a datagram shorter than the 236-byte BOOTP header',
  bad_op: 'an op other than BOOTREQUEST (1) or BOOTREPLY (2): the message is not used',
  bad_hlen: 'a hardware address length over 16 (the chaddr field)',
  bad_option: 'an option whose length runs past its field, or an options field without an end option',
  bad_value: 'an option whose content does not fit its definition (an address option not 4 bytes…)',
  unknown_msg_type: 'a DHCP message type (option 53) no RFC defines',
  too_many_transactions: `more than ${MAX_TRANSACTIONS} transactions open at once: the oldest is written`,
} as const;

export class DhcpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly msg = new DhcpMsg();
  private readonly names = new NameReader();
  private good = 0;
  private bad = 0;
  private rejected = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    const m = this.msg;
    const ctx = this.ctx;
    if (!parseDhcp(d, off, len, m, this.names)) {
      ctx.event('truncated', m.detail, isOrig);
      return this.failed();
    }
    if (m.op !== BOOTREQUEST && m.op !== BOOTREPLY) {
      ctx.event('bad_op', `op ${m.op}`, isOrig);
      return this.failed();
    }
    const p = m.problems;
    if ((p & PROBLEM.BAD_HLEN) !== 0) ctx.event('bad_hlen', m.detailOf(PROBLEM.BAD_HLEN), isOrig);
    if ((p & PROBLEM.BAD_OPTION) !== 0) ctx.event('bad_option', m.detailOf(PROBLEM.BAD_OPTION), isOrig);
    if ((p & PROBLEM.BAD_VALUE) !== 0) ctx.event('bad_value', m.detailOf(PROBLEM.BAD_VALUE), isOrig);
    if (m.msgType >= 0 && !isKnownMessageType(m.msgType)) ctx.event('unknown_msg_type', `message type ${m.msgType}`, isOrig);
    this.good++;
    ctx.confirm();
    const f = ctx.flow;
    (ctx.shared as DhcpJoin).add(ctx.ts, f.uid, isOrig ? f.origH : f.respH, m);
  }

  private failed(): void {
    if (++this.bad > REJECT_AFTER_BAD && this.good === 0) {
      this.rejected = true;
      this.ctx.reject('no valid DHCP message');
    }
  }

  gap(): void {
    // UDP only.
  }

  end(): void {
    // The join writes the transactions (at their expiry, or at the end of input).
  }
}
