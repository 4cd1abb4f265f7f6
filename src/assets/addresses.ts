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

function v4(ip: string): number[] | null {
  const p = ip.split('.');
  if (p.length !== 4) return null;
  const n = p.map(Number);
  return n.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? n : null;
}

/** An address of one host: not unspecified, broadcast, multicast, or (IPv4) a /24 broadcast-looking .255 in a private range. */
export function isUnicastIp(ip: string): boolean {
  const a = v4(ip);
  if (a !== null) {
    if (a[0] === 0 || a[0] >= 224 || a[0] === 127) return false;
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
  if (a !== null) {
    return a[0] === 10 || (a[0] === 172 && a[1] >= 16 && a[1] < 32) || (a[0] === 192 && a[1] === 168) ||
      (a[0] === 169 && a[1] === 254) || (a[0] === 100 && a[1] >= 64 && a[1] < 128);
  }
  const l = ip.toLowerCase();
  return l.startsWith('fe8') || l.startsWith('fe9') || l.startsWith('fea') || l.startsWith('feb') || l.startsWith('fc') || l.startsWith('fd');
}

export function isIPv4(ip: string): boolean {
  return v4(ip) !== null;
}

/** The /24 of an IPv4 address (`10.1.2.0/24`), or the /64 of an IPv6 one; '' for neither. */
export function subnetOf(ip: string): string {
  const a = v4(ip);
  if (a !== null) return `${a[0]}.${a[1]}.${a[2]}.0/24`;
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
