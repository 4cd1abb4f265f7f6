// Community ID flow hashing, version 1 (github.com/corelight/community-id-spec).
// The same flow gets the same "1:<base64 sha1>" string in Zeek, Suricata, Arkime, Elastic
// and Wireshark, so records can be joined across tools. The hash input, all big-endian:
//   seed (2) . lower addr (4|16) . higher addr (4|16) . proto (1) . 0 (1) [. port (2) . port (2)]
// Ports are present only for TCP, UDP, SCTP, ICMP and ICMPv6; for the ICMPs they are the
// message type and its counterpart type (request/reply pairs) or code (one-way messages),
// following Zeek's ICMP4_counterpart / ICMP6_counterpart as the spec's reference
// implementation (pycommunityid) does.

import { hash } from 'node:crypto';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMP6 = 58;
export const PROTO_SCTP = 132;

/** ICMPv4 request/reply types mapped to their counterpart; other types are one-way. */
const ICMP4_COUNTERPART: ReadonlyMap<number, number> = new Map([
  [8, 0], [0, 8], // echo request / reply
  [13, 14], [14, 13], // timestamp request / reply
  [15, 16], [16, 15], // information request / reply
  [10, 9], [9, 10], // router solicitation / advertisement
  [17, 18], [18, 17], // address mask request / reply
]);

/** ICMPv6 request/reply types mapped to their counterpart; other types are one-way. */
const ICMP6_COUNTERPART: ReadonlyMap<number, number> = new Map([
  [128, 129], [129, 128], // echo request / reply
  [130, 131], [131, 130], // multicast listener query / report
  [133, 134], [134, 133], // router solicitation / advertisement
  [135, 136], [136, 135], // neighbor solicitation / advertisement
  [139, 140], [140, 139], // node information ("who are you") query / reply
  [144, 145], [145, 144], // home agent address discovery request / reply
]);

/** Whether the protocol's Community ID includes ports (or ICMP type/code). */
export function communityIdHasPorts(proto: number): boolean {
  return proto === PROTO_TCP || proto === PROTO_UDP || proto === PROTO_SCTP ||
    proto === PROTO_ICMP || proto === PROTO_ICMP6;
}

// One scratch buffer per thread: the longest input is 2 + 16 + 16 + 2 + 4 = 40 bytes.
const scratch = new Uint8Array(40);

/** Returns -1, 0 or 1 comparing two addresses of equal length byte by byte. */
function compareAddr(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff) {
    throw new RangeError(`Community ID seed must be an integer 0..65535, got ${seed}`);
  }
}

// Maps ICMP type/code to port equivalents. Writes the result into `icmpPorts` and returns
// whether the message is one-way (then the endpoints keep their order).
const icmpPorts = [0, 0];
function mapIcmp(proto: number, type: number, code: number): boolean {
  const table = proto === PROTO_ICMP ? ICMP4_COUNTERPART : ICMP6_COUNTERPART;
  const counterpart = table.get(type);
  icmpPorts[0] = type;
  if (counterpart === undefined) {
    icmpPorts[1] = code;
    return true;
  }
  icmpPorts[1] = counterpart;
  return false;
}

/**
 * Community ID v1 of a flow, e.g. `1:wCb3OG7yAFWelaUydu0D+125CLM=`.
 * Addresses are network-order bytes, both 4 (IPv4) or both 16 (IPv6) long. For ICMP (1)
 * and ICMPv6 (58) pass the message type as `srcPort` and the code as `dstPort`. For
 * protocols without ports (anything but TCP, UDP, SCTP and the ICMPs) the ports are ignored.
 * Either direction of a flow gives the same ID, except for one-way ICMP messages.
 */
export function communityId(
  proto: number,
  srcIp: Uint8Array,
  dstIp: Uint8Array,
  srcPort: number,
  dstPort: number,
  seed = 0,
): string {
  const alen = srcIp.length;
  if ((alen !== 4 && alen !== 16) || dstIp.length !== alen) {
    throw new RangeError(`Community ID needs two IPv4 or two IPv6 addresses, got ${alen} and ${dstIp.length} bytes`);
  }
  checkSeed(seed);
  const withPorts = communityIdHasPorts(proto);
  let sp = srcPort & 0xffff;
  let dp = dstPort & 0xffff;
  let oneWay = false;
  if (withPorts && (proto === PROTO_ICMP || proto === PROTO_ICMP6)) {
    oneWay = mapIcmp(proto, sp, dp);
    sp = icmpPorts[0];
    dp = icmpPorts[1];
  }

  let lo = srcIp;
  let hi = dstIp;
  if (!oneWay) {
    const c = compareAddr(srcIp, dstIp);
    // The spec keeps the order only when src < dst, or the addresses are equal and
    // (with ports) srcPort < dstPort; otherwise both endpoints are flipped.
    if (!(c < 0 || (c === 0 && withPorts && sp < dp))) {
      lo = dstIp;
      hi = srcIp;
      const t = sp;
      sp = dp;
      dp = t;
    }
  }

  const b = scratch;
  b[0] = seed >>> 8;
  b[1] = seed & 0xff;
  b.set(lo, 2);
  b.set(hi, 2 + alen);
  let o = 2 + 2 * alen;
  b[o++] = proto & 0xff;
  b[o++] = 0;
  if (withPorts) {
    b[o++] = sp >>> 8;
    b[o++] = sp & 0xff;
    b[o++] = dp >>> 8;
    b[o++] = dp & 0xff;
  }
  return '1:' + hash('sha1', b.subarray(0, o), 'base64');
}

/**
 * The same as {@link communityId} for IPv4 with addresses as unsigned 32-bit numbers
 * (`a.b.c.d` is `(a << 24 | b << 16 | c << 8 | d) >>> 0`), so the hot path need not
 * build address byte arrays.
 */
export function communityIdV4(
  proto: number,
  srcIp: number,
  dstIp: number,
  srcPort: number,
  dstPort: number,
  seed = 0,
): string {
  checkSeed(seed);
  const withPorts = communityIdHasPorts(proto);
  let sa = srcIp >>> 0;
  let da = dstIp >>> 0;
  let sp = srcPort & 0xffff;
  let dp = dstPort & 0xffff;
  let oneWay = false;
  if (withPorts && (proto === PROTO_ICMP || proto === PROTO_ICMP6)) {
    oneWay = mapIcmp(proto, sp, dp);
    sp = icmpPorts[0];
    dp = icmpPorts[1];
  }
  if (!oneWay && !(sa < da || (sa === da && withPorts && sp < dp))) {
    const ta = sa;
    sa = da;
    da = ta;
    const tp = sp;
    sp = dp;
    dp = tp;
  }

  const b = scratch;
  b[0] = seed >>> 8;
  b[1] = seed & 0xff;
  b[2] = sa >>> 24;
  b[3] = (sa >>> 16) & 0xff;
  b[4] = (sa >>> 8) & 0xff;
  b[5] = sa & 0xff;
  b[6] = da >>> 24;
  b[7] = (da >>> 16) & 0xff;
  b[8] = (da >>> 8) & 0xff;
  b[9] = da & 0xff;
  b[10] = proto & 0xff;
  b[11] = 0;
  let o = 12;
  if (withPorts) {
    b[12] = sp >>> 8;
    b[13] = sp & 0xff;
    b[14] = dp >>> 8;
    b[15] = dp & 0xff;
    o = 16;
  }
  return '1:' + hash('sha1', b.subarray(0, o), 'base64');
}
