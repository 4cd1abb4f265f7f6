// Genisys messages: the bytes between a header and its terminator are taken one at a time
// (so the result cannot depend on how TCP cut the stream); at the terminator the CRC is read
// off the end and the station address and address/data pairs before it are unescaped. Pure:
// no flow state, no records.
import { ESCAPE, TERMINATOR, crcByte, hasCrc } from './constants.ts';

/** Escaped bytes between a header and its terminator, at most. The longest legal message
 * (station, 256 address/data pairs, CRC, every byte escaped) is 1030 bytes. */
export const MAX_RAW = 2048;

/** What feed() says about a byte. */
export const FEED = {
  /** The byte was taken; the message goes on. */
  MORE: 0,
  /** The terminator: the message is complete. */
  DONE: 1,
  /** The message is longer than MAX_RAW escaped bytes. */
  TOO_LONG: 2,
} as const;

/** Problems of a complete message (bits). */
export const PROBLEM = {
  /** An escape byte followed by more than a nibble (or ending the message), or a raw byte above 0xF0 among station and data. */
  BAD_ESCAPE: 1,
  /** No station address, or not enough bytes for the CRC the header calls for. */
  SHORT: 2,
  /** The CRC does not match. */
  BAD_CRC: 4,
} as const;

/** One message being read, then read: reused for every message of a side. */
export class GenisysMsg {
  header = 0;
  /** The bytes between the header and the terminator, as sent (escaped). */
  readonly raw = new Uint8Array(MAX_RAW);
  rawLen = 0;
  /** Unescaped station and data (the CRC is left out). */
  readonly body = new Uint8Array(MAX_RAW);
  /** Bytes held in body. */
  n = 0;
  problems = 0;
  /** The first escape problem, for the event. */
  escapeDetail = '';
  /** Station (server) address; -1 when the message has none. */
  station = -1;
  crc = false;
  crcTransmitted = -1;
  crcCalculated = -1;
  /** Address/data bytes: body[1, n). */
  dataLen = 0;

  start(header: number): void {
    this.header = header;
    this.rawLen = 0;
    this.n = 0;
    this.problems = 0;
    this.escapeDetail = '';
    this.station = -1;
    this.crc = false;
    this.crcTransmitted = -1;
    this.crcCalculated = -1;
    this.dataLen = 0;
  }

  private badEscape(detail: string): void {
    if ((this.problems & PROBLEM.BAD_ESCAPE) === 0) this.escapeDetail = detail;
    this.problems |= PROBLEM.BAD_ESCAPE;
  }

  /** One byte after the header (see FEED). */
  feed(b: number): number {
    if (b === TERMINATOR) {
      this.finish();
      return FEED.DONE;
    }
    if (this.rawLen === MAX_RAW) return FEED.TOO_LONG;
    this.raw[this.rawLen++] = b;
    return FEED.MORE;
  }

  /**
   * Splits the complete message. The CRC is read backwards from the terminator, as ICSNPP
   * does: each of its two bytes may be escaped (0xF0, nibble) or sent as it is (the corpus
   * trace sends CRC bytes from 0xF0 up unescaped). Station and data before it are unescaped
   * and checked.
   */
  private finish(): void {
    const raw = this.raw;
    const rawLen = this.rawLen;
    // Unescaped length of everything, to tell a poll with a CRC from one without.
    let all = 0;
    for (let i = 0; i < rawLen; i++) {
      all++;
      if (raw[i] === ESCAPE && i + 1 < rawLen) i++;
    }
    let bodyEnd = rawLen;
    this.crc = all > 0 && hasCrc(this.header, all);
    if (this.crc) {
      if (all < 3) {
        // A CRC is due but the station address and two CRC bytes are not all there.
        this.crc = false;
        this.problems |= PROBLEM.SHORT;
      } else {
        let i = rawLen - 1;
        let hi = raw[i--];
        if (i >= 0 && raw[i] === ESCAPE) {
          hi |= ESCAPE;
          i--;
        }
        let lo = raw[i--];
        if (i >= 0 && raw[i] === ESCAPE) {
          lo |= ESCAPE;
          i--;
        }
        bodyEnd = i + 1;
        this.crcTransmitted = lo | (hi << 8);
      }
    }
    // Unescape station and data.
    let n = 0;
    for (let i = 0; i < bodyEnd; i++) {
      const b = raw[i];
      if (b === ESCAPE) {
        if (i + 1 >= bodyEnd) {
          this.badEscape('escape byte at the end of the message');
          this.body[n++] = b;
          continue;
        }
        const c = raw[++i];
        // ICSNPP keeps ESCAPE | c whatever c is; a legal escape is followed by a nibble.
        if (c > 0x0f) this.badEscape(`escape byte followed by 0x${c.toString(16)}`);
        this.body[n++] = ESCAPE | c;
      } else {
        if (b > ESCAPE) this.badEscape(`unescaped byte 0x${b.toString(16)} inside a message`);
        this.body[n++] = b;
      }
    }
    this.n = n;
    if (n === 0) {
      this.problems |= PROBLEM.SHORT;
      this.crc = false;
      return;
    }
    this.station = this.body[0];
    this.dataLen = n - 1;
    if (!this.crc) return;
    let c = crcByte(0xffff, this.header);
    for (let i = 0; i < n; i++) c = crcByte(c, this.body[i]);
    this.crcCalculated = c;
    if (c !== this.crcTransmitted) this.problems |= PROBLEM.BAD_CRC;
  }

  /** The address/data pairs as ICSNPP writes them (`address=data`, decimal); a trailing odd byte is left out, as ICSNPP does. */
  pairs(): string[] {
    const out: string[] = [];
    const end = this.n - 1;
    for (let i = 1; i < end; i += 2) out.push(`${this.body[i]}=${this.body[i + 1]}`);
    return out;
  }
}
