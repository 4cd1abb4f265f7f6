// pcapng files (draft-ietf-opsawg-pcapng).
//
// A push parser on the hot path, like pcap.ts: one reused RawFrame, no allocation per packet,
// views into the pushed chunk, and a copy into one reused growable buffer only for a block that
// spans two pushes. Blocks that carry nothing we use (NRB, ISB, DSB, custom, unknown) are
// skipped as they stream past, never buffered, whatever their size. Every length from the file
// is checked before use and every loop step consumes bytes.
import { PalisadeError } from '../core/errors.ts';
import { RawFrame } from './frame.ts';
import type { FrameSink } from './frame.ts';
import type { CaptureParser } from './parser.ts';
import { keepHint } from './pcap.ts';

export const PCAPNG_BLOCK = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  /** Obsolete Packet Block. */
  PB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  DSB: 0x0000000a,
} as const;

/** Byte-order magic of the Section Header Block, as read in the section's own byte order. */
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Smallest legal total length of each block type we read (header, fixed fields, trailer). */
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_SPB = 16;
const MIN_PB = 32;
const MIN_BLOCK = 12;
/** Largest block we buffer (SHB, IDB, packet blocks); Wireshark's limit is of the same order. */
const MAX_BUFFERED_BLOCK = 1 << 28;
/** Interfaces per section; far above any real capture, low enough that a hostile file cannot exhaust memory with IDBs. */
const MAX_INTERFACES = 65536;
const PEND_KEEP = 1 << 20;
/** Tick rates up to this are divided exactly in integer steps (see #ts). */
const EXACT_UNITS_MAX = 2 ** 36;
const TWO32 = 4294967296;

/** One interface of the current section, as its IDB describes it. */
export class PcapngInterface {
  linktype: number;
  snaplen: number;
  /** Timestamp ticks per second (if_tsresol; default 10^6). */
  units: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  tsOffset: number;
  /** units is an integer small enough for the exact integer division in #ts. */
  exact: boolean;
  // #ts's cache: the last high word of a timestamp, and what it contributes.
  cachedHi = -1;
  /** floor(cachedHi * 2^32 / units) + tsOffset. */
  cachedBase = 0;
  cachedHiRem = 0;

  constructor(linktype: number, snaplen: number, units: number, tsOffset: number) {
    this.linktype = linktype;
    this.snaplen = snaplen;
    this.units = units;
    this.tsOffset = tsOffset;
    this.exact = Number.isInteger(units) && units <= EXACT_UNITS_MAX;
  }
}

export interface PcapngParserOptions {
  /** Names the input in error messages (normally the file path). */
  name?: string;
}

// What the bytes in the spanning buffer are.
const MODE_NONE = 0; // nothing pending: the next byte starts a block
const MODE_HEADER = 1; // assembling a block header (8 bytes, 12 for an SHB whose byte order we need)
const MODE_BLOCK = 2; // assembling a whole block we read
const MODE_SKIP = 3; // streaming past a block we do not read, keeping only its trailing length

export class PcapngParser implements CaptureParser {
  readonly format = 'pcapng';
  /** Names the input in error messages. */
  readonly name: string;

  #frames = 0;
  /** File offset of the start of the block being assembled or skipped (= bytes consumed when nothing is pending). */
  #recStart = 0;
  #le = false;
  #inSection = false;
  #sections = 0;
  #ifs: PcapngInterface[] = [];
  #linktypes: number[] = [];
  #linktypeSeen = new Uint8Array(65536);
  /** Simple Packet Blocks carry no timestamp: they get the last one seen. */
  #lastTs = 0;

  #mode = MODE_NONE;
  #pend: Uint8Array = new Uint8Array(256);
  #pendView: DataView = new DataView(this.#pend.buffer);
  #pendLen = 0;
  /** In MODE_HEADER the header size; in MODE_BLOCK and MODE_SKIP the block's total length. */
  #pendNeed = 0;
  #blockType = 0;
  /** Byte order of the pending block (an SHB brings its own). */
  #blockLe = false;
  /** MODE_SKIP: bytes of the block consumed so far; its last 4 bytes are collected in #trailer. */
  #skipped = 0;
  readonly #trailer = new Uint8Array(4);
  readonly #trailerView = new DataView(this.#trailer.buffer);

  readonly #frame = new RawFrame();
  #failed: unknown = undefined;

  constructor(opts: PcapngParserOptions = {}) {
    this.name = opts.name ?? 'capture';
  }

  get frames(): number {
    return this.#frames;
  }

  get offset(): number {
    return this.#recStart;
  }

  /** Distinct link types of all interfaces defined in the file, in the order first defined. */
  get linktypes(): readonly number[] {
    return this.#linktypes;
  }

  /** Interfaces of the current section, by interface id. */
  get interfaces(): readonly PcapngInterface[] {
    return this.#ifs;
  }

  /** Section Header Blocks seen. */
  get sections(): number {
    return this.#sections;
  }

  push(chunk: Uint8Array, sink: FrameSink): void {
    if (this.#failed !== undefined) throw this.#failed;
    try {
      const len = chunk.length;
      const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let pos = 0;
      while (pos < len) {
        if (this.#mode === MODE_NONE) {
          pos = this.#scan(chunk, dv, pos, sink);
          if (pos >= len) break;
          this.#mode = MODE_HEADER;
          this.#pendNeed = 8;
        }
        pos = this.#carry(chunk, pos, sink);
      }
    } catch (e) {
      this.#failed = e;
      throw e;
    }
  }

  finish(): void {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#mode === MODE_NONE && this.#inSection) return;
    let what: string;
    if (this.#mode === MODE_NONE) what = 'no data';
    else if (this.#mode === MODE_HEADER) what = `the block header needs ${this.#pendNeed} bytes, ${this.#pendLen} left`;
    else if (this.#mode === MODE_SKIP) what = `block header says ${this.#pendNeed} bytes, ${this.#skipped} left`;
    else what = `block header says ${this.#pendNeed} bytes, ${this.#pendLen} left`;
    const err = new PalisadeError(
      'E_TRUNCATED',
      `${this.name}: truncated at byte ${this.#recStart} (${what}); the ${this.#frames} packets before it were analysed. ` +
        'The file was probably copied while still being written; re-copy it or repair it with `editcap`.',
      { file: this.name, offset: this.#recStart },
    );
    this.#failed = err;
    throw err;
  }

  /** The hot loop: handles every block that lies wholly in chunk[pos..]; returns where it stopped. */
  #scan(chunk: Uint8Array, dv: DataView, pos: number, sink: FrameSink): number {
    const len = chunk.length;
    // Before the first SHB the inline EPB path below must not run: the file is not pcapng at all.
    if (!this.#inSection && len - pos >= 4) this.#checkFirstType(dv.getUint32(pos));
    for (;;) {
      // Constant within a section; an SHB restarts the loop with its byte order.
      const sectionLe = this.#le;
      let newSection = false;
      while (len - pos >= 8) {
        const type = dv.getUint32(pos, sectionLe); // the SHB type reads the same in both byte orders
        if (type === PCAPNG_BLOCK.EPB) {
          // The common case, inline; the checks are those of #checkHeader and #block.
          const blen = dv.getUint32(pos + 4, sectionLe);
          if (blen < MIN_EPB || (blen & 3) !== 0 || blen > MAX_BUFFERED_BLOCK) this.#checkHeader(type, blen); // throws
          if (len - pos < blen) break;
          const trailer = dv.getUint32(pos + blen - 4, sectionLe);
          if (trailer !== blen) throw this.#trailerMismatch(blen, trailer);
          this.#packet(chunk, dv, pos, blen, sectionLe, dv.getUint32(pos + 8, sectionLe), sink);
          this.#recStart += blen;
          pos += blen;
          continue;
        }
        let le = sectionLe;
        if (type === PCAPNG_BLOCK.SHB) {
          if (len - pos < 12) break;
          le = this.#shbByteOrder(dv, pos + 8);
        }
        const blen = dv.getUint32(pos + 4, le);
        const buffered = this.#checkHeader(type, blen);
        if (len - pos < blen) break; // #carry buffers or skips it
        if (buffered) {
          this.#block(chunk, dv, pos, type, blen, le, sink);
        } else {
          const trailer = dv.getUint32(pos + blen - 4, le);
          if (trailer !== blen) throw this.#trailerMismatch(blen, trailer);
          this.#recStart += blen;
        }
        pos += blen;
        if (type === PCAPNG_BLOCK.SHB) {
          newSection = true;
          break;
        }
      }
      if (!newSection) return pos;
    }
  }

  /**
   * Moves chunk[pos..] into the pending block (header, whole block, or skip) until the block is
   * done or the chunk is used up. Always consumes at least one byte when pos < chunk.length.
   */
  #carry(chunk: Uint8Array, pos: number, sink: FrameSink): number {
    const len = chunk.length;
    while (pos < len) {
      if (this.#mode === MODE_SKIP) {
        const blen = this.#pendNeed;
        const take = Math.min(blen - this.#skipped, len - pos);
        // Keep the bytes that fall in the trailing length field.
        const tailFrom = blen - 4;
        for (let i = Math.max(this.#skipped, tailFrom); i < this.#skipped + take; i++) {
          this.#trailer[i - tailFrom] = chunk[pos + i - this.#skipped];
        }
        this.#skipped += take;
        pos += take;
        if (this.#skipped < blen) return pos;
        const trailer = this.#trailerView.getUint32(0, this.#blockLe);
        if (trailer !== blen) throw this.#trailerMismatch(blen, trailer);
        this.#recStart += blen;
        this.#endPending();
        return pos;
      }

      const need = this.#pendNeed;
      const take = Math.min(need - this.#pendLen, len - pos);
      this.#ensure(this.#pendLen + take);
      this.#pend.set(chunk.subarray(pos, pos + take), this.#pendLen);
      this.#pendLen += take;
      pos += take;
      // Reject a non-pcapng file on its first four bytes.
      if (!this.#inSection && this.#pendLen >= 4 && this.#pendLen - take < 4) this.#checkFirstType(this.#pendView.getUint32(0));
      if (this.#pendLen < need) return pos;

      const pv = this.#pendView;
      if (this.#mode === MODE_BLOCK) {
        this.#block(this.#pend, pv, 0, this.#blockType, need, this.#blockLe, sink);
        this.#endPending();
        return pos;
      }

      // MODE_HEADER complete.
      const type = pv.getUint32(0, this.#le);
      let le = this.#le;
      if (type === PCAPNG_BLOCK.SHB) {
        if (need === 8) {
          this.#pendNeed = 12;
          continue;
        }
        le = this.#shbByteOrder(pv, 8);
      }
      const blen = pv.getUint32(4, le);
      const buffered = this.#checkHeader(type, blen);
      this.#blockType = type;
      this.#blockLe = le;
      this.#pendNeed = blen;
      if (buffered) {
        this.#mode = MODE_BLOCK;
      } else {
        // A skipped block has a non-SHB type, so only 8 header bytes were taken, all before its trailer (blen >= 12).
        this.#mode = MODE_SKIP;
        this.#skipped = this.#pendLen;
      }
    }
    return pos;
  }

  #endPending(): void {
    this.#mode = MODE_NONE;
    this.#pendLen = 0;
    this.#pendNeed = 0;
    this.#skipped = 0;
    // Safe: frames pointing into the old buffer were delivered already.
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

  /** Byte order announced by the SHB whose byte-order magic is at `at`. */
  #shbByteOrder(dv: DataView, at: number): boolean {
    const bom = dv.getUint32(at, false);
    if (bom === BYTE_ORDER_MAGIC) return false;
    if (bom === 0x4d3c2b1a) return true;
    if (!this.#inSection) {
      throw new PalisadeError(
        'E_BAD_MAGIC',
        `${this.name}: not a pcapng file (byte-order magic at byte 8 is 0x${hex8(bom)}, expected 1a2b3c4d in either byte order). ` +
          'If it is a capture in another format, convert it with `editcap -F pcapng <in> <out>`.',
        { file: this.name, offset: 0 },
      );
    }
    throw this.#corrupt(`section header has an invalid byte-order magic 0x${hex8(bom)}`);
  }

  #checkFirstType(type: number): void {
    if (type === PCAPNG_BLOCK.SHB) return;
    throw new PalisadeError(
      'E_BAD_MAGIC',
      `${this.name}: not a pcapng file (byte 0 starts with 0x${hex8(type)}, expected a Section Header Block 0a0d0d0a). ` +
        'If it is a capture in another format, convert it with `editcap -F pcapng <in> <out>`.',
      { file: this.name, offset: 0 },
    );
  }

  /** Validates a block header; returns true when the block is one we buffer and read, false when we skip it. */
  #checkHeader(type: number, blen: number): boolean {
    if (!this.#inSection) this.#checkFirstType(type);
    if (blen < MIN_BLOCK || blen % 4 !== 0) {
      throw this.#corrupt(`block total length ${blen} is ${blen < MIN_BLOCK ? `less than ${MIN_BLOCK}` : 'not a multiple of 4'}`);
    }
    let min: number;
    switch (type) {
      case PCAPNG_BLOCK.SHB:
        min = MIN_SHB;
        break;
      case PCAPNG_BLOCK.IDB:
        min = MIN_IDB;
        break;
      case PCAPNG_BLOCK.EPB:
        min = MIN_EPB;
        break;
      case PCAPNG_BLOCK.SPB:
        min = MIN_SPB;
        break;
      case PCAPNG_BLOCK.PB:
        min = MIN_PB;
        break;
      default:
        return false;
    }
    if (blen < min) throw this.#corrupt(`block type ${type} has total length ${blen}, less than its minimum ${min}`);
    if (blen > MAX_BUFFERED_BLOCK) throw this.#corrupt(`block total length ${blen} is more than the maximum ${MAX_BUFFERED_BLOCK}`);
    return true;
  }

  /** Handles one whole block at buf[p, p + blen) whose header was checked by #checkHeader. */
  #block(buf: Uint8Array, dv: DataView, p: number, type: number, blen: number, le: boolean, sink: FrameSink): void {
    const trailer = dv.getUint32(p + blen - 4, le);
    if (trailer !== blen) throw this.#trailerMismatch(blen, trailer);
    // Packet blocks first and in small methods, so that the hot path stays inlinable.
    if (type === PCAPNG_BLOCK.EPB) this.#packet(buf, dv, p, blen, le, dv.getUint32(p + 8, le), sink);
    else if (type === PCAPNG_BLOCK.PB) this.#packet(buf, dv, p, blen, le, dv.getUint16(p + 8, le), sink);
    else if (type === PCAPNG_BLOCK.SPB) this.#simplePacket(buf, dv, p, blen, le, sink);
    else if (type === PCAPNG_BLOCK.IDB) this.#interface(dv, p, blen, le);
    else if (type === PCAPNG_BLOCK.SHB) this.#section(dv, p, le);
    this.#recStart += blen;
  }

  /** Enhanced Packet Block, or the obsolete Packet Block (same layout but a 16-bit interface id and a drops count). */
  #packet(buf: Uint8Array, dv: DataView, p: number, blen: number, le: boolean, ifId: number, sink: FrameSink): void {
    const caplen = dv.getUint32(p + 20, le);
    if (ifId >= this.#ifs.length) throw this.#badInterface(ifId);
    if (caplen > blen - MIN_EPB) throw this.#badCaplen(caplen, blen - MIN_EPB);
    const iface = this.#ifs[ifId];
    const f = this.#frame;
    const ts = this.#ts(iface, dv.getUint32(p + 12, le), dv.getUint32(p + 16, le));
    this.#lastTs = ts;
    f.ts = ts;
    f.linktype = iface.linktype;
    f.ifIndex = ifId;
    f.data = buf;
    f.offset = p + 28;
    f.caplen = caplen;
    f.wirelen = dv.getUint32(p + 24, le);
    f.fileOffset = this.#recStart;
    this.#frames++;
    sink.frame(f);
  }

  /** Simple Packet Block: interface 0, no timestamp, captured length implied. */
  #simplePacket(buf: Uint8Array, dv: DataView, p: number, blen: number, le: boolean, sink: FrameSink): void {
    if (this.#ifs.length === 0) throw this.#corrupt('simple packet block before any interface description block');
    const iface = this.#ifs[0];
    const wirelen = dv.getUint32(p + 8, le);
    // The original length, cut by the block size and by the snap length.
    let caplen = Math.min(wirelen, blen - MIN_SPB);
    if (iface.snaplen > 0 && iface.snaplen < caplen) caplen = iface.snaplen;
    const f = this.#frame;
    f.ts = this.#lastTs;
    f.linktype = iface.linktype;
    f.ifIndex = 0;
    f.data = buf;
    f.offset = p + 12;
    f.caplen = caplen;
    f.wirelen = wirelen;
    f.fileOffset = this.#recStart;
    this.#frames++;
    sink.frame(f);
  }

  #section(dv: DataView, p: number, le: boolean): void {
    const major = dv.getUint16(p + 12, le);
    const minor = dv.getUint16(p + 14, le);
    if (major !== 1) {
      throw new PalisadeError(
        'E_UNSUPPORTED_VERSION',
        `${this.name}: pcapng version ${major}.${minor} in the section header at byte ${this.#recStart} is not supported (only 1.x is). ` +
          'Convert the file with `editcap -F pcapng <in> <out>`.',
        { file: this.name, offset: this.#recStart },
      );
    }
    // A new section starts afresh: its own byte order and its own interfaces.
    this.#le = le;
    this.#inSection = true;
    this.#sections++;
    this.#ifs = [];
  }

  #interface(dv: DataView, p: number, blen: number, le: boolean): void {
    if (this.#ifs.length >= MAX_INTERFACES) {
      throw this.#corrupt(`more than ${MAX_INTERFACES} interface description blocks in one section`);
    }
    const linktype = dv.getUint16(p + 8, le);
    const snaplen = dv.getUint32(p + 12, le);
    let units = 1e6;
    let tsOffset = 0;
    // Options: code (2), length (2), value padded to 4. A malformed option list ends the
    // list (Wireshark and libpcap also keep the interface); it never reads past the block.
    const end = p + blen - 4;
    let o = p + 16;
    while (end - o >= 4) {
      const code = dv.getUint16(o, le);
      const olen = dv.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      const padded = (olen + 3) & ~3;
      if (end - o - 4 < padded) break;
      if (code === OPT_IF_TSRESOL && olen === 1) {
        const r = dv.getUint8(o + 4);
        units = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (code === OPT_IF_TSOFFSET && olen === 8) {
        const hi = dv.getInt32(o + 4 + (le ? 4 : 0), le);
        const lo = dv.getUint32(o + 4 + (le ? 0 : 4), le);
        tsOffset = hi * TWO32 + lo;
      }
      o += 4 + padded;
    }
    this.#ifs.push(new PcapngInterface(linktype, snaplen, units, tsOffset));
    if (this.#linktypeSeen[linktype] === 0) {
      this.#linktypeSeen[linktype] = 1;
      this.#linktypes.push(linktype);
    }
  }

  /**
   * Seconds since the epoch from a 64-bit tick count. The tick count may exceed 2^53 (a ns clock
   * does after 104 days), so whole seconds and the remainder are computed exactly in integer
   * steps and only the final sum is rounded: exact to well under a microsecond. The division of
   * the high word is cached per interface, as it changes only every 2^32 ticks (4.3 s in ns).
   */
  #ts(iface: PcapngInterface, hi: number, lo: number): number {
    const u = iface.units;
    if (!iface.exact) {
      // Odd tick rates (finer than 2^-36 s): scaling by a power of two is exact anyway; 10^-n for n > 10 is close enough.
      return hi * (TWO32 / u) + lo / u + iface.tsOffset;
    }
    if (hi !== iface.cachedHi) {
      // floor(hi * 2^32 / u) and its remainder, by long division in base 2^16 so that every
      // intermediate stays below u * 2^16 <= 2^52.
      const q3 = divmod(hi >>> 16, u);
      const q2 = divmod(divRem * 65536 + (hi & 0xffff), u);
      const q1 = divmod(divRem * 65536, u);
      const q0 = divmod(divRem * 65536, u);
      iface.cachedHiRem = divRem;
      iface.cachedBase = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0 + iface.tsOffset;
      iface.cachedHi = hi;
    }
    // An exact integer plus a fraction below 2^32 / u + 1 that is computed exactly up to one
    // rounding: the sum is the nearest double to the true time, give or take an ulp.
    return iface.cachedBase + (iface.cachedHiRem + lo) / u;
  }

  #badInterface(ifId: number): PalisadeError {
    return this.#corrupt(`packet block refers to interface ${ifId}, but the section defines ${this.#ifs.length}`);
  }

  #badCaplen(caplen: number, room: number): PalisadeError {
    return this.#corrupt(`packet block says ${caplen} captured bytes, but only ${room} fit in the block`);
  }

  #trailerMismatch(blen: number, trailer: number): PalisadeError {
    return this.#corrupt(`block total length ${blen} at the start but ${trailer} at the end`);
  }

  #corrupt(what: string): PalisadeError {
    const at = this.#recStart;
    return new PalisadeError(
      'E_CORRUPT_RECORD',
      `${this.name}: corrupt block at byte ${at} (${what}); the ${this.#frames} packets before it were analysed. ` +
        `The file is damaged; re-copy it${keepHint(this.#frames)}.`,
      { file: this.name, offset: at },
    );
  }
}

/** Remainder of the last divmod(); a module variable so the hot path returns two numbers without allocating. */
let divRem = 0;

/** floor(c / u) for integers 0 <= c < 2^52 and 0 < u <= 2^36, exact despite the rounding of c / u; leaves c mod u in divRem. */
function divmod(c: number, u: number): number {
  let q = Math.floor(c / u);
  let r = c - q * u;
  if (r < 0) {
    q--;
    r += u;
  } else if (r >= u) {
    q++;
    r -= u;
  }
  divRem = r;
  return q;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
