// Reassembly of fragmented connectionless DCE/RPC bodies (DCE 1.1 §12.5.3: flags1 frag and
// lastfrag, fragment numbers from 0). One reassembly per call and direction (activity UUID,
// sequence number, packet type) in a flow; a body is complete when the last fragment and
// every fragment before it arrived, in any order. Retransmitted fragments are ignored, and so
// are fragments of a body completed a moment ago. Capped: fragments per body, bytes per
// body, bodies in progress per flow (the oldest is dropped).

/** Fragments of one body, at most. */
export const MAX_FRAGMENTS = 64;
/** Bytes of one reassembled body, at most. */
export const MAX_BODY = 65536;
/** Bodies being reassembled at once in a flow, at most. */
export const MAX_REASSEMBLIES = 8;
/** Keys of recently completed bodies remembered (late retransmissions are dropped). */
const RECENT = 8;

class Reassembly {
  readonly key: string;
  readonly frags: (Uint8Array | undefined)[] = [];
  bytes = 0;
  count = 0;
  /** The fragment number flagged last, -1 until seen. */
  last = -1;
  constructor(key: string) {
    this.key = key;
  }
}

/** What add() did. */
export const FRAG = {
  /** Kept; the body is not complete yet. */
  PENDING: 0,
  /** The body is complete: see body(). */
  COMPLETE: 1,
  /** A copy of a fragment already held, or of a body just completed: ignored. */
  DUPLICATE: 2,
  /** A cap was hit: the body is dropped. */
  CAPPED: 3,
} as const;

export class Fragments {
  private readonly open = new Map<string, Reassembly>();
  private readonly recent: string[] = [];
  private done: Uint8Array | null = null;
  private doneCount = 0;
  /** What the last CAPPED was about, for the event. */
  detail = '';

  /** A body was dropped to make room (set by add(); the caller raises the event). */
  evicted = false;

  /** Adds fragment `num` (its body d[off, off+len)); `last`: flagged the last fragment. */
  add(key: string, num: number, last: boolean, d: Uint8Array, off: number, len: number): number {
    this.evicted = false;
    if (this.recent.includes(key)) return FRAG.DUPLICATE;
    if (num >= MAX_FRAGMENTS) {
      this.drop(key, `fragment number ${num}: more than ${MAX_FRAGMENTS} fragments`);
      return FRAG.CAPPED;
    }
    let r = this.open.get(key);
    if (r === undefined) {
      if (this.open.size >= MAX_REASSEMBLIES) {
        this.open.delete(this.open.keys().next().value!);
        this.evicted = true;
        this.detail = `more than ${MAX_REASSEMBLIES} fragmented bodies in progress: the oldest is dropped`;
      }
      this.open.set(key, (r = new Reassembly(key)));
    }
    if (r.frags[num] !== undefined) return FRAG.DUPLICATE;
    if (r.bytes + len > MAX_BODY) {
      this.drop(key, `more than ${MAX_BODY} bytes in fragments`);
      return FRAG.CAPPED;
    }
    r.frags[num] = d.slice(off, off + len);
    r.bytes += len;
    r.count++;
    // The lowest fragment flagged last ends the body.
    if (last && (r.last < 0 || num < r.last)) r.last = num;
    if (r.last < 0) return FRAG.PENDING;
    let bytes = 0;
    for (let i = 0; i <= r.last; i++) {
      const f = r.frags[i];
      if (f === undefined) return FRAG.PENDING;
      bytes += f.length;
    }
    const body = new Uint8Array(bytes);
    let o = 0;
    for (let i = 0; i <= r.last; i++) {
      body.set(r.frags[i]!, o);
      o += r.frags[i]!.length;
    }
    this.done = body;
    this.doneCount = r.last + 1;
    this.open.delete(key);
    this.remember(key);
    return FRAG.COMPLETE;
  }

  /** The body add() completed, and its number of fragments. */
  body(): Uint8Array {
    return this.done!;
  }
  fragments(): number {
    return this.doneCount;
  }

  /** Bodies still incomplete. */
  pending(): number {
    return this.open.size;
  }

  private drop(key: string, detail: string): void {
    this.open.delete(key);
    this.remember(key);
    this.detail = detail;
  }

  private remember(key: string): void {
    this.recent.push(key);
    if (this.recent.length > RECENT) this.recent.shift();
  }
}
