// One DHCP/BOOTP message (RFC 2131 §2, options RFC 2132): the fixed BOOTP header, the magic
// cookie, and the options, including those moved into the `file` and `sname` fields by
// option 52 (overload). Pure: bytes in, a reused DhcpMsg out, problems as flags.
//
// Every option length is checked against the bytes left before it is read; a pad is one
// byte, the end option stops a field. Strings are record text (src/dissect/text.ts).
import type { NameReader } from '../../dissect/dns-name.ts';
import { NAME_OK } from '../../dissect/dns-name.ts';
import { bytesMac, bytesText, ipv4Text } from '../../dissect/text.ts';
import {
  BOOTP_LEN, FILE_LEN, FILE_OFF, MAGIC_COOKIE, OPTIONS_OFF, OPT_CLIENT_FQDN, OPT_CLIENT_ID, OPT_DNS_SERVER, OPT_DOMAIN_NAME, OPT_END,
  OPT_HOST_NAME, OPT_LEASE_TIME, OPT_MESSAGE, OPT_MESSAGE_TYPE, OPT_OVERLOAD, OPT_PAD, OPT_PARAM_LIST, OPT_RELAY_AGENT,
  OPT_REQUESTED_ADDR, OPT_ROUTER, OPT_SERVER_ID, OPT_SUBNET_MASK, OPT_USER_CLASS, OPT_VENDOR_CLASS, SNAME_LEN, SNAME_OFF,
} from './constants.ts';

export const PROBLEM = {
  /** The message is shorter than the BOOTP header. */
  TRUNCATED: 1,
  /** An option whose length runs past its field, or an options field without an end option. */
  BAD_OPTION: 2,
  /** No magic cookie: a plain BOOTP message (options are not read). */
  NO_COOKIE: 4,
  /** hlen larger than the 16-byte chaddr field. */
  BAD_HLEN: 8,
  /** An option whose content does not fit its definition (an address option not a multiple of 4 bytes…). */
  BAD_VALUE: 16,
} as const;

/** Option 81 names are never compressed (RFC 4702 §2.3.1). */
const NO_POINTERS = { pointers: false } as const;

/** Addresses kept per list option. */
const MAX_ADDRS = 16;

function readU32(d: Uint8Array, off: number): number {
  return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
}

const ZERO = '0.0.0.0';

/** One parsed message. Reused: parseDhcp resets every field. */
export class DhcpMsg {
  op = 0;
  htype = 0;
  hlen = 0;
  xid = 0;
  ciaddr = ZERO;
  yiaddr = ZERO;
  siaddr = ZERO;
  giaddr = ZERO;
  /** The client hardware address (hlen bytes of chaddr), `aa:bb:…`; '' when hlen is 0. */
  chaddr = '';
  hasCookie = false;
  /** Option 53, -1 without it. */
  msgType = -1;
  hostName: string | undefined = undefined;
  domain: string | undefined = undefined;
  requestedAddr: string | undefined = undefined;
  serverId: string | undefined = undefined;
  leaseTime = -1;
  message: string | undefined = undefined;
  vendorClass: string | undefined = undefined;
  userClass: string | undefined = undefined;
  /** Option 61 as colon hex; its hardware type and address when the type is 1 (Ethernet, 6 bytes). */
  clientId: string | undefined = undefined;
  clientIdMac: string | undefined = undefined;
  /** Option 55: the option numbers asked for, comma-joined (the fingerprint Fingerbank uses). */
  paramList: string | undefined = undefined;
  /** Option 81: the domain name. */
  clientFqdn: string | undefined = undefined;
  subnetMask: string | undefined = undefined;
  routers: string[] | null = null;
  dnsServers: string[] | null = null;
  /** Option 82 sub-options 1 and 2, colon hex. */
  circuitId: string | undefined = undefined;
  remoteId: string | undefined = undefined;
  problems = 0;
  detail = '';

  reset(): void {
    this.op = this.htype = this.hlen = this.xid = 0;
    this.ciaddr = this.yiaddr = this.siaddr = this.giaddr = ZERO;
    this.chaddr = '';
    this.hasCookie = false;
    this.msgType = this.leaseTime = -1;
    this.hostName = this.domain = this.requestedAddr = this.serverId = this.message = this.vendorClass = this.userClass = undefined;
    this.clientId = this.clientIdMac = this.paramList = this.clientFqdn = this.subnetMask = this.circuitId = this.remoteId = undefined;
    this.routers = this.dnsServers = null;
    this.problems = 0;
    this.detail = '';
  }

  /** Detail of each problem flag's first occurrence, by bit. */
  private readonly details: string[] = ['', '', '', '', '', '', '', ''];

  problem(flag: number, detail: string): void {
    if (this.problems === 0) this.detail = detail;
    if ((this.problems & flag) === 0) this.details[31 - Math.clz32(flag)] = detail;
    this.problems |= flag;
  }

  /** The detail of problem `flag` (of its first occurrence in the message). */
  detailOf(flag: number): string {
    return (this.problems & flag) !== 0 ? this.details[31 - Math.clz32(flag)] : '';
  }
}

/** Parses d[off, off + len); false when shorter than the BOOTP header. */
export function parseDhcp(d: Uint8Array, off: number, len: number, m: DhcpMsg, names: NameReader): boolean {
  m.reset();
  if (len < BOOTP_LEN) {
    m.problem(PROBLEM.TRUNCATED, `${len} bytes`);
    return false;
  }
  const end = off + len;
  m.op = d[off];
  m.htype = d[off + 1];
  m.hlen = d[off + 2];
  m.xid = readU32(d, off + 4);
  m.ciaddr = ipv4Text(d, off + 12);
  m.yiaddr = ipv4Text(d, off + 16);
  m.siaddr = ipv4Text(d, off + 20);
  m.giaddr = ipv4Text(d, off + 24);
  let hlen = m.hlen;
  if (hlen > 16) {
    m.problem(PROBLEM.BAD_HLEN, `hlen ${hlen}`);
    hlen = 16;
  }
  m.chaddr = hlen > 0 ? bytesMac(d, off + 28, hlen) : '';
  if (len < OPTIONS_OFF || readU32(d, off + BOOTP_LEN) !== MAGIC_COOKIE) {
    m.problem(PROBLEM.NO_COOKIE, 'no magic cookie');
    return true;
  }
  m.hasCookie = true;
  const overload = options(d, off + OPTIONS_OFF, end, m, names, true);
  // RFC 2131 §4.1: the file field is read before sname.
  if ((overload & 1) !== 0) options(d, off + FILE_OFF, off + FILE_OFF + FILE_LEN, m, names, false);
  if ((overload & 2) !== 0) options(d, off + SNAME_OFF, off + SNAME_OFF + SNAME_LEN, m, names, false);
  return true;
}

/** Reads the options of one field; returns the overload option's value (0 without one). */
function options(d: Uint8Array, p: number, end: number, m: DhcpMsg, names: NameReader, main: boolean): number {
  let overload = 0;
  while (p < end) {
    const code = d[p];
    if (code === OPT_PAD) {
      p++;
      continue;
    }
    if (code === OPT_END) return overload;
    if (p + 2 > end || p + 2 + d[p + 1] > end) {
      m.problem(PROBLEM.BAD_OPTION, `option ${code} runs past the ${main ? 'options' : 'overloaded'} field`);
      return overload;
    }
    const n = d[p + 1];
    const v = p + 2;
    switch (code) {
      case OPT_MESSAGE_TYPE:
        if (n >= 1) m.msgType = d[v];
        break;
      case OPT_HOST_NAME:
        m.hostName = bytesText(d, v, trimNul(d, v, n));
        break;
      case OPT_DOMAIN_NAME:
        m.domain = bytesText(d, v, trimNul(d, v, n));
        break;
      case OPT_REQUESTED_ADDR:
        if (n === 4) m.requestedAddr = ipv4Text(d, v);
        else m.problem(PROBLEM.BAD_VALUE, `option 50 of ${n} bytes`);
        break;
      case OPT_SERVER_ID:
        if (n === 4) m.serverId = ipv4Text(d, v);
        else m.problem(PROBLEM.BAD_VALUE, `option 54 of ${n} bytes`);
        break;
      case OPT_LEASE_TIME:
        if (n === 4) m.leaseTime = readU32(d, v);
        else m.problem(PROBLEM.BAD_VALUE, `option 51 of ${n} bytes`);
        break;
      case OPT_OVERLOAD:
        if (main && n === 1) overload = d[v] & 3;
        break;
      case OPT_MESSAGE:
        m.message = bytesText(d, v, n);
        break;
      case OPT_VENDOR_CLASS:
        m.vendorClass = bytesText(d, v, n);
        break;
      case OPT_USER_CLASS:
        m.userClass = bytesText(d, v, n);
        break;
      case OPT_CLIENT_ID:
        if (n >= 1) {
          m.clientId = bytesMac(d, v, n);
          if (d[v] === 1 && n === 7) m.clientIdMac = bytesMac(d, v + 1, 6);
        }
        break;
      case OPT_PARAM_LIST: {
        let s = '';
        for (let i = 0; i < n; i++) s += i === 0 ? String(d[v + i]) : ',' + d[v + i];
        m.paramList = s;
        break;
      }
      case OPT_CLIENT_FQDN:
        // Flags, RCODE1, RCODE2, then the name: DNS wire format when the E flag (4) is set
        // (RFC 4702 §2.3.1), else ASCII (the deprecated form Windows sends).
        if (n >= 3) {
          if ((d[v] & 0x04) !== 0) {
            const name = names.read(d, v + 3, v + n, v + 3, NO_POINTERS);
            if (names.problem !== NAME_OK) m.problem(PROBLEM.BAD_VALUE, 'option 81: bad name');
            m.clientFqdn = name;
          } else m.clientFqdn = bytesText(d, v + 3, trimNul(d, v + 3, n - 3));
        }
        break;
      case OPT_SUBNET_MASK:
        if (n === 4) m.subnetMask = ipv4Text(d, v);
        break;
      case OPT_ROUTER:
        m.routers = addrList(d, v, n, m, code);
        break;
      case OPT_DNS_SERVER:
        m.dnsServers = addrList(d, v, n, m, code);
        break;
      case OPT_RELAY_AGENT:
        relayAgent(d, v, v + n, m);
        break;
      default:
        break;
    }
    p = v + n;
  }
  if (main) m.problem(PROBLEM.BAD_OPTION, 'no end option');
  return overload;
}

/** Length without trailing NULs (some clients count a terminating NUL in a string option). */
function trimNul(d: Uint8Array, v: number, n: number): number {
  while (n > 0 && d[v + n - 1] === 0) n--;
  return n;
}

function addrList(d: Uint8Array, v: number, n: number, m: DhcpMsg, code: number): string[] {
  if (n % 4 !== 0) m.problem(PROBLEM.BAD_VALUE, `option ${code} of ${n} bytes`);
  const out: string[] = [];
  for (let i = 0; i + 4 <= n && out.length < MAX_ADDRS; i += 4) out.push(ipv4Text(d, v + i));
  return out;
}

/** Option 82 (RFC 3046): sub-option 1 circuit id, 2 remote id. */
function relayAgent(d: Uint8Array, p: number, end: number, m: DhcpMsg): void {
  while (p + 2 <= end) {
    const sub = d[p];
    const n = d[p + 1];
    if (p + 2 + n > end) {
      m.problem(PROBLEM.BAD_VALUE, 'option 82: sub-option runs past the option');
      return;
    }
    if (sub === 1) m.circuitId = bytesMac(d, p + 2, n);
    else if (sub === 2) m.remoteId = bytesMac(d, p + 2, n);
    p += 2 + n;
  }
}
