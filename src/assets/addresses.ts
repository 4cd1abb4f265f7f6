// Address classes the inventory needs: which MAC and IP addresses name one device (unicast)
// and which name groups (broadcast, multicast), and which IPs are private.

/** A MAC address of one interface: not broadcast, not multicast (I/G bit), not all zeros. */
export function isUnicastMac(mac: string): boolean {
  if (mac.length !== 17 || mac === '00:00:00:00:00:00') return false;
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 1) === 0;
}

/** A broadcast or multicast MAC address (the I/G bit set): frames to it reach a group. */
export function isGroupMac(mac: string): boolean {
  if (mac.length !== 17) return false;
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/**
 * An IPv4 address's four octets packed into one number (first octet highest), or -1 when
 * `ip` is none: four dot-separated parts, each a number from 0 to 255 (as Number() reads it).
 */
function v4(ip: string): number {
  // Dotted decimal, the form every record has, is read without making strings.
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return v4Loose(ip);
  }
  if (dots !== 3 || digits === 0 || part > 255) return v4Loose(ip);
  return n * 256 + part;
}

/** v4 of any other spelling that Number() reads (empty parts, leading zeros beyond three digits, spaces). */
function v4Loose(ip: string): number {
  const p = ip.split('.');
  if (p.length !== 4) return -1;
  const n = p.map(Number);
  return n.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? ((n[0] * 256 + n[1]) * 256 + n[2]) * 256 + n[3] : -1;
}

/** Octet `i` (0: the first) of a packed v4 address. */
function octet(a: number, i: number): number {
  return Math.floor(a / 2 ** (8 * (3 - i))) % 256;
}

/** An address of one host: not unspecified, broadcast, multicast, or (IPv4) a /24 broadcast-looking .255 in a private range. */
export function isUnicastIp(ip: string): boolean {
  const a = v4(ip);
  if (a >= 0) {
    const a0 = octet(a, 0);
    if (a0 === 0 || a0 >= 224 || a0 === 127) return false;
    if (ip === '255.255.255.255') return false;
    return true;
  }
  const lower = ip.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  if (lower.startsWith('ff')) return false; // multicast
  return lower.includes(':');
}

/** RFC 1918, link-local, CGNAT and unique-local IPv6: addresses that stay inside a site. */
export function isPrivateIp(ip: string): boolean {
  const a = v4(ip);
  if (a >= 0) {
    const a0 = octet(a, 0);
    const a1 = octet(a, 1);
    return a0 === 10 || (a0 === 172 && a1 >= 16 && a1 < 32) || (a0 === 192 && a1 === 168) ||
      (a0 === 169 && a1 === 254) || (a0 === 100 && a1 >= 64 && a1 < 128);
  }
  const l = ip.toLowerCase();
  return l.startsWith('fe8') || l.startsWith('fe9') || l.startsWith('fea') || l.startsWith('feb') || l.startsWith('fc') || l.startsWith('fd');
}

export function isIPv4(ip: string): boolean {
  return v4(ip) >= 0;
}

/** The /24 of an IPv4 address (`10.1.2.0/24`), or the /64 of an IPv6 one; '' for neither. */
export function subnetOf(ip: string): string {
  const a = v4(ip);
  if (a >= 0) return `${octet(a, 0)}.${octet(a, 1)}.${octet(a, 2)}.0/24`;
  if (!ip.includes(':')) return '';
  const parts = expandV6(ip);
  return parts === null ? '' : `${parts.slice(0, 4).join(':')}::/64`;
}

function expandV6(ip: string): string[] | null {
  const [head, tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined ? [] : tail === '' ? [] : tail.split(':');
  if (tail === undefined && h.length !== 8) return null;
  const fill = 8 - h.length - t.length;
  if (fill < 0) return null;
  return [...h, ...Array(fill).fill('0'), ...t].map((x) => x.replace(/^0+(?=.)/, ''));
}
