// DNS over UDP and TCP, and its multicast relatives mDNS (UDP 5353) and LLMNR (UDP 5355):
// one protocol, `dns`, whose records say which (`variant`), as Zeek logs all three in
// dns.log. See docs/protocols/dns.md.
//
// Detection: on the ports (UDP 53, 5353, 5355; TCP 53) a message whose header is sane
// (a known opcode, at most 25 questions, counts that fit the bytes) and whose questions
// parse. On any other port the probe is strict: one question, opcode 0, a name made of
// labels, class IN/CH/HS/ANY/NONE, and every record walking to exactly the end of the
// message (TCP: the whole first message in the first segment). NetBIOS ports (137, 138)
// are left to the netbios dissector.
import { NameReader } from '../../dissect/dns-name.ts';
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { DNS_HEADER_LEN, DNS_PORT, LLMNR_PORT, MDNS_PORT, isKnownOpcode } from './constants.ts';
import { MAX_QUESTIONS, readU16 } from './parser.ts';
import { DNS_FIELDS, RECORD_DNS } from './records.ts';
import { DNS_EVENTS, DnsSession } from './session.ts';

const probeNames = new NameReader();

function validClass(c: number): boolean {
  const k = c & 0x7fff;
  return k === 1 || k === 3 || k === 4 || k === 254 || k === 255;
}

/**
 * Whether d[off, off + len) (a whole message) looks like DNS. `loose`: on a DNS port (the
 * header and the questions must parse); else every part must.
 */
export function looksLikeDns(d: Uint8Array, off: number, len: number, loose: boolean): boolean {
  if (len < DNS_HEADER_LEN) return false;
  const flags = readU16(d, off + 2);
  const opcode = (flags >> 11) & 0x0f;
  const qd = readU16(d, off + 4);
  const an = readU16(d, off + 6);
  const ns = readU16(d, off + 8);
  const ar = readU16(d, off + 10);
  const rrs = an + ns + ar;
  if (DNS_HEADER_LEN + 5 * qd + 11 * rrs > len) return false;
  const end = off + len;
  let p = off + DNS_HEADER_LEN;
  if (loose) {
    if (qd > MAX_QUESTIONS) return false;
    if (qd === 0 && ((flags & 0x8000) === 0 || rrs === 0)) return false;
  } else {
    if (opcode !== 0 || qd !== 1 || rrs > 64 || (flags & 0x0040) !== 0 || (flags & 0x0f) > 5) return false;
    // A query carries no answers; a response has the QR bit.
    if ((flags & 0x8000) === 0 && an !== 0) return false;
  }
  for (let i = 0; i < qd; i++) {
    const q = probeNames.skip(d, off, end, p);
    if (q < 0 || q + 4 > end) return false;
    if (readU16(d, q) === 0 || !validClass(readU16(d, q + 2))) return false;
    if (!loose && q === p + 1) return false; // the root: a real query names something
    p = q + 4;
  }
  if (loose && qd > 0) return true;
  // Walk the records: owner name, type, class, TTL, data length, data.
  const maxRrs = loose ? Math.min(rrs, 1) : rrs;
  for (let i = 0; i < maxRrs; i++) {
    const q = probeNames.skip(d, off, end, p);
    if (q < 0 || q + 10 > end) return false;
    const rdlen = readU16(d, q + 8);
    if (q + 10 + rdlen > end) return false;
    p = q + 10 + rdlen;
  }
  return loose || p === end;
}

export function probeDns(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.srcPort === 137 || hint.dstPort === 137 || hint.srcPort === 138 || hint.dstPort === 138) return PROBE.NO;
  if (hint.transport === 'udp') return looksLikeDns(d, off, len, hint.portMatch) ? PROBE.YES : PROBE.NO;
  if (len < 2) return PROBE.MAYBE;
  const n = readU16(d, off);
  if (n < DNS_HEADER_LEN) return PROBE.NO;
  if (len - 2 >= n) return looksLikeDns(d, off + 2, n, hint.portMatch) ? PROBE.YES : PROBE.NO;
  if (!hint.portMatch) return PROBE.NO;
  // On port 53, a message may span segments: judge the header now, the rest later.
  if (len < 2 + DNS_HEADER_LEN) return PROBE.MAYBE;
  return isKnownOpcode((d[off + 4] >> 3) & 0x0f) && readU16(d, off + 6) <= MAX_QUESTIONS ? PROBE.YES : PROBE.NO;
}

export const dns: ProtocolDef = {
  id: 'dns',
  udpPorts: [DNS_PORT, MDNS_PORT, LLMNR_PORT],
  tcpPorts: [DNS_PORT],
  probe: probeDns,
  create(ctx, transport) {
    return new DnsSession(ctx, transport);
  },
  records: { [RECORD_DNS]: DNS_FIELDS },
  events: DNS_EVENTS,
};
