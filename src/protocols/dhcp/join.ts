// Joining a DHCP transaction's messages across flows, as Zeek's base/protocols/dhcp/main.zeek
// does: the client broadcasts from 0.0.0.0:68 to 255.255.255.255:67, the server answers from
// its own address (to the offered address or to broadcast), a relay talks 67 to 67, so one
// transaction spans several flows. This is the protocol's shared state (one per engine, see
// SharedState in src/dissect/types.ts): every session hands it its messages; it keeps one
// transaction per xid and writes its `dhcp` record when Zeek would:
//  - Zeek's table entry expires 10 s after it was made and is checked again every 5 s; it is
//    written at the first check at which no message came for 5 s, or the transaction is
//    older than 30 s (max_txid_watch_time). Checks are made when the next message (of any
//    transaction) arrives, with the times the checks would have had;
//  - at once when it has 10 flows (max_uids_per_log_entry) or 50 message types;
//  - at the end of input.
// A message whose xid's transaction was written starts a new transaction.
import type { L2Context, SharedState } from '../../dissect/types.ts';
import { BOOTREQUEST, messageTypeName } from './constants.ts';
import type { DhcpMsg } from './parser.ts';
import { RECORD_DHCP } from './records.ts';

/** Zeek's DHCP::max_txid_watch_time. */
export const WATCH_TIME = 30;
/** A transaction without a message for this long is done (Zeek's expire function). */
export const IDLE_TIME = 5;
/** Zeek's &create_expire of the join table, and the interval of later checks. */
const FIRST_CHECK = 10;
const CHECK_EVERY = 5;
/** Zeek's max_uids_per_log_entry and max_msg_types_per_log_entry. */
export const MAX_UIDS = 10;
export const MAX_MSG_TYPES = 50;
/** Transactions open at once (per engine); beyond, the oldest is written. */
export const MAX_TRANSACTIONS = 1000;

class Txn {
  readonly ts: number;
  readonly xid: number;
  last: number;
  nextCheck: number;
  readonly uids: string[] = [];
  clientAddr: string | undefined = undefined;
  serverAddr: string | undefined = undefined;
  mac: string | undefined = undefined;
  clientChaddr: string | undefined = undefined;
  hostName: string | undefined = undefined;
  clientFqdn: string | undefined = undefined;
  domain: string | undefined = undefined;
  requestedAddr: string | undefined = undefined;
  assignedAddr: string | undefined = undefined;
  leaseTime: number | undefined = undefined;
  clientMessage: string | undefined = undefined;
  serverMessage: string | undefined = undefined;
  readonly msgTypes: string[] = [];
  readonly msgOrig: string[] = [];
  clientSoftware: string | undefined = undefined;
  serverSoftware: string | undefined = undefined;
  paramList: string | undefined = undefined;
  clientId: string | undefined = undefined;
  userClass: string | undefined = undefined;
  serverId: string | undefined = undefined;
  subnetMask: string | undefined = undefined;
  routers: string[] | undefined = undefined;
  dnsServers: string[] | undefined = undefined;
  relayAddr: string | undefined = undefined;
  circuitId: string | undefined = undefined;
  remoteId: string | undefined = undefined;

  constructor(ts: number, xid: number) {
    this.ts = ts;
    this.xid = xid;
    this.last = ts;
    this.nextCheck = ts + FIRST_CHECK;
  }
}

export class DhcpJoin implements SharedState {
  private readonly ctx: L2Context;
  private readonly txns = new Map<number, Txn>();
  /** The earliest check time of any open transaction. */
  private nextSweep = Infinity;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  /** Transactions open (for tests). */
  get open(): number {
    return this.txns.size;
  }

  /** A message at time ts, in flow `uid`, sent from address `src`. */
  add(ts: number, uid: string, src: string, m: DhcpMsg): void {
    this.sweep(ts);
    let t = this.txns.get(m.xid);
    if (t === undefined) {
      if (this.txns.size >= MAX_TRANSACTIONS) {
        this.ctx.event('too_many_transactions', `${this.txns.size} transactions open`);
        const oldest = this.txns.values().next().value!;
        this.write(oldest);
      }
      t = new Txn(ts, m.xid);
      this.txns.set(m.xid, t);
      if (t.nextCheck < this.nextSweep) this.nextSweep = t.nextCheck;
    }
    t.last = ts;
    if (!t.uids.includes(uid)) t.uids.push(uid);
    t.msgTypes.push(messageTypeName(m.msgType, m.op));
    t.msgOrig.push(src);
    const client = m.op === BOOTREQUEST;
    if (m.message !== undefined) {
      if (client) t.clientMessage = m.message;
      else t.serverMessage = m.message;
    }
    if (m.giaddr !== '0.0.0.0') t.relayAddr = m.giaddr;
    if (m.circuitId !== undefined) t.circuitId = m.circuitId;
    if (m.remoteId !== undefined) t.remoteId = m.remoteId;
    if (m.serverId !== undefined) t.serverId = m.serverId;
    if (client) {
      if (src !== '0.0.0.0' && src !== '255.255.255.255') t.clientAddr = src;
      if (m.hostName !== undefined) t.hostName = m.hostName;
      if (m.clientFqdn !== undefined) t.clientFqdn = m.clientFqdn;
      if (m.clientIdMac !== undefined) t.mac = m.clientIdMac;
      else if (m.chaddr !== '') t.clientChaddr = m.chaddr;
      if (m.requestedAddr !== undefined) t.requestedAddr = m.requestedAddr;
      if (m.vendorClass !== undefined) t.clientSoftware = m.vendorClass;
      if (m.paramList !== undefined) t.paramList = m.paramList;
      if (m.clientId !== undefined) t.clientId = m.clientId;
      if (m.userClass !== undefined) t.userClass = m.userClass;
    } else {
      if (m.yiaddr !== '0.0.0.0') {
        t.serverAddr = src;
        t.assignedAddr = m.yiaddr;
      }
      if (m.chaddr !== '' && t.mac === undefined) t.mac = m.chaddr;
      if (t.clientAddr === undefined && t.assignedAddr !== undefined) t.clientAddr = t.assignedAddr;
      if (m.domain !== undefined) t.domain = m.domain;
      if (m.leaseTime >= 0) t.leaseTime = m.leaseTime;
      if (m.vendorClass !== undefined) t.serverSoftware = m.vendorClass;
      if (m.subnetMask !== undefined) t.subnetMask = m.subnetMask;
      if (m.routers !== null) t.routers = m.routers;
      if (m.dnsServers !== null) t.dnsServers = m.dnsServers;
    }
    if (t.uids.length >= MAX_UIDS || t.msgTypes.length >= MAX_MSG_TYPES) this.write(t);
  }

  /** Writes the transactions Zeek's expiry would have written by time `now`. */
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
    this.ctx.record(RECORD_DHCP, {
      ts: t.ts,
      uids: t.uids,
      client_addr: t.clientAddr,
      server_addr: t.serverAddr,
      mac: t.mac ?? t.clientChaddr,
      host_name: t.hostName,
      client_fqdn: t.clientFqdn,
      domain: t.domain,
      requested_addr: t.requestedAddr,
      assigned_addr: t.assignedAddr,
      lease_time: t.leaseTime,
      client_message: t.clientMessage,
      server_message: t.serverMessage,
      msg_types: t.msgTypes,
      duration: t.last - t.ts,
      msg_orig: t.msgOrig,
      client_software: t.clientSoftware,
      server_software: t.serverSoftware,
      xid: t.xid,
      param_list: t.paramList,
      client_id: t.clientId,
      user_class: t.userClass,
      server_id: t.serverId,
      subnet_mask: t.subnetMask,
      routers: t.routers,
      dns_servers: t.dnsServers,
      relay_addr: t.relayAddr,
      agent_circuit_id: t.circuitId,
      agent_remote_id: t.remoteId,
    });
  }
}
