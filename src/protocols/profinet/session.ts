// PROFINET state for one engine: a `profinet_dcp` record per DCP PDU, and for every other
// PROFINET frame a running summary per (source MAC, destination MAC, VLAN, frame ID), written
// as `profinet_rt` at the end of the input. Cyclic traffic runs at up to thousands of frames
// per second per stream: a frame finds its summary through a numeric hash of the addresses
// (no string, no allocation), and only the first frame of a stream makes an object.
import type { Packet } from '../../decode/packet.ts';
import type { L2Context, L2Session } from '../../dissect/types.ts';
import { formatMac } from '../../core/addr.ts';
import {
  FRAME_KIND, dataStatusSeen, deviceRoleNames, frameClass, ipBlockInfoName, serviceName, serviceTypeName,
} from './constants.ts';
import { ApduStatus, DcpPdu, parseDcp } from './parser.ts';

/** RT streams summarised per engine; frames of further streams are counted as "untracked". */
export const MAX_STREAMS = 4096;

class Stream {
  readonly srcHi: number;
  readonly srcLo: number;
  readonly dstHi: number;
  readonly dstLo: number;
  readonly vlan: number;
  readonly frameId: number;
  readonly cls: string;
  readonly kind: number;
  readonly firstTs: number;
  lastTs: number;
  frames = 0;
  bytes = 0;
  ccFirst = -1;
  ccLast = -1;
  dsFirst = -1;
  dsLast = -1;
  dsOr = 0;
  dsAnd = 0xff;
  transferErrors = 0;
  shortWarned = false;
  /** Next stream in the same hash bucket. */
  next: Stream | null = null;

  constructor(srcHi: number, srcLo: number, dstHi: number, dstLo: number, vlan: number, frameId: number, ts: number) {
    this.srcHi = srcHi;
    this.srcLo = srcLo;
    this.dstHi = dstHi;
    this.dstLo = dstLo;
    this.vlan = vlan;
    this.frameId = frameId;
    const [cls, kind] = frameClass(frameId);
    this.cls = cls;
    this.kind = kind;
    this.firstTs = ts;
    this.lastTs = ts;
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class ProfinetSession implements L2Session {
  private readonly ctx: L2Context;
  private readonly pdu = new DcpPdu();
  private readonly apdu = new ApduStatus();
  private readonly buckets = new Map<number, Stream>();
  private readonly streams: Stream[] = [];
  private untrackedFrames = 0;
  private untrackedBytes = 0;
  private untrackedFirst = 0;
  private untrackedLast = 0;
  // The addresses of the frame being handled.
  private srcHi = 0;
  private srcLo = 0;
  private dstHi = 0;
  private dstLo = 0;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  frame(p: Packet): void {
    const d = p.data;
    const off = p.l2PayloadOff;
    const end = p.end;
    this.readMacs(p);
    if (end - off < 2) {
      this.ctx.event('truncated', `PROFINET frame of ${Math.max(0, end - off)} bytes: no FrameID`);
      return;
    }
    const frameId = (d[off] << 8) | d[off + 1];
    if (frameId >= 0xfefc && frameId <= 0xfeff) {
      this.dcp(p, frameId, d, off + 2, end);
      return;
    }
    this.rt(p, frameId, d, off + 2, end);
  }

  end(): void {
    for (const s of this.streams) this.writeStream(s);
    if (this.untrackedFrames > 0) {
      this.ctx.record('profinet_rt', {
        ts: this.untrackedFirst,
        last_ts: this.untrackedLast,
        src_mac: undefined,
        dst_mac: undefined,
        vlan: undefined,
        frame_id: undefined,
        frame_class: 'untracked',
        frames: this.untrackedFrames,
        bytes: this.untrackedBytes,
      });
    }
    this.streams.length = 0;
    this.buckets.clear();
    this.untrackedFrames = 0;
    this.untrackedBytes = 0;
  }

  private readMacs(p: Packet): void {
    const f = p.frame;
    const m = p.macOff;
    if (m >= 0) {
      this.dstHi = (f[m] << 8) | f[m + 1];
      this.dstLo = ((f[m + 2] << 24) | (f[m + 3] << 16) | (f[m + 4] << 8) | f[m + 5]) >>> 0;
      this.srcHi = (f[m + 6] << 8) | f[m + 7];
      this.srcLo = ((f[m + 8] << 24) | (f[m + 9] << 16) | (f[m + 10] << 8) | f[m + 11]) >>> 0;
    } else if (p.sllAddrOff >= 0 && p.sllAddrLen === 6) {
      // Linux cooked capture: the sender's address only.
      const s = p.sllAddrOff;
      this.srcHi = (f[s] << 8) | f[s + 1];
      this.srcLo = ((f[s + 2] << 24) | (f[s + 3] << 16) | (f[s + 4] << 8) | f[s + 5]) >>> 0;
      this.dstHi = -1;
      this.dstLo = 0;
    } else {
      this.srcHi = -1;
      this.dstHi = -1;
      this.srcLo = 0;
      this.dstLo = 0;
    }
  }

  private macText(hi: number, lo: number): string | undefined {
    return hi < 0 ? undefined : formatMac(hi, lo);
  }

  // ---- DCP ----

  private dcp(p: Packet, frameId: number, d: Uint8Array, off: number, end: number): void {
    const ctx = this.ctx;
    const u = this.pdu;
    const ok = parseDcp(d, off, end, u);
    for (let i = 0; i < u.problems.length; i += 2) ctx.event(u.problems[i], u.problems[i + 1]);
    if (!ok) return;
    const sname = serviceName(u.serviceId);
    const tname = serviceTypeName(u.serviceType);
    if (sname.startsWith('unknown')) ctx.event('unknown_service', `ServiceID ${u.serviceId}`);
    if (tname.startsWith('unknown')) ctx.event('unknown_service_type', `ServiceType ${u.serviceType}`);
    if (u.blocksDropped > 0) ctx.event('too_many_blocks', `${u.blocksDropped} blocks not named`);
    let permanent: boolean | undefined;
    if (u.qualifiers !== undefined) {
      permanent = false;
      for (const q of u.qualifiers) if ((q & 1) === 1) permanent = true;
    }
    ctx.record('profinet_dcp', {
      ts: ctx.ts,
      src_mac: this.macText(this.srcHi, this.srcLo),
      dst_mac: this.macText(this.dstHi, this.dstLo),
      vlan: p.vlan >= 0 ? p.vlan : undefined,
      frame_id: frameId,
      service: sname,
      service_id: u.serviceId,
      service_type: tname,
      service_type_code: u.serviceType,
      xid: u.xid,
      response_delay: u.responseDelay >= 0 ? u.responseDelay : undefined,
      data_length: u.dataLength,
      blocks: u.blocks,
      station_name: u.stationName,
      type_of_station: u.typeOfStation,
      alias_name: u.aliasName,
      vendor_id: u.vendorId >= 0 ? u.vendorId : undefined,
      device_id: u.deviceId >= 0 ? u.deviceId : undefined,
      device_role: u.deviceRole >= 0 ? u.deviceRole : undefined,
      device_role_names: u.deviceRole >= 0 ? deviceRoleNames(u.deviceRole) : undefined,
      device_instance_high: u.deviceInstanceHigh >= 0 ? u.deviceInstanceHigh : undefined,
      device_instance_low: u.deviceInstanceLow >= 0 ? u.deviceInstanceLow : undefined,
      oem_vendor_id: u.oemVendorId >= 0 ? u.oemVendorId : undefined,
      oem_device_id: u.oemDeviceId >= 0 ? u.oemDeviceId : undefined,
      device_options: u.deviceOptions,
      device_initiative: u.deviceInitiative >= 0 ? u.deviceInitiative : undefined,
      rsi_properties: u.rsiProperties >= 0 ? u.rsiProperties : undefined,
      mac: u.mac,
      ip: u.ip,
      netmask: u.netmask,
      gateway: u.gateway,
      dns_servers: u.dnsServers,
      ip_block_info: u.ipBlockInfo >= 0 ? u.ipBlockInfo : undefined,
      ip_block_info_name: u.ipBlockInfo >= 0 ? ipBlockInfoName(u.ipBlockInfo) : undefined,
      dhcp: u.dhcp,
      all_selector: u.allSelector ? true : undefined,
      control: u.control,
      signal_value: u.signalValue >= 0 ? u.signalValue : undefined,
      qualifiers: u.qualifiers,
      permanent,
      response_blocks: u.responseBlocks,
      block_errors: u.blockErrors,
      block_error_names: u.blockErrorNames,
    });
  }

  // ---- RT summaries ----

  private rt(p: Packet, frameId: number, d: Uint8Array, off: number, end: number): void {
    const s = this.stream(p, frameId);
    if (s === null) {
      this.untrackedFrames++;
      this.untrackedBytes += p.wirelen;
      this.untrackedLast = this.ctx.ts;
      return;
    }
    s.frames++;
    s.bytes += p.wirelen;
    s.lastTs = this.ctx.ts;
    if (s.kind !== FRAME_KIND.CYCLIC) return;
    const a = this.apdu;
    if (!a.parse(d, off, end)) {
      if (!s.shortWarned) {
        s.shortWarned = true;
        this.ctx.event('truncated', `${s.cls} frame 0x${frameId.toString(16)}: ${end - off} bytes after the FrameID, no APDU status`);
      }
      return;
    }
    if (s.ccFirst < 0) {
      s.ccFirst = a.cycleCounter;
      s.dsFirst = a.dataStatus;
    }
    s.ccLast = a.cycleCounter;
    s.dsLast = a.dataStatus;
    s.dsOr |= a.dataStatus;
    s.dsAnd &= a.dataStatus;
    if (a.transferStatus !== 0) s.transferErrors++;
  }

  /** The stream of this frame; made on its first frame; null past the cap. */
  private stream(p: Packet, frameId: number): Stream | null {
    const vlan = p.vlan;
    const sh = this.srcHi;
    const sl = this.srcLo;
    const dh = this.dstHi;
    const dl = this.dstLo;
    const h = fmix(sl ^ Math.imul(dl, 0x9e3779b1) ^ Math.imul(((sh & 0xffff) << 16) | (dh & 0xffff), 0x85ebca6b) ^ ((frameId << 13) | (vlan + 1)));
    const head = this.buckets.get(h) ?? null;
    for (let s: Stream | null = head; s !== null; s = s.next) {
      if (s.frameId === frameId && s.srcLo === sl && s.dstLo === dl && s.srcHi === sh && s.dstHi === dh && s.vlan === vlan) return s;
    }
    if (this.streams.length >= MAX_STREAMS) {
      if (this.untrackedFrames === 0) {
        this.untrackedFirst = this.ctx.ts;
        this.ctx.event('too_many_streams', `more than ${MAX_STREAMS} PROFINET streams: further ones are counted as untracked`);
      }
      return null;
    }
    const s = new Stream(sh, sl, dh, dl, vlan, frameId, this.ctx.ts);
    s.next = head;
    this.buckets.set(h, s);
    this.streams.push(s);
    if (s.kind === FRAME_KIND.RESERVED) this.ctx.event('unknown_frame_id', `FrameID 0x${frameId.toString(16).padStart(4, '0')} (reserved range)`);
    return s;
  }

  private writeStream(s: Stream): void {
    const cyclic = s.kind === FRAME_KIND.CYCLIC && s.ccFirst >= 0;
    this.ctx.record('profinet_rt', {
      ts: s.firstTs,
      last_ts: s.lastTs,
      src_mac: this.macText(s.srcHi, s.srcLo),
      dst_mac: this.macText(s.dstHi, s.dstLo),
      vlan: s.vlan >= 0 ? s.vlan : undefined,
      frame_id: s.frameId,
      frame_class: s.cls,
      frames: s.frames,
      bytes: s.bytes,
      cycle_counter_first: cyclic ? s.ccFirst : undefined,
      cycle_counter_last: cyclic ? s.ccLast : undefined,
      data_status_first: cyclic ? s.dsFirst : undefined,
      data_status_last: cyclic ? s.dsLast : undefined,
      data_status_seen: cyclic ? dataStatusSeen(s.dsOr, s.dsAnd) : undefined,
      transfer_status_errors: cyclic ? s.transferErrors : undefined,
    });
  }
}
