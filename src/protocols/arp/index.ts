// ARP (RFC 826) over Ethernet: which IPv4 address each MAC address claims. The asset
// inventory binds addresses with it; gratuitous ARPs and replies that contradict earlier
// ones are the raw material of spoofing detection. One `arp` record per ARP packet.
// docs/protocols/arp.md.
import { formatIPv4, formatMac } from '../../core/addr.ts';
import type { Packet } from '../../decode/packet.ts';
import type { L2Context, L2ProtocolDef, L2Session } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const ETHERTYPE_ARP = 0x0806;

/** ARP operation codes (IANA "ARP Operation Codes"), as the registry names them. */
export const ARP_OPERATIONS: Readonly<Record<number, string>> = {
  1: 'request',
  2: 'reply',
  3: 'request_reverse',
  4: 'reply_reverse',
  8: 'inarp_request',
  9: 'inarp_reply',
};

export interface ArpRecord {
  ts: number;
  /** Ethernet source and destination of the frame. */
  src_mac: string;
  dst_mac: string;
  /** Outer VLAN id. */
  vlan?: number;
  /** Operation name (`request`, `reply`, `unknown-<n>`) and number. */
  operation: string;
  operation_code: number;
  /** Sender hardware and protocol address (SHA, SPA). */
  orig_mac: string;
  orig_h: string;
  /** Target hardware and protocol address (THA, TPA). */
  resp_mac: string;
  resp_h: string;
  /** A request or reply in which the sender announces its own address (SPA = TPA). */
  gratuitous: boolean;
  /** The sender hardware address differs from the frame's Ethernet source (proxy ARP, or spoofing). */
  sha_mismatch: boolean;
}

export const ARP_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'src_mac', type: 'string' },
  { name: 'dst_mac', type: 'string' },
  { name: 'vlan', type: 'int' },
  { name: 'operation', type: 'string' },
  { name: 'operation_code', type: 'count' },
  { name: 'orig_mac', type: 'string' },
  { name: 'orig_h', type: 'addr' },
  { name: 'resp_mac', type: 'string' },
  { name: 'resp_h', type: 'addr' },
  { name: 'gratuitous', type: 'bool' },
  { name: 'sha_mismatch', type: 'bool' },
];

function mac(d: Uint8Array, o: number): string {
  return formatMac((d[o] << 8) | d[o + 1], ((d[o + 2] << 24) | (d[o + 3] << 16) | (d[o + 4] << 8) | d[o + 5]) >>> 0);
}

function ipv4(d: Uint8Array, o: number): string {
  return formatIPv4(((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0);
}

class ArpSession implements L2Session {
  private readonly ctx: L2Context;
  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  frame(p: Packet): void {
    const d = p.data;
    const o = p.l2PayloadOff;
    const n = p.end - o;
    if (n < 8) {
      this.ctx.event('truncated', `${n} bytes`);
      return;
    }
    const htype = (d[o] << 8) | d[o + 1];
    const ptype = (d[o + 2] << 8) | d[o + 3];
    const hlen = d[o + 4];
    const plen = d[o + 5];
    const op = (d[o + 6] << 8) | d[o + 7];
    // Only Ethernet/IPv4 ARP carries addresses the inventory can use; others are counted.
    if (htype !== 1 || ptype !== 0x0800 || hlen !== 6 || plen !== 4) {
      this.ctx.event('unsupported_address_types', `htype ${htype} ptype 0x${ptype.toString(16)} hlen ${hlen} plen ${plen}`);
      return;
    }
    if (n < 28) {
      this.ctx.event('truncated', `${n} bytes`);
      return;
    }
    const srcMac = p.macOff >= 0 ? mac(p.frame, p.macOff + 6) : '';
    const sha = mac(d, o + 8);
    const spa = ipv4(d, o + 14);
    const tpa = ipv4(d, o + 24);
    const rec: ArpRecord = {
      ts: this.ctx.ts,
      src_mac: srcMac,
      dst_mac: p.macOff >= 0 ? mac(p.frame, p.macOff) : '',
      vlan: p.vlan >= 0 ? p.vlan : undefined,
      operation: ARP_OPERATIONS[op] ?? `unknown-${op}`,
      operation_code: op,
      orig_mac: sha,
      orig_h: spa,
      resp_mac: mac(d, o + 18),
      resp_h: tpa,
      gratuitous: (op === 1 || op === 2) && spa === tpa && spa !== '0.0.0.0',
      sha_mismatch: srcMac !== '' && srcMac !== sha,
    };
    if (ARP_OPERATIONS[op] === undefined) this.ctx.event('unknown_operation', `operation ${op}`);
    this.ctx.record('arp', rec as unknown as Record<string, unknown>);
  }

  end(): void {}
}

export const arp: L2ProtocolDef = {
  id: 'arp',
  ethertypes: [ETHERTYPE_ARP],
  create: (ctx) => new ArpSession(ctx),
  records: { arp: ARP_FIELDS },
  events: {
    truncated: 'an ARP packet shorter than its header or its addresses',
    unsupported_address_types: 'ARP for other hardware or protocol address types than Ethernet and IPv4 (counted, no record)',
    unknown_operation: 'an operation code the IANA registry does not name (recorded as data)',
  },
};
