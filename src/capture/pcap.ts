// Classic libpcap files (tcpdump.org/manpages/pcap-savefile.5.txt, draft-ietf-opsawg-pcap).
//
// A push parser on the hot path: one reused RawFrame, no allocation per packet. A record that
// lies wholly inside the pushed chunk is delivered as a view of that chunk; only a record that
// spans two pushes is copied, into one reused growable buffer. Everything read from the file is
// attacker-controlled: every length is checked against the bytes present before it is used, and
// every step of the loop consumes bytes.
import { PalisadeError } from '../core/errors.ts';
import { RawFrame } from './frame.ts';
import type { FrameSink } from './frame.ts';
import type { CaptureParser } from './parser.ts';

const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
/** Kuznetzov's patched libpcap ("modified" pcap) adds ifindex, protocol, pkt_type and a pad. */
const MODIFIED_RECORD_HEADER_LEN = 24;
/** libpcap's and Wireshark's largest sane snap length; a larger caplen is accepted only when the header's snaplen allows it. */
const STANDARD_MAX_CAPLEN = 262144;
/** Even a header snaplen of 4 GB does not let one record make us buffer more than this. */
const ABSOLUTE_MAX_CAPLEN = 1 << 28;
/** The spanning buffer shrinks back to this after carrying a larger record, so one jumbo record does not pin memory. */
const PEND_KEEP = 1 << 20;

/** Magic numbers as read big-endian from the first four bytes. */
export const PCAP_MAGIC = {
  USEC_BE: 0xa1b2c3d4,
  USEC_LE: 0xd4c3b2a1,
  NSEC_BE: 0xa1b23c4d,
  NSEC_LE: 0x4d3cb2a1,
  MODIFIED_BE: 0xa1b2cd34,
  MODIFIED_LE: 0x34cdb2a1,
} as const;

/** True when the four bytes at `b[0..4)` are one of the pcap magic numbers (either byte order). */
export function isPcapMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const m = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  for (const v of Object.values(PCAP_MAGIC)) if (v === m) return true;
  return false;
}

export interface PcapParserOptions {
  /** Names the input in error messages (normally the file path). */
  name?: string;
}

export class PcapParser implements CaptureParser {
  readonly format = 'pcap';
  /** Names the input in error messages. */
  readonly name: string;

  // File header, known once 24 bytes have arrived.
  /** True when the file was written little-endian. */
  littleEndian = false;
  /** True for the nanosecond variant (magic a1b23c4d). */
  nanosecond = false;
  /** True for Kuznetzov's "modified" pcap (magic a1b2cd34, 24-byte record headers). */
  modified = false;
  versionMajor = 0;
  versionMinor = 0;
  snaplen = 0;
  /** LINKTYPE_* (lower 16 bits of the header field); -1 until the header is read. */
  linktype = -1;
  /** FCS bytes at the end of every frame when the header says so (draft-ietf-opsawg-pcap "F" bit); null when it does not say. */
  fcsLength: number | null = null;

  #frames = 0;
  /** File offset of the first byte not yet consumed: the start of the record being assembled. */
  #recStart = 0;
  #headerDone = false;
  #hdrLen = RECORD_HEADER_LEN;
  #maxCaplen = STANDARD_MAX_CAPLEN;
  #tsDiv = 1e6;
  /** pcap < 2.3 may have caplen and wirelen swapped (libpcap's MAYBE_SWAPPED). */
  #maybeSwapped = false;
  #linktypes: number[] = [];

  // The record that spans pushes: pend[0, pendLen) holds its first bytes; pendNeed is its
  // known size so far (the header size until the header is complete).
  #pend: Uint8Array = new Uint8Array(256);
  #pendView: DataView = new DataView(this.#pend.buffer);
  #pendLen = 0;
  #pendNeed = FILE_HEADER_LEN;

  readonly #frame = new RawFrame();
  #failed: unknown = undefined;

  constructor(opts: PcapParserOptions = {}) {
    this.name = opts.name ?? 'capture';
  }

  get frames(): number {
    return this.#frames;
  }

  get offset(): number {
    return this.#recStart;
  }

  get linktypes(): readonly number[] {
    return this.#linktypes;
  }

  push(chunk: Uint8Array, sink: FrameSink): void {
    if (this.#failed !== undefined) throw this.#failed;
    try {
      const len = chunk.length;
      const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let pos = 0;
      while (pos < len) {
        if (this.#pendLen === 0 && this.#headerDone) {
          pos = this.#scan(chunk, dv, pos, sink);
          if (pos >= len) break;
        }
        // Either a unit is already pending or the scan stopped at one that does not fit: carry it.
        pos = this.#carry(chunk, pos, sink);
      }
    } catch (e) {
      this.#failed = e;
      throw e;
    }
  }

  finish(): void {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#headerDone && this.#pendLen === 0) return;
    let what: string;
    if (!this.#headerDone) {
      what = this.#pendLen === 0 ? 'no data' : `the pcap file header needs ${FILE_HEADER_LEN} bytes, ${this.#pendLen} left`;
    } else if (this.#pendLen < this.#hdrLen) {
      what = `the record header needs ${this.#hdrLen} bytes, ${this.#pendLen} left`;
    } else {
      what = `record header says ${this.#pendNeed - this.#hdrLen} bytes, ${this.#pendLen - this.#hdrLen} left`;
    }
    const err = new PalisadeError(
      'E_TRUNCATED',
      `${this.name}: truncated at byte ${this.#recStart} (${what}); the ${this.#frames} packets before it were analysed. ` +
        'The file was probably copied while still being written; re-copy it or repair it with `editcap`.',
      { file: this.name, offset: this.#recStart },
    );
    this.#failed = err;
    throw err;
  }

  /** The hot loop: delivers every record that lies wholly in chunk[pos..]; returns where it stopped. */
  #scan(chunk: Uint8Array, dv: DataView, pos: number, sink: FrameSink): number {
    const len = chunk.length;
    const hl = this.#hdrLen;
    const le = this.littleEndian;
    const f = this.#frame;
    while (len - pos >= hl) {
      let caplen = dv.getUint32(pos + 8, le);
      let wirelen = dv.getUint32(pos + 12, le);
      if (this.#maybeSwapped && caplen > wirelen) {
        const t = caplen;
        caplen = wirelen;
        wirelen = t;
      }
      if (caplen > this.#maxCaplen) throw this.#corrupt(this.#recStart, caplen);
      if (len - pos - hl < caplen) break;
      f.ts = dv.getUint32(pos, le) + dv.getUint32(pos + 4, le) / this.#tsDiv;
      f.data = chunk;
      f.offset = pos + hl;
      f.caplen = caplen;
      f.wirelen = wirelen;
      f.fileOffset = this.#recStart;
      // State first, so a throwing sink leaves the parser past this record.
      pos += hl + caplen;
      this.#recStart += hl + caplen;
      this.#frames++;
      sink.frame(f);
    }
    return pos;
  }

  /**
   * Copies chunk[pos..] into the spanning buffer until the pending unit (file header, record
   * header, record) is complete or the chunk is used up; handles the completed unit. Always
   * consumes at least one byte when pos < chunk.length.
   */
  #carry(chunk: Uint8Array, pos: number, sink: FrameSink): number {
    const len = chunk.length;
    while (pos < len) {
      const need = this.#pendNeed;
      const take = Math.min(need - this.#pendLen, len - pos);
      this.#ensure(this.#pendLen + take);
      this.#pend.set(chunk.subarray(pos, pos + take), this.#pendLen);
      this.#pendLen += take;
      pos += take;
      // Reject a non-pcap file on its first four bytes, not after 24.
      if (!this.#headerDone && this.#pendLen >= 4 && this.#pendLen - take < 4) this.#checkMagic(this.#pend);
      if (this.#pendLen < need) return pos;

      if (!this.#headerDone) {
        this.#parseFileHeader(this.#pend);
        this.#recStart += FILE_HEADER_LEN;
        this.#resetPend();
        return pos;
      }
      if (need === this.#hdrLen) {
        // Record header complete: now the record's size is known.
        const pv = this.#pendView;
        const le = this.littleEndian;
        let caplen = pv.getUint32(8, le);
        const wirelen = pv.getUint32(12, le);
        if (this.#maybeSwapped && caplen > wirelen) caplen = wirelen;
        if (caplen > this.#maxCaplen) throw this.#corrupt(this.#recStart, caplen);
        this.#pendNeed = this.#hdrLen + caplen;
        if (caplen > 0) continue;
      }
      this.#deliverPending(sink);
      return pos;
    }
    return pos;
  }

  #deliverPending(sink: FrameSink): void {
    const pv = this.#pendView;
    const le = this.littleEndian;
    const hl = this.#hdrLen;
    const total = this.#pendNeed;
    let caplen = pv.getUint32(8, le);
    let wirelen = pv.getUint32(12, le);
    if (this.#maybeSwapped && caplen > wirelen) {
      const t = caplen;
      caplen = wirelen;
      wirelen = t;
    }
    const f = this.#frame;
    f.ts = pv.getUint32(0, le) + pv.getUint32(4, le) / this.#tsDiv;
    f.data = this.#pend;
    f.offset = hl;
    f.caplen = caplen;
    f.wirelen = wirelen;
    f.fileOffset = this.#recStart;
    this.#recStart += total;
    this.#frames++;
    this.#resetPend();
    sink.frame(f);
  }

  #resetPend(): void {
    this.#pendLen = 0;
    this.#pendNeed = this.#hdrLen;
    // Reallocating here is safe: the frame that points into the old buffer was delivered already.
    if (this.#pend.length > PEND_KEEP) this.#setPend(new Uint8Array(PEND_KEEP));
  }

  /** Grows the spanning buffer as bytes arrive (not to the size a header claims), so memory follows real data. */
  #ensure(n: number): void {
    if (n <= this.#pend.length) return;
    const next = new Uint8Array(Math.max(n, Math.min(this.#pend.length * 2, this.#pendNeed)));
    next.set(this.#pend.subarray(0, this.#pendLen));
    this.#setPend(next);
  }

  #setPend(b: Uint8Array): void {
    this.#pend = b;
    this.#pendView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  #checkMagic(h: Uint8Array): void {
    const magic = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
    switch (magic) {
      case PCAP_MAGIC.USEC_BE:
      case PCAP_MAGIC.USEC_LE:
        break;
      case PCAP_MAGIC.NSEC_BE:
      case PCAP_MAGIC.NSEC_LE:
        this.nanosecond = true;
        break;
      case PCAP_MAGIC.MODIFIED_BE:
      case PCAP_MAGIC.MODIFIED_LE:
        this.modified = true;
        break;
      default:
        throw new PalisadeError(
          'E_BAD_MAGIC',
          `${this.name}: not a pcap file (byte 0 starts with 0x${hex8(magic)}, expected a pcap magic number). ` +
            'If it is a capture in another format, convert it with `editcap -F pcap <in> <out>`.',
          { file: this.name, offset: 0 },
        );
    }
  }

  #parseFileHeader(h: Uint8Array): void {
    const le = h[0] === 0xd4 || h[0] === 0x4d || h[0] === 0x34;
    const dv = new DataView(h.buffer, h.byteOffset, FILE_HEADER_LEN);
    this.littleEndian = le;
    this.versionMajor = dv.getUint16(4, le);
    this.versionMinor = dv.getUint16(6, le);
    if (this.versionMajor !== 2) {
      throw new PalisadeError(
        'E_UNSUPPORTED_VERSION',
        `${this.name}: pcap version ${this.versionMajor}.${this.versionMinor} at byte 4 is not supported (only 2.x is). ` +
          'Convert the file with `editcap -F pcap <in> <out>`.',
        { file: this.name, offset: 4 },
      );
    }
    this.#maybeSwapped = this.versionMinor < 3;
    this.snaplen = dv.getUint32(16, le);
    const lt = dv.getUint32(20, le);
    this.linktype = lt & 0xffff;
    // Bit 26 says the upper 4 bits hold the FCS length in 16-bit words.
    this.fcsLength = (lt & 0x04000000) !== 0 ? ((lt >>> 28) & 0xf) * 2 : null;
    this.#linktypes.push(this.linktype);
    this.#hdrLen = this.modified ? MODIFIED_RECORD_HEADER_LEN : RECORD_HEADER_LEN;
    this.#tsDiv = this.nanosecond ? 1e9 : 1e6;
    this.#maxCaplen = Math.max(STANDARD_MAX_CAPLEN, Math.min(this.snaplen, ABSOLUTE_MAX_CAPLEN));
    this.#frame.linktype = this.linktype;
    this.#frame.ifIndex = 0;
    this.#headerDone = true;
  }

  #corrupt(at: number, caplen: number): PalisadeError {
    return new PalisadeError(
      'E_CORRUPT_RECORD',
      `${this.name}: corrupt record at byte ${at} (record header says ${caplen} captured bytes, more than the maximum ${this.#maxCaplen}); ` +
        `the ${this.#frames} packets before it were analysed, the records after it cannot be located. ` +
        `The file is damaged; re-copy it${keepHint(this.#frames)}.`,
      { file: this.name, offset: at },
    );
  }
}

/** How to keep the good part of a damaged file. */
export function keepHint(frames: number): string {
  return frames > 0 ? `, or keep the packets before the damage with \`editcap -r <in> <out> 1-${frames}\`` : '';
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
