// Bytes from the wire as record text, the same way for every protocol that logs names and
// strings (DNS names, DHCP host names, NetBIOS names, SSDP headers): printable ASCII as it
// is, valid UTF-8 sequences as their characters, every other byte (a control character,
// DEL, a byte that starts no valid UTF-8 sequence) as the four characters `\xNN` — the form
// Zeek's logs give such bytes, so a record never holds a raw control character and keeps
// every byte it read. Called when a record is built, not per packet.

const HEX = '0123456789abcdef';

function esc(c: number): string {
  return '\\x' + HEX[c >> 4] + HEX[c & 15];
}

/** Length of the valid UTF-8 sequence starting at d[i] (2..4), or 0 when none starts there. */
function utf8Length(d: Uint8Array, i: number, end: number): number {
  const c = d[i];
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > end) return 0;
  let cp = c & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) {
    const b = d[i + k];
    if ((b & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** d[off, off + len) as record text (see the file comment). */
export function bytesText(d: Uint8Array, off: number, len: number): string {
  const end = off + len;
  let plain = true;
  for (let i = off; i < end; i++) {
    const c = d[i];
    if (c < 0x20 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) {
    if (len <= 1024) return String.fromCharCode.apply(null, d.subarray(off, end) as unknown as number[]);
    let s = '';
    for (let i = off; i < end; i += 1024) s += String.fromCharCode.apply(null, d.subarray(i, Math.min(end, i + 1024)) as unknown as number[]);
    return s;
  }
  let s = '';
  for (let i = off; i < end; ) {
    const c = d[i];
    if (c >= 0x20 && c <= 0x7e) {
      s += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = c >= 0x80 ? utf8Length(d, i, end) : 0;
    if (n === 0) {
      s += esc(c);
      i++;
      continue;
    }
    let cp = c & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
    for (let k = 1; k < n; k++) cp = (cp << 6) | (d[i + k] & 0x3f);
    s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}

/** Lower-case hex of d[off, off + len) (byte strings that are not text). */
export function bytesHex(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += HEX[d[i] >> 4] + HEX[d[i] & 15];
  return s;
}

/** `aa:bb:cc:dd:ee:ff` for a hardware address of any length (DHCP chaddr, DUID link-layer addresses). */
export function bytesMac(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) {
    if (i > off) s += ':';
    s += HEX[d[i] >> 4] + HEX[d[i] & 15];
  }
  return s;
}

/** The dotted quad of the 4 bytes at d[off]. */
export function ipv4Text(d: Uint8Array, off: number): string {
  return `${d[off]}.${d[off + 1]}.${d[off + 2]}.${d[off + 3]}`;
}

/** RFC 5952 text of the 16 bytes at d[off] (what Zeek and tshark print). */
export function ipv6Text(d: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((d[off + 2 * i] << 8) | d[off + 2 * i + 1]);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return '::ffff:' + ipv4Text(d, off + 12);
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
  return g.slice(0, bestAt).map((x) => x.toString(16)).join(':') + '::' + g.slice(bestAt + bestLen).map((x) => x.toString(16)).join(':');
}
