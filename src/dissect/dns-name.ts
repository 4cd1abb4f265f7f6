// Domain names in the DNS wire format (RFC 1035 §3.1, §4.1.4), shared by the protocols that
// carry them: DNS/mDNS/LLMNR, NetBIOS name service (RFC 1002 names are DNS names), DHCP
// (options 81 and 119) and DHCPv6 (options 24 and 39).
//
// A name is a sequence of labels (a length byte 1..63 and that many bytes), ended by a zero
// byte or by a compression pointer (two bytes 0b11 + 14-bit offset from the message start).
// Pointers must point backwards (to bytes before the pointer), as Zeek requires: a forward
// or self pointer is BAD_POINTER, which also makes loops impossible; the number of pointers
// followed is capped anyway (MAX_POINTERS), and so is the name's text (MAX_NAME_BYTES).
// Label types 0b01 and 0b10 (RFC 2671 extended labels, never deployed) are BAD_LABEL.
// One reader is reused: read() fills `end`, `problem` and the text, and allocates only the
// returned string.
import { bytesText } from './text.ts';

export const NAME_OK = 0;
/** The name runs past the end of the message. */
export const NAME_TRUNCATED = 1;
/** A compression pointer that points forward, at itself, or outside the message. */
export const NAME_BAD_POINTER = 2;
/** More than MAX_POINTERS pointers followed. */
export const NAME_TOO_MANY_POINTERS = 3;
/** The text would exceed MAX_NAME_BYTES. */
export const NAME_TOO_LONG = 4;
/** A length byte with the reserved label types 0x40 or 0x80. */
export const NAME_BAD_LABEL = 5;

export const NAME_PROBLEMS = ['ok', 'truncated', 'bad compression pointer', 'too many compression pointers', 'name too long', 'bad label type'] as const;

/** Compression pointers followed per name. */
export const MAX_POINTERS = 32;
/** Bytes of name text kept (labels and dots); RFC 1035 allows 255 on the wire, Zeek keeps 512. */
export const MAX_NAME_BYTES = 512;

export interface NameOptions {
  /** Lower-case ASCII letters (Zeek does for question names). */
  lower?: boolean;
  /** Longest label accepted (63 in DNS; NetBIOS names are one 32-byte label, and scopes follow DNS rules). */
  maxLabel?: number;
  /** Whether compression pointers are allowed at all (DHCP option 81 and DHCPv6 names must not use them). */
  pointers?: boolean;
}

export class NameReader {
  /** Offset just after the name where it started (after its zero byte or its first pointer). */
  end = 0;
  /** NAME_OK or the problem that stopped the read (the text read so far is still returned). */
  problem = NAME_OK;
  /** Labels read. */
  labels = 0;
  /** Offset and length of the first label (NetBIOS reads its encoded name from there). */
  firstLabelOff = -1;
  firstLabelLen = 0;
  private readonly buf = new Uint8Array(MAX_NAME_BYTES);

  /**
   * Reads the name at d[pos]; the message is d[msgOff, msgEnd) (pointers are relative to
   * msgOff). Returns the labels joined with '.', '' for the root.
   */
  read(d: Uint8Array, msgOff: number, msgEnd: number, pos: number, opts?: NameOptions): string {
    const maxLabel = opts?.maxLabel ?? 63;
    const lower = opts?.lower === true;
    const pointers = opts?.pointers !== false;
    const buf = this.buf;
    let n = 0;
    let p = pos;
    let jumps = 0;
    let end = -1;
    this.problem = NAME_OK;
    this.labels = 0;
    this.firstLabelOff = -1;
    this.firstLabelLen = 0;
    for (;;) {
      if (p >= msgEnd) {
        this.problem = NAME_TRUNCATED;
        break;
      }
      const c = d[p];
      if (c === 0) {
        if (end < 0) end = p + 1;
        break;
      }
      const kind = c & 0xc0;
      if (kind === 0xc0) {
        if (!pointers) {
          this.problem = NAME_BAD_POINTER;
          break;
        }
        if (p + 1 >= msgEnd) {
          this.problem = NAME_TRUNCATED;
          break;
        }
        const target = msgOff + (((c & 0x3f) << 8) | d[p + 1]);
        if (end < 0) end = p + 2;
        if (target >= p) {
          this.problem = NAME_BAD_POINTER;
          break;
        }
        if (++jumps > MAX_POINTERS) {
          this.problem = NAME_TOO_MANY_POINTERS;
          break;
        }
        p = target;
        continue;
      }
      if (kind !== 0 || c > maxLabel) {
        this.problem = NAME_BAD_LABEL;
        break;
      }
      if (p + 1 + c > msgEnd) {
        this.problem = NAME_TRUNCATED;
        break;
      }
      if (n + c + 1 > MAX_NAME_BYTES) {
        this.problem = NAME_TOO_LONG;
        break;
      }
      if (this.labels === 0) {
        this.firstLabelOff = p + 1;
        this.firstLabelLen = c;
      }
      if (n > 0) buf[n++] = 0x2e;
      for (let i = 1; i <= c; i++) {
        let b = d[p + i];
        if (lower && b >= 0x41 && b <= 0x5a) b += 0x20;
        buf[n++] = b;
      }
      this.labels++;
      p += 1 + c;
    }
    this.end = end >= 0 ? end : msgEnd;
    return n === 0 ? '' : bytesText(buf, 0, n);
  }

  /**
   * Skips the name at d[pos] without building text: returns the offset after it, or -1 when
   * it is not a well-formed name (for probes).
   */
  skip(d: Uint8Array, msgOff: number, msgEnd: number, pos: number, maxLabel = 63): number {
    let p = pos;
    for (let labels = 0; labels < 128; labels++) {
      if (p >= msgEnd) return -1;
      const c = d[p];
      if (c === 0) return p + 1;
      if ((c & 0xc0) === 0xc0) {
        if (p + 1 >= msgEnd) return -1;
        return msgOff + (((c & 0x3f) << 8) | d[p + 1]) < p ? p + 2 : -1;
      }
      if ((c & 0xc0) !== 0 || c > maxLabel || p + 1 + c > msgEnd) return -1;
      p += 1 + c;
    }
    return -1;
  }
}
