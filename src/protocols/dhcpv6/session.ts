// Per-flow DHCPv6: each datagram is one message (relays unwrapped by the parser); the session
// raises its problems as events, counts the flow (ctx.confirm(): multicast solicitations are
// one-way by nature), and hands the message to the engine's Dhcpv6Join (join.ts).
import { NameReader } from '../../dissect/dns-name.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import { isKnownMessageType } from './constants.ts';
import { MAX_TRANSACTIONS, type Dhcpv6Join } from './join.ts';
import { Dhcpv6Msg, MAX_RELAY_DEPTH, PROBLEM, parseDhcpv6 } from './parser.ts';

const REJECT_AFTER_BAD = 16;

export const DHCPV6_EVENTS = {
  truncated: 'a message shorter than its header, or an option header cut by the end of the datagram',
  bad_option: 'an option whose length runs past its container',
  bad_value: 'an option whose content does not fit its definition',
  relay_depth: `relay messages nested more than ${MAX_RELAY_DEPTH} deep: the inner ones are not read`,
  unknown_msg_type: 'a message type RFC 8415 and its extensions do not define: the message is not used',
  too_many_transactions: `more than ${MAX_TRANSACTIONS} transactions open at once: the oldest is written`,
} as const;

export class Dhcpv6Session implements Session {
  private readonly ctx: SessionContext;
  private readonly msg = new Dhcpv6Msg();
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
    if (!parseDhcpv6(d, off, len, m, this.names)) {
      ctx.event('truncated', `${len} bytes`, isOrig);
      return this.failed();
    }
    const p = m.problems;
    if ((p & PROBLEM.TRUNCATED) !== 0) ctx.event('truncated', m.detailOf(PROBLEM.TRUNCATED), isOrig);
    if ((p & PROBLEM.BAD_OPTION) !== 0) ctx.event('bad_option', m.detailOf(PROBLEM.BAD_OPTION), isOrig);
    if ((p & PROBLEM.BAD_VALUE) !== 0) ctx.event('bad_value', m.detailOf(PROBLEM.BAD_VALUE), isOrig);
    if ((p & PROBLEM.RELAY_DEPTH) !== 0) ctx.event('relay_depth', m.detailOf(PROBLEM.RELAY_DEPTH), isOrig);
    if (!isKnownMessageType(m.msgType)) {
      ctx.event('unknown_msg_type', `message type ${m.msgType}`, isOrig);
      return this.failed();
    }
    if (m.xid < 0) return;
    this.good++;
    ctx.confirm();
    const f = ctx.flow;
    (ctx.shared as Dhcpv6Join).add(ctx.ts, f.uid, isOrig ? f.origH : f.respH, m);
  }

  private failed(): void {
    if (++this.bad > REJECT_AFTER_BAD && this.good === 0) {
      this.rejected = true;
      this.ctx.reject('no valid DHCPv6 message');
    }
  }

  gap(): void {
    // UDP only.
  }

  end(): void {
    // The join writes the transactions.
  }
}
