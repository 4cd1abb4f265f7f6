// Per-flow CIP state. The session receives Common Packet Formats: from the enip parent (the
// CPF of List Identity replies, Send RR Data and Send Unit Data), or as UDP datagrams of
// class 0/1 I/O (port 2222). It writes one cip record per message (embedded Multiple
// Service Packet and Unconnected Send requests included), cip_io per I/O datagram and
// cip_identity per identity, and pairs replies with requests (by sequence count for
// connected messages, in order otherwise) to name class-specific services and to read
// the Identity object's Get Attributes All reply.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  CLASS_CONNECTION_MANAGER, CLASS_IDENTITY, ITEM, RESPONSE_BIT, SVC, className, connectionTypeName, deviceTypeName,
  extendedStatusName, priorityName, serviceName, statusName, triggerName,
} from './constants.ts';
import { Cpf, EPath, Identity, hexNum, hexStr, parseEPath, parseIdentityAttrs, parseIdentityItem, u16, u32, walkCpf } from './parser.ts';
import { addConnectionFields, type CipIdentityRecord, type CipIoRecord, type CipRecord } from './records.ts';
import { vendorName } from './vendors.ts';

/** Requests awaiting a reply, per direction. More raises `flooded` and forgets the oldest. */
export const MAX_PENDING = 64;
/** Embedded services read from one Multiple Service Packet. */
export const MAX_EMBEDDED = 256;
/** Nesting of embedded messages (a Multiple Service Packet in an Unconnected Send, …). */
export const MAX_DEPTH = 4;

class Pending {
  readonly code = new Int16Array(MAX_PENDING);
  /** A second service code that also answers the entry (Unconnected Send: the router's own error reply), -1 none. */
  readonly alt = new Int16Array(MAX_PENDING);
  readonly cls = new Int32Array(MAX_PENDING);
  readonly inst = new Int32Array(MAX_PENDING);
  readonly seq = new Int32Array(MAX_PENDING);
  count = 0;
}

export class CipSession implements Session {
  private readonly ctx: SessionContext;
  private readonly cpf = new Cpf();
  private readonly path = new EPath();
  private readonly aux = new EPath();
  private readonly id = new Identity();
  private readonly pending = [new Pending(), new Pending()];
  // What the last request() parsed (for the Unconnected Send that wraps it).
  private lastCode = 0;
  private lastClass = -1;
  private lastInst = -1;
  // What the matched request said (for a reply).
  private reqCode = -1;
  private reqClass = -1;
  private reqInst = -1;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const cpf = this.cpf;
    if (!walkCpf(d, off, len, cpf)) {
      this.ctx.event('bad_cpf', `item count and item lengths do not fit ${len} bytes`, isOrig);
      return;
    }
    let addr = -1;
    let connId = 0;
    let encSeq = 0;
    const n = cpf.count;
    for (let i = 0; i < n; i++) {
      // Items are read in order; nothing below walks another CPF, so cpf stays valid.
      const t = cpf.type[i];
      const io = cpf.off[i];
      const il = cpf.len[i];
      switch (t) {
        case ITEM.NULL_ADDRESS:
          addr = t;
          break;
        case ITEM.CONNECTED_ADDRESS:
          addr = t;
          if (il >= 4) connId = u32(d, io);
          break;
        case ITEM.SEQUENCED_ADDRESS:
          if (il < 8) {
            this.ctx.event('truncated', `sequenced address item of ${il} bytes`, isOrig);
            break;
          }
          addr = t;
          connId = u32(d, io);
          encSeq = u32(d, io + 4);
          break;
        case ITEM.LIST_IDENTITY:
          this.identityItem(isOrig, d, io, il);
          break;
        case ITEM.UNCONNECTED_DATA:
          if (this.message(isOrig, d, io, il, -1, false, 0)) this.ctx.valid(isOrig);
          break;
        case ITEM.CONNECTED_DATA:
          if (addr === ITEM.SEQUENCED_ADDRESS) {
            this.io(isOrig, d, io, il, connId, encSeq);
          } else if (il < 2) {
            this.ctx.event('truncated', `connected data item of ${il} bytes`, isOrig);
          } else if (this.message(isOrig, d, io + 2, il - 2, u16(d, io), false, 0)) {
            this.ctx.valid(isOrig);
          }
          break;
        default:
          // socket address info (Forward Open replies) and items CIP does not define
          break;
      }
    }
  }

  gap(): void {
    // The parent frames; a child sees whole messages only.
  }

  end(): void {
    // Records are written per message; unanswered requests leave no record of their own.
  }

  // ---- records ----

  private base(isOrig: boolean): { is_orig: boolean; source_h: string; source_p: number; destination_h: string; destination_p: number } {
    const f = this.ctx.flow;
    return {
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
    };
  }

  /** A cip record with its flow header (SessionContext.head), written with writeCip in the same callback. */
  private cipRecord(isOrig: boolean, seq: number, response: boolean, code: number, cls: number, embedded: boolean): CipRecord {
    const f = this.ctx.flow;
    const hd = this.ctx.head();
    return {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      cip_sequence_count: seq > 0 ? seq : undefined,
      direction: response ? 'response' : 'request',
      cip_service_code: hexNum(code, 2),
      cip_service: serviceName(code, cls),
      cip_status_code: undefined,
      cip_status: undefined,
      cip_extended_status_code: undefined,
      cip_extended_status: undefined,
      class_id: undefined,
      class_name: undefined,
      instance_id: undefined,
      attribute_id: undefined,
      member_id: undefined,
      symbol: undefined,
      request_path: undefined,
      service: code,
      status: undefined,
      embedded,
      route_path: undefined,
      // The connection manager's fields are added by the messages that have them (addConnectionFields).
    };
  }

  private write(type: string, r: object): void {
    this.ctx.record(type, r as Record<string, unknown>);
  }

  private writeCip(r: CipRecord): void {
    this.ctx.rawRecord('cip', r as unknown as Record<string, unknown>);
  }

  // ---- CIP messages ----

  /** One message router request or response; false when it is malformed (events raised). */
  private message(isOrig: boolean, d: Uint8Array, off: number, len: number, seq: number, embedded: boolean, depth: number): boolean {
    if (len < 1) {
      this.ctx.event('truncated', 'empty CIP message', isOrig);
      return false;
    }
    return (d[off] & RESPONSE_BIT) !== 0
      ? this.response(isOrig, d, off, len, seq, embedded, depth)
      : this.request(isOrig, d, off, len, seq, embedded, depth);
  }

  private request(isOrig: boolean, d: Uint8Array, off: number, len: number, seq: number, embedded: boolean, depth: number): boolean {
    const ctx = this.ctx;
    const code = d[off];
    if (len < 2) {
      ctx.event('truncated', `${serviceName(code, -1)} request without a path size`, isOrig);
      return false;
    }
    let ok = true;
    let pathLen = 2 * d[off + 1];
    if (2 + pathLen > len) {
      ctx.event('bad_path', `request path of ${pathLen} bytes in a message of ${len}`, isOrig);
      pathLen = len - 2;
      ok = false;
    }
    const p = this.path;
    if (!parseEPath(d, off + 2, pathLen, p, true)) {
      ctx.event('bad_path', p.error, isOrig);
      ok = false;
    }
    const cls = p.classId;
    const inst = p.instanceId;
    const r = this.cipRecord(isOrig, seq, false, code, cls, embedded);
    if (cls >= 0) {
      r.class_id = hexNum(cls, 2);
      r.class_name = className(cls);
    }
    if (inst >= 0) r.instance_id = hexNum(inst, 2);
    if (p.attributeId >= 0) r.attribute_id = hexNum(p.attributeId, 2);
    if (p.memberId >= 0) r.member_id = hexNum(p.memberId, 2);
    if (p.symbol !== '') r.symbol = p.symbol;
    r.request_path = p.text;
    const dOff = off + 2 + pathLen;
    const dLen = len - 2 - pathLen;
    this.lastCode = code;
    this.lastClass = cls;
    this.lastInst = inst;
    if (code === SVC.MULTIPLE_SERVICE_PACKET) {
      this.writeCip(r);
      if (!this.multiple(isOrig, d, dOff, dLen, seq, depth)) ok = false;
      this.lastCode = code;
      this.lastClass = cls;
      this.lastInst = inst;
      if (depth === 0) this.push(isOrig, code, -1, cls, inst, seq);
      return ok;
    }
    if (cls === CLASS_CONNECTION_MANAGER) {
      if (code === SVC.UNCONNECTED_SEND) return this.unconnectedSend(isOrig, d, dOff, dLen, seq, depth, r) && ok;
      if (code === SVC.FORWARD_OPEN || code === SVC.LARGE_FORWARD_OPEN) {
        if (!this.forwardOpenRequest(isOrig, d, dOff, dLen, code === SVC.LARGE_FORWARD_OPEN, r)) ok = false;
      } else if (code === SVC.FORWARD_CLOSE) {
        if (!this.forwardCloseRequest(isOrig, d, dOff, dLen, r)) ok = false;
      }
    }
    this.writeCip(r);
    if (depth === 0) this.push(isOrig, code, -1, cls, inst, seq);
    return ok;
  }

  private response(isOrig: boolean, d: Uint8Array, off: number, len: number, seq: number, embedded: boolean, depth: number): boolean {
    const ctx = this.ctx;
    const code = d[off] & 0x7f;
    if (len < 4) {
      ctx.event('truncated', `${serviceName(code, -1)} response of ${len} bytes`, isOrig);
      return false;
    }
    let ok = true;
    const status = d[off + 2];
    let words = d[off + 3];
    if (4 + 2 * words > len) {
      ctx.event('truncated', `${words} words of additional status in a response of ${len} bytes`, isOrig);
      words = (len - 4) >> 1;
      ok = false;
    }
    this.reqCode = this.reqClass = this.reqInst = -1;
    if (depth === 0) this.match(isOrig, code, seq);
    const cls = this.reqClass;
    const r = this.cipRecord(isOrig, seq, true, code, cls, embedded);
    r.cip_status_code = hexNum(status, 2);
    r.cip_status = statusName(status);
    r.status = status;
    if (words > 0) {
      const ext = u16(d, off + 4);
      r.cip_extended_status_code = hexNum(ext, 4);
      r.cip_extended_status = extendedStatusName(ext);
    }
    const dOff = off + 4 + 2 * words;
    const dLen = len - 4 - 2 * words;
    if (code === SVC.MULTIPLE_SERVICE_PACKET) {
      this.writeCip(r);
      // an error reply to a Multiple Service Packet may carry no list
      if (dLen > 0 && !this.multiple(isOrig, d, dOff, dLen, seq, depth)) ok = false;
      return ok;
    }
    const cm = cls === CLASS_CONNECTION_MANAGER;
    if ((code === SVC.FORWARD_OPEN || code === SVC.LARGE_FORWARD_OPEN) && (cm || cls < 0)) {
      if (!this.forwardOpenReply(isOrig, d, dOff, dLen, status, r)) ok = false;
    } else if (code === SVC.FORWARD_CLOSE && cm) {
      if (!this.forwardCloseReply(isOrig, d, dOff, dLen, status, r)) ok = false;
    }
    this.writeCip(r);
    if (code === SVC.GET_ATTRIBUTES_ALL && this.reqCode === code && cls === CLASS_IDENTITY && status === 0 && this.reqInst === 1) {
      this.identityAttrs(isOrig, d, dOff, dLen);
    }
    return ok;
  }

  /** The services of a Multiple Service Packet (request or reply): count, offsets, services. */
  private multiple(isOrig: boolean, d: Uint8Array, off: number, len: number, seq: number, depth: number): boolean {
    const ctx = this.ctx;
    if (depth + 1 >= MAX_DEPTH) {
      ctx.event('too_deep', `embedded messages nested more than ${MAX_DEPTH} deep`, isOrig);
      return false;
    }
    if (len < 2) {
      ctx.event('bad_embedded', 'Multiple Service Packet without a service count', isOrig);
      return false;
    }
    let count = u16(d, off);
    if (2 + 2 * count > len) {
      ctx.event('bad_embedded', `Multiple Service Packet of ${count} services has no room for their offsets in ${len} bytes`, isOrig);
      return false;
    }
    if (count > MAX_EMBEDDED) {
      ctx.event('too_many_services', `Multiple Service Packet of ${count} services (the first ${MAX_EMBEDDED} are read)`, isOrig);
      count = MAX_EMBEDDED;
    }
    let ok = true;
    for (let i = 0; i < count; i++) {
      const start = u16(d, off + 2 + 2 * i);
      const stop = i + 1 < count ? u16(d, off + 4 + 2 * i) : len;
      if (start < 2 + 2 * count || start > stop || stop > len) {
        ctx.event('bad_embedded', `service ${i + 1} of ${count} at offset ${start}..${stop} outside the ${len} bytes of the packet`, isOrig);
        return false;
      }
      if (!this.message(isOrig, d, off + start, stop - start, seq, true, depth + 1)) ok = false;
    }
    return ok;
  }

  /** Unconnected Send (Connection Manager): time tick, timeout, embedded request, route path. */
  private unconnectedSend(isOrig: boolean, d: Uint8Array, off: number, len: number, seq: number, depth: number, r: CipRecord): boolean {
    const ctx = this.ctx;
    if (len < 4) {
      this.writeCip(r);
      ctx.event('bad_embedded', `Unconnected Send data of ${len} bytes`, isOrig);
      return false;
    }
    const size = u16(d, off + 2);
    if (4 + size > len) {
      this.writeCip(r);
      ctx.event('bad_embedded', `Unconnected Send embeds ${size} bytes, ${len - 4} present`, isOrig);
      return false;
    }
    let ok = true;
    let q = off + 4 + size + (size & 1);
    const end = off + len;
    if (end - q >= 2) {
      const words = d[q];
      q += 2;
      let rlen = 2 * words;
      if (rlen > end - q) {
        ctx.event('bad_path', `route path of ${rlen} bytes, ${end - q} present`, isOrig);
        rlen = end - q;
        ok = false;
      }
      if (!parseEPath(d, q, rlen, this.aux, true)) {
        ctx.event('bad_path', `route path: ${this.aux.error}`, isOrig);
        ok = false;
      }
      r.route_path = this.aux.text;
    }
    this.writeCip(r);
    if (depth + 1 >= MAX_DEPTH) {
      ctx.event('too_deep', `embedded messages nested more than ${MAX_DEPTH} deep`, isOrig);
      return false;
    }
    if (size === 0 || (d[off + 4] & RESPONSE_BIT) !== 0) {
      ctx.event('bad_embedded', 'Unconnected Send without an embedded request', isOrig);
      return false;
    }
    if (!this.message(isOrig, d, off + 4, size, seq, true, depth + 1)) ok = false;
    // The target's reply answers the embedded request; a router's error is an Unconnected Send reply.
    if (depth === 0) this.push(isOrig, this.lastCode, SVC.UNCONNECTED_SEND, this.lastClass, this.lastInst, seq);
    return ok;
  }

  private forwardOpenRequest(isOrig: boolean, d: Uint8Array, off: number, len: number, large: boolean, r: CipRecord): boolean {
    addConnectionFields(r);
    // tick (1), timeout (1), O->T id (4), T->O id (4), serial (2), vendor (2), originator serial (4),
    // timeout multiplier (1), reserved (3), O->T RPI (4), O->T params (2; 4 large), T->O RPI (4),
    // T->O params (2; 4 large), transport type/trigger (1), path size in words (1), path
    const fixed = large ? 40 : 36;
    if (len < fixed) {
      this.ctx.event('bad_connection_data', `${large ? 'Large ' : ''}Forward Open request of ${len} bytes`, isOrig);
      return false;
    }
    r.o_t_connection_id = hexNum(u32(d, off + 2), 8);
    r.t_o_connection_id = hexNum(u32(d, off + 6), 8);
    r.connection_serial = u16(d, off + 10);
    r.originator_vendor_id = u16(d, off + 12);
    r.originator_serial = hexNum(u32(d, off + 14), 8);
    r.timeout_multiplier = d[off + 18];
    let q = off + 22;
    r.o_t_rpi = u32(d, q);
    q += 4;
    if (large) {
      const np = u32(d, q);
      r.o_t_size = np & 0xffff;
      r.o_t_type = connectionTypeName(np >>> 29);
      r.o_t_priority = priorityName(np >>> 26);
      q += 4;
    } else {
      const np = u16(d, q);
      r.o_t_size = np & 0x1ff;
      r.o_t_type = connectionTypeName(np >> 13);
      r.o_t_priority = priorityName(np >> 10);
      q += 2;
    }
    r.t_o_rpi = u32(d, q);
    q += 4;
    if (large) {
      const np = u32(d, q);
      r.t_o_size = np & 0xffff;
      r.t_o_type = connectionTypeName(np >>> 29);
      r.t_o_priority = priorityName(np >>> 26);
      q += 4;
    } else {
      const np = u16(d, q);
      r.t_o_size = np & 0x1ff;
      r.t_o_type = connectionTypeName(np >> 13);
      r.t_o_priority = priorityName(np >> 10);
      q += 2;
    }
    const tt = d[q];
    r.transport_class = tt & 0x0f;
    r.transport_trigger = triggerName((tt >> 4) & 7);
    return this.connectionPath(isOrig, d, q + 2, off + len - (q + 2), d[q + 1], r);
  }

  private forwardCloseRequest(isOrig: boolean, d: Uint8Array, off: number, len: number, r: CipRecord): boolean {
    addConnectionFields(r);
    // tick (1), timeout (1), serial (2), vendor (2), originator serial (4), path size (1), reserved (1), path
    if (len < 12) {
      this.ctx.event('bad_connection_data', `Forward Close request of ${len} bytes`, isOrig);
      return false;
    }
    r.connection_serial = u16(d, off + 2);
    r.originator_vendor_id = u16(d, off + 4);
    r.originator_serial = hexNum(u32(d, off + 6), 8);
    return this.connectionPath(isOrig, d, off + 12, len - 12, d[off + 10], r);
  }

  private connectionPath(isOrig: boolean, d: Uint8Array, off: number, left: number, words: number, r: CipRecord): boolean {
    let plen = 2 * words;
    let ok = true;
    if (plen > left) {
      this.ctx.event('bad_path', `connection path of ${plen} bytes, ${left} present`, isOrig);
      plen = Math.max(0, left);
      ok = false;
    }
    if (!parseEPath(d, off, plen, this.aux, true)) {
      this.ctx.event('bad_path', `connection path: ${this.aux.error}`, isOrig);
      ok = false;
    }
    r.connection_path = this.aux.text;
    return ok;
  }

  private forwardOpenReply(isOrig: boolean, d: Uint8Array, off: number, len: number, status: number, r: CipRecord): boolean {
    addConnectionFields(r);
    if (status === 0) {
      // O->T id (4), T->O id (4), serial (2), vendor (2), originator serial (4), O->T API (4), T->O API (4),
      // application reply size (1), reserved (1), application reply
      if (len < 26) {
        this.ctx.event('bad_connection_data', `Forward Open reply of ${len} bytes`, isOrig);
        return false;
      }
      r.o_t_connection_id = hexNum(u32(d, off), 8);
      r.t_o_connection_id = hexNum(u32(d, off + 4), 8);
      r.connection_serial = u16(d, off + 8);
      r.originator_vendor_id = u16(d, off + 10);
      r.originator_serial = hexNum(u32(d, off + 12), 8);
      r.o_t_rpi = u32(d, off + 16);
      r.t_o_rpi = u32(d, off + 20);
      return true;
    }
    // serial (2), vendor (2), originator serial (4), remaining path size (1), reserved (1)
    if (len < 8) return true; // some targets send the status alone
    r.connection_serial = u16(d, off);
    r.originator_vendor_id = u16(d, off + 2);
    r.originator_serial = hexNum(u32(d, off + 4), 8);
    return true;
  }

  private forwardCloseReply(isOrig: boolean, d: Uint8Array, off: number, len: number, status: number, r: CipRecord): boolean {
    addConnectionFields(r);
    if (len < 8) {
      if (status === 0) this.ctx.event('bad_connection_data', `Forward Close reply of ${len} bytes`, isOrig);
      return status !== 0;
    }
    r.connection_serial = u16(d, off);
    r.originator_vendor_id = u16(d, off + 2);
    r.originator_serial = hexNum(u32(d, off + 4), 8);
    return true;
  }

  // ---- pairing ----

  private push(isOrig: boolean, code: number, alt: number, cls: number, inst: number, seq: number): void {
    const q = this.pending[isOrig ? 0 : 1];
    if (q.count === MAX_PENDING) {
      this.ctx.event('flooded', `more than ${MAX_PENDING} requests without a reply`, isOrig);
      this.remove(q, 0, 1);
    }
    const i = q.count++;
    q.code[i] = code;
    q.alt[i] = alt;
    q.cls[i] = cls;
    q.inst[i] = inst;
    q.seq[i] = seq;
  }

  /**
   * Finds the request a reply from this side answers, in the other side's queue, and sets
   * req*: a connected reply answers the request of its sequence count, an unconnected one
   * the oldest unconnected request of its service. Older requests of the same kind were
   * not answered (or their replies were not captured) and are dropped.
   */
  private match(isOrig: boolean, code: number, seq: number): void {
    const q = this.pending[isOrig ? 1 : 0];
    const connected = seq >= 0;
    for (let k = 0; k < q.count; k++) {
      if (q.seq[k] >= 0 !== connected) continue;
      if (q.code[k] !== code && q.alt[k] !== code) continue;
      if (connected && q.seq[k] !== seq) continue;
      this.reqCode = q.code[k];
      this.reqClass = q.cls[k];
      this.reqInst = q.inst[k];
      // keep the other kind's entries before k, drop this kind's
      let w = 0;
      for (let j = 0; j < q.count; j++) {
        if (j === k || (j < k && q.seq[j] >= 0 === connected)) continue;
        if (w !== j) this.move(q, j, w);
        w++;
      }
      q.count = w;
      return;
    }
  }

  private move(q: Pending, from: number, to: number): void {
    q.code[to] = q.code[from];
    q.alt[to] = q.alt[from];
    q.cls[to] = q.cls[from];
    q.inst[to] = q.inst[from];
    q.seq[to] = q.seq[from];
  }

  private remove(q: Pending, at: number, n: number): void {
    for (let j = at + n; j < q.count; j++) this.move(q, j, j - n);
    q.count -= n;
  }

  // ---- I/O and identity ----

  private io(isOrig: boolean, d: Uint8Array, off: number, len: number, connId: number, encSeq: number): void {
    const b = this.base(isOrig);
    const r: CipIoRecord = {
      ...b,
      connection_id: hexNum(connId, 8),
      sequence_number: encSeq,
      data_length: len,
      io_data: hexStr(d, off, len),
    };
    this.write('cip_io', r);
    this.ctx.valid(isOrig);
    this.ctx.confirm();
  }

  private identityItem(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const id = this.id;
    if (!parseIdentityItem(d, off, len, id)) {
      this.ctx.event('bad_identity', `identity item of ${len} bytes does not hold its fields`, isOrig);
      return;
    }
    this.identityRecord(isOrig, 'list_identity');
    this.ctx.valid(isOrig);
  }

  private identityAttrs(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const id = this.id;
    id.encapVersion = -1;
    id.sockAddr = '';
    id.sockPort = -1;
    if (parseIdentityAttrs(d, off, len, id) < 0) {
      this.ctx.event('bad_identity', `Identity Get Attributes All reply of ${len} bytes does not hold its attributes`, isOrig);
      return;
    }
    this.identityRecord(isOrig, 'get_attributes_all');
  }

  private identityRecord(isOrig: boolean, source: string): void {
    const id = this.id;
    const r: CipIdentityRecord = {
      ...this.base(isOrig),
      encapsulation_version: id.encapVersion >= 0 ? id.encapVersion : undefined,
      socket_address: id.sockAddr !== '' ? id.sockAddr : undefined,
      socket_port: id.sockPort >= 0 ? id.sockPort : undefined,
      vendor_id: id.vendorId,
      vendor_name: vendorName(id.vendorId),
      device_type_id: id.deviceType,
      device_type_name: deviceTypeName(id.deviceType),
      product_code: id.productCode,
      revision: `${id.revMajor}.${id.revMinor}`,
      device_status: hexNum(id.status, 4),
      serial_number: hexNum(id.serial, 8),
      product_name: id.productName,
      device_state: id.state >= 0 ? hexNum(id.state, 4) : undefined,
      identity_source: source,
    };
    this.write('cip_identity', r);
  }
}
