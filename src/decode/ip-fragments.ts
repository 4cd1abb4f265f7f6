// IPv4 and IPv6 fragment reassembly. Fragments are rare on plant networks, so this path
// may allocate; it is bounded: datagrams in progress, bytes held and age are capped, and
// every drop is counted. Overlapping fragments keep the first copy (as the reassembler of
// a sensor must pick one; the conflict is counted as frag_overlap).
import { WEIRD, type DecodeCounters } from './counters.ts';

export interface FragmentLimits {
  /** Datagrams being reassembled at once (oldest dropped beyond it). */
  maxDatagrams: number;
  /** Bytes held in all incomplete datagrams. */
  maxBytes: number;
  /** Seconds after which an incomplete datagram is dropped. */
  timeout: number;
}

export const DEFAULT_FRAGMENT_LIMITS: FragmentLimits = { maxDatagrams: 4096, maxBytes: 32 << 20, timeout: 30 };

interface Piece {
  off: number;
  bytes: Uint8Array;
}

class Pending {
  firstTs: number;
  /** Length of the whole payload, -1 until the last fragment (MF=0) is seen. */
  total = -1;
  held = 0;
  pieces: Piece[] = [];
  /** IPv4: the header of the first fragment (offset 0); IPv6: a rebuilt 40-byte header. */
  header: Uint8Array | null = null;
  constructor(ts: number) {
    this.firstTs = ts;
  }
}

export class FragmentReassembler {
  private readonly pending = new Map<string, Pending>();
  private held = 0;
  private readonly limits: FragmentLimits;
  private readonly counters: DecodeCounters;

  constructor(counters: DecodeCounters, limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {
    this.counters = counters;
    this.limits = limits;
  }

  get inProgress(): number {
    return this.pending.size;
  }

  /**
   * Adds an IPv4 fragment. `d[ipOff, ipOff+hl)` is its header, `d[payOff, payOff+payLen)` its
   * (captured) payload, `fragOff` the payload's offset in the datagram, `more` the MF flag.
   * Returns the rebuilt datagram (header + payload, MF/offset cleared, total length set) when
   * this fragment completes it, else null.
   */
  addV4(ts: number, d: Uint8Array, ipOff: number, hl: number, payOff: number, payLen: number, fragOff: number, more: boolean): Uint8Array | null {
    const key =
      'v4:' +
      readU32(d, ipOff + 12) + ':' + readU32(d, ipOff + 16) + ':' + ((d[ipOff + 4] << 8) | d[ipOff + 5]) + ':' + d[ipOff + 9];
    const p = this.piece(key, ts, payLen, fragOff, more);
    if (p === null) return null;
    if (fragOff === 0 && p.header === null) p.header = d.slice(ipOff, ipOff + hl);
    this.insert(p, d, payOff, payLen, fragOff);
    if (!this.complete(p)) return null;
    this.remove(key, p);
    const h = p.header!;
    const out = new Uint8Array(h.length + p.total);
    out.set(h, 0);
    for (const pc of p.pieces) out.set(clip(pc, p.total), h.length + pc.off);
    const tot = h.length + p.total;
    out[2] = (tot >>> 8) & 0xff;
    out[3] = tot & 0xff;
    out[6] &= 0x40; // keep DF, clear MF and the offset
    out[7] = 0;
    return out;
  }

  /**
   * Adds an IPv6 fragment (the part after the Fragment header). Returns a rebuilt datagram
   * (a fresh 40-byte IPv6 header with `nextHeader`, then the payload) when complete.
   */
  addV6(ts: number, d: Uint8Array, ipOff: number, ident: number, nextHeader: number, payOff: number, payLen: number, fragOff: number, more: boolean): Uint8Array | null {
    let key = 'v6:' + ident;
    for (let i = 8; i < 40; i += 4) key += ':' + readU32(d, ipOff + i);
    const p = this.piece(key, ts, payLen, fragOff, more);
    if (p === null) return null;
    if (fragOff === 0 && p.header === null) {
      const h = d.slice(ipOff, ipOff + 40);
      h[6] = nextHeader;
      p.header = h;
    }
    this.insert(p, d, payOff, payLen, fragOff);
    if (!this.complete(p)) return null;
    this.remove(key, p);
    const h = p.header!;
    const out = new Uint8Array(40 + p.total);
    out.set(h, 0);
    for (const pc of p.pieces) out.set(clip(pc, p.total), 40 + pc.off);
    out[4] = (p.total >>> 8) & 0xff;
    out[5] = p.total & 0xff;
    return out;
  }

  /** Drops datagrams older than the timeout relative to `now`. */
  expire(now: number): void {
    for (const [k, p] of this.pending) {
      if (now - p.firstTs <= this.limits.timeout) break; // insertion order = age order
      this.counters.weird[WEIRD.frag_timeout]++;
      this.remove(k, p);
    }
  }

  private piece(key: string, ts: number, payLen: number, fragOff: number, more: boolean): Pending | null {
    if (fragOff + payLen > 65535) {
      this.counters.weird[WEIRD.frag_too_large]++;
      return null;
    }
    if (more && (payLen & 7) !== 0) {
      // Every fragment but the last carries a multiple of 8 bytes.
      this.counters.weird[WEIRD.frag_bad_offset]++;
      return null;
    }
    this.expire(ts);
    let p = this.pending.get(key);
    if (p === undefined) {
      while (this.pending.size >= this.limits.maxDatagrams || this.held + payLen > this.limits.maxBytes) {
        const first = this.pending.entries().next();
        if (first.done) break;
        this.counters.weird[WEIRD.frag_cap_hit]++;
        this.remove(first.value[0], first.value[1]);
      }
      p = new Pending(ts);
      this.pending.set(key, p);
    }
    if (!more) {
      const total = fragOff + payLen;
      if (p.total >= 0 && p.total !== total) {
        this.counters.weird[WEIRD.frag_overlap]++;
        return null;
      }
      p.total = total;
    }
    return p;
  }

  private insert(p: Pending, d: Uint8Array, payOff: number, payLen: number, fragOff: number): void {
    // Keep the first copy of every byte: trim the new piece against those held.
    let start = fragOff;
    let end = fragOff + payLen;
    let overlapped = false;
    for (const pc of p.pieces) {
      const a = pc.off;
      const b = pc.off + pc.bytes.length;
      if (b <= start || a >= end) continue;
      overlapped = true;
      if (a <= start && b >= end) {
        start = end;
        break;
      }
      if (a <= start) start = b;
      else if (b >= end) end = a;
      else {
        // The held piece sits inside the new one: keep the new one's head, recurse on its tail.
        this.insert(p, d, payOff + (b - fragOff), end - b, b);
        end = a;
      }
    }
    if (overlapped) this.counters.weird[WEIRD.frag_overlap]++;
    if (end <= start) return;
    const bytes = d.slice(payOff + (start - fragOff), payOff + (end - fragOff));
    p.pieces.push({ off: start, bytes });
    p.held += bytes.length;
    this.held += bytes.length;
  }

  private complete(p: Pending): boolean {
    if (p.total < 0 || p.header === null || p.held < p.total) return false;
    p.pieces.sort((x, y) => x.off - y.off);
    let at = 0;
    for (const pc of p.pieces) {
      if (pc.off > at) return false;
      at = Math.max(at, pc.off + pc.bytes.length);
    }
    return at >= p.total;
  }

  private remove(key: string, p: Pending): void {
    this.pending.delete(key);
    this.held -= p.held;
  }
}

/** A piece's bytes that lie before the datagram's end (a bogus later fragment may reach past it). */
function clip(pc: Piece, total: number): Uint8Array {
  const n = Math.max(0, Math.min(pc.bytes.length, total - pc.off));
  return n === pc.bytes.length ? pc.bytes : pc.bytes.subarray(0, n);
}

function readU32(d: Uint8Array, o: number): number {
  return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}
