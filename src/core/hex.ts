// "0x"-prefixed hex numbers as ICSNPP's logs write them (Zeek's fmt("0x%02x") and the like).
// Dissectors write one or more per record (CIP service, class and instance ids; ENIP session
// handles…), a few million on a large capture: the common widths come from tables.

/** "0x00" … "0xff". */
const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push('0x' + (i < 16 ? '0' : '') + i.toString(16));

/** "0x0000" … "0xffff", made when first asked for. */
const HEX4: (string | undefined)[] = new Array<string | undefined>(65536).fill(undefined);

function pad(n: number, width: number): string {
  let s = (n >>> 0).toString(16);
  while (s.length < width) s = '0' + s;
  return '0x' + s;
}

/** "0x" and `n` (as an unsigned 32-bit value) in lower-case hex with at least `width` digits. */
export function hexNum(n: number, width: number): string {
  const u = n >>> 0;
  if (width === 2 && u < 256) return HEX2[u];
  if (width === 4 && u < 65536) return (HEX4[u] ??= pad(u, 4));
  return pad(u, width);
}

/** "00" … "ff". */
const BYTE: string[] = [];
for (let i = 0; i < 256; i++) BYTE.push((i < 16 ? '0' : '') + i.toString(16));

/** Lower-case hex of d[off, off + len), two digits a byte, of at most `max` bytes (all by default). */
export function hexBytes(d: Uint8Array, off: number, len: number, max: number = len): string {
  const n = len < max ? len : max;
  let s = '';
  for (let i = 0; i < n; i++) s += BYTE[d[off + i]];
  return s;
}
