// Joining a DHCPv6 transaction's messages across flows: the client sends from its link-local
// address to ff02::1:2 port 547, servers answer to the client's address port 546, so one
// transaction spans several flows. The protocol's shared state (one per engine): sessions
// hand it their messages; it keeps one transaction per transaction id and writes its record
// with the timing Zeek's DHCP script uses for DHCPv4 (see src/protocols/dhcp/join.ts): at the
// first check (10 s after the first message, then every 5 s) at which no message came for
// 5 s or the transaction is older than 30 s; at 10 flows or 50 messages; at the end of input.
import type { L2Context, SharedState } from '../../dissect/types.ts';
import { duidTypeName, isServerMessage, messageTypeName, statusName } from './constants.ts';
import type { Dhcpv6Msg } from './parser.ts';
import { RECORD_DHCPV6 } from './records.ts';

const WATCH_TIME = 30;
const IDLE_TIME = 5;
const FIRST_CHECK = 10;
const CHECK_EVERY = 5;
const MAX_UIDS = 10;
const MAX_MSG_TYPES = 50;
/** Transactions open at once (per engine); beyond, the oldest is written. */
export const MAX_TRANSACTIONS = 1000;

class Txn {
  readonly ts: number;
  readonly xid: number;
  last: number;
  nextCheck: number;
  readonly uids: string[] = [];
  readonly msgTypes: string[] = [];
  readonly msgOrig: string[] = [];
  clientAddr: string | undefined = undefined;
  serverAddr: string | undefined = undefined;
  mac: string | undefined = undefined;
  fqdn: string | undefined = undefined;
  domainList: string[] | undefined = undefined;
  oro: string | undefined = undefined;
  addrs: string[] | undefined = undefined;
  prefixes: string[] | undefined = undefined;
  lease = -1;
  clientSoftware: string | undefined = undefined;
  serverSoftware: string | undefined = undefined;
  clientDuid: string | undefined = undefined;
  clientDuidType = -1;
  serverDuid: string | undefined = undefined;
  enterprise = -1;
  userClass: string | undefined = undefined;
  dnsServers: string[] | undefined = undefined;
  statusCode = -1;
  statusMessage: string | undefined = undefined;
  relay: string | undefined = undefined;

  constructor(ts: number, xid: number) {
    this.ts = ts;
    this.xid = xid;
    this.last = ts;
    this.nextCheck = ts + FIRST_CHECK;
  }
}

export class Dhcpv6Join implements SharedState {
  private readonly ctx: L2Context;
  private readonly txns = new Map<number, Txn>();
  private nextSweep = Infinity;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  add(ts: number, uid: string, src: string, m: Dhcpv6Msg): void {
    this.sweep(ts);
    let t = this.txns.get(m.xid);
    if (t === undefined) {
      if (this.txns.size >= MAX_TRANSACTIONS) {
        this.ctx.event('too_many_transactions', `${this.txns.size} transactions open`);
        this.write(this.txns.values().next().value!);
      }
      t = new Txn(ts, m.xid);
      this.txns.set(m.xid, t);
      if (t.nextCheck < this.nextSweep) this.nextSweep = t.nextCheck;
    }
    t.last = ts;
    if (!t.uids.includes(uid)) t.uids.push(uid);
    t.msgTypes.push(messageTypeName(m.msgType));
    t.msgOrig.push(src);
    if (m.relayLink !== undefined && m.relayLink !== '::') t.relay = m.relayLink;
    if (m.clientDuid !== undefined) {
      t.clientDuid = m.clientDuid;
      t.clientDuidType = m.clientDuidType;
      if (m.clientMac !== undefined) t.mac = m.clientMac;
    }
    if (m.serverDuid !== undefined) t.serverDuid = m.serverDuid;
    if (isServerMessage(m.msgType)) {
      if (m.outerType === m.msgType) t.serverAddr = src;
      if (m.addrs !== null) t.addrs = m.addrs;
      if (m.prefixes !== null) t.prefixes = m.prefixes;
      if (m.validLifetime >= 0) t.lease = m.validLifetime;
      if (m.vendorClass !== undefined) t.serverSoftware = m.vendorClass;
      if (m.domainList !== null) t.domainList = m.domainList;
      if (m.dnsServers !== null) t.dnsServers = m.dnsServers;
      if (m.statusCode >= 0) {
        t.statusCode = m.statusCode;
        t.statusMessage = m.statusMessage;
      }
    } else {
      if (m.outerType === m.msgType) t.clientAddr = src;
      if (m.fqdn !== undefined) t.fqdn = m.fqdn;
      if (m.oro !== undefined) t.oro = m.oro;
      if (m.vendorClass !== undefined) {
        t.clientSoftware = m.vendorClass;
        t.enterprise = m.vendorEnterprise;
      }
      if (m.userClass !== undefined) t.userClass = m.userClass;
    }
    if (t.uids.length >= MAX_UIDS || t.msgTypes.length >= MAX_MSG_TYPES) this.write(t);
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    let next = Infinity;
    for (const t of this.txns.values()) {
      let done = false;
      while (t.nextCheck <= now) {
        if (t.nextCheck - t.last > IDLE_TIME || t.nextCheck - t.ts > WATCH_TIME) {
          this.write(t);
          done = true;
          break;
        }
        t.nextCheck += CHECK_EVERY;
      }
      if (!done && t.nextCheck < next) next = t.nextCheck;
    }
    this.nextSweep = next;
  }

  end(): void {
    for (const t of [...this.txns.values()]) this.write(t);
    this.nextSweep = Infinity;
  }

  private write(t: Txn): void {
    this.txns.delete(t.xid);
    this.ctx.record(RECORD_DHCPV6, {
      ts: t.ts,
      uids: t.uids,
      client_addr: t.clientAddr,
      server_addr: t.serverAddr,
      mac: t.mac,
      client_fqdn: t.fqdn,
      domain_list: t.domainList,
      requested_options: t.oro,
      assigned_addrs: t.addrs,
      assigned_prefixes: t.prefixes,
      lease_time: t.lease >= 0 ? t.lease : undefined,
      msg_types: t.msgTypes,
      duration: t.last - t.ts,
      msg_orig: t.msgOrig,
      client_software: t.clientSoftware,
      server_software: t.serverSoftware,
      xid: t.xid,
      client_duid: t.clientDuid,
      client_duid_type: t.clientDuidType >= 0 ? duidTypeName(t.clientDuidType) : undefined,
      server_duid: t.serverDuid,
      vendor_enterprise: t.enterprise >= 0 ? t.enterprise : undefined,
      user_class: t.userClass,
      dns_servers: t.dnsServers,
      status: t.statusCode >= 0 ? statusName(t.statusCode) : undefined,
      status_code: t.statusCode >= 0 ? t.statusCode : undefined,
      status_message: t.statusMessage,
      relay_addr: t.relay,
    });
  }
}
