// Address formatting: IPv4 dotted quads, IPv6 as RFC 5952 text (what Zeek and tshark print),
// MAC addresses with colons. Only called when a record is built, never per packet.

export function formatIPv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** RFC 5952: lower-case hex, leading zeros dropped, the longest run (>= 2) of zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIPv6(w0: number, w1: number, w2: number, w3: number): string {
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return '::ffff:' + formatIPv4(w3 >>> 0);
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestAt < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestAt).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestAt + bestLen).map((x) => x.toString(16)).join(':');
  return head + '::' + tail;
}

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A MAC address kept as two numbers (the first 2 bytes, the last 4) → "00:11:22:aa:bb:cc". */
export function formatMac(hi: number, lo: number): string {
  return (
    HEX2[(hi >>> 8) & 255] + ':' + HEX2[hi & 255] + ':' + HEX2[lo >>> 24] + ':' + HEX2[(lo >>> 16) & 255] + ':' + HEX2[(lo >>> 8) & 255] + ':' + HEX2[lo & 255]
  );
}

export function ipv4Bytes(a: number): Uint8Array {
  return new Uint8Array([a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255]);
}

export function ipv6Bytes(w0: number, w1: number, w2: number, w3: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, w0 >>> 0);
  v.setUint32(4, w1 >>> 0);
  v.setUint32(8, w2 >>> 0);
  v.setUint32(12, w3 >>> 0);
  return b;
}
