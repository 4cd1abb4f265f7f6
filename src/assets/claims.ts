// Claims: what the traffic says about one field of one device, and where it said it.
// A field (vendor, firmware, a name…) is a set of claims merged as GRASSMARLIN merges them:
// best confidence first, and values of equal confidence that disagree are all kept, so an
// analyst sees the conflict instead of a silent pick. Every claim keeps the first record
// that showed it (record type, uid, time), so every value shown traces back to packets.
//
// Merging is commutative: first/last seen are min/max, counts add up, and the evidence kept
// is the earliest observation (ties broken by uid), so the inventory does not depend on the
// order records arrive in (worker threads build sets of their own, merged at the end). A
// full set keeps its strongest values by a fixed order (see MAX_CLAIMS); the one case that
// still depends on order is a value that a full set dropped and that later comes with a
// higher confidence: the observations dropped before are not counted in it.

/** Where a claim came from: the record that showed it first. */
export interface Evidence {
  /** Record type (`cip_identity`, `dhcp`, `conn`, `oui` for the MAC vendor table). */
  record: string;
  /** uid of the flow the record belongs to; absent for layer-2 records and tables. */
  uid?: string;
  /** Time of the record. */
  ts: number;
  /** The record field the value was read from. */
  field: string;
}

export interface Claim {
  value: string;
  /** The record type that makes this claim (the strongest source when several agree). */
  source: string;
  /** 0-100: how sure the source is (an identity object read from the device itself: 90; a port number: 20). */
  confidence: number;
  first_seen: number;
  last_seen: number;
  /** Observations of this value (from any source). */
  count: number;
  /** Name claims: what kind of name (`dhcp`, `dns`, `netbios`, `mdns`, `lldp`, `cdp`, `profinet`, `s7`, `bacnet`, …). */
  kind?: string;
  evidence: Evidence;
}

/** One observation of a value, as the record mappers (observe.ts) report it. */
export interface ClaimInput {
  value: string;
  source: string;
  confidence: number;
  ts: number;
  uid?: string;
  field: string;
  kind?: string;
}

/**
 * Claims held per field, capped: a field never holds more than MAX_CLAIMS values. A full
 * field keeps the values of the highest confidence, and among equally sure ones those first
 * in text order (kind, then value): which values stay does not depend on the order the
 * observations came in, so sets built apart (worker threads) merge to what one set holds.
 */
export const MAX_CLAIMS = 16;

function earlier(a: Evidence, ts: number, uid: string | undefined): boolean {
  if (ts !== a.ts) return ts < a.ts;
  return (uid ?? '') < (a.uid ?? '');
}

function keyOf(value: string, kind: string | undefined): string {
  return kind === undefined ? value : `${kind}\u0000${value}`;
}

export class ClaimSet {
  private readonly byValue = new Map<string, Claim>();
  /** Observations dropped because the field already held MAX_CLAIMS values of more weight. */
  dropped = 0;

  /**
   * Room for a new value of this confidence and key in a full set: the weakest value
   * (lowest confidence, then last in text order) makes way if the new one outranks it and
   * its observations count as dropped. False when the new one is the weakest.
   */
  private makeRoom(confidence: number, key: string): boolean {
    let worstKey = '';
    let worst: Claim | null = null;
    for (const [k, c] of this.byValue) {
      if (worst === null || c.confidence < worst.confidence || (c.confidence === worst.confidence && k > worstKey)) {
        worst = c;
        worstKey = k;
      }
    }
    if (worst === null || confidence < worst.confidence || (confidence === worst.confidence && key > worstKey)) return false;
    this.byValue.delete(worstKey);
    this.dropped += worst.count;
    return true;
  }

  get size(): number {
    return this.byValue.size;
  }

  add(c: ClaimInput): void {
    const key = keyOf(c.value, c.kind);
    const cur = this.byValue.get(key);
    if (cur === undefined) {
      if (this.byValue.size >= MAX_CLAIMS && !this.makeRoom(c.confidence, key)) {
        this.dropped++;
        return;
      }
      this.byValue.set(key, {
        value: c.value,
        source: c.source,
        confidence: c.confidence,
        first_seen: c.ts,
        last_seen: c.ts,
        count: 1,
        kind: c.kind,
        evidence: { record: c.source, uid: c.uid, ts: c.ts, field: c.field },
      });
      return;
    }
    cur.count++;
    if (c.ts < cur.first_seen) cur.first_seen = c.ts;
    if (c.ts > cur.last_seen) cur.last_seen = c.ts;
    // The strongest source names the claim; its earliest record is the evidence.
    if (c.confidence > cur.confidence || (c.confidence === cur.confidence && c.source < cur.source)) {
      cur.confidence = c.confidence;
      cur.source = c.source;
      cur.evidence = { record: c.source, uid: c.uid, ts: c.ts, field: c.field };
    } else if (c.confidence === cur.confidence && c.source === cur.source && earlier(cur.evidence, c.ts, c.uid)) {
      cur.evidence = { record: c.source, uid: c.uid, ts: c.ts, field: c.field };
    }
  }

  /** Merges another set into this one (the same rules as add). */
  merge(o: ClaimSet): void {
    this.mergeClaims(o.byValue.values(), o.dropped);
  }

  /**
   * Merges claims as list() gives them (another set's, or a worker thread's sent as plain
   * data) and the observations that set dropped: the same rules as add.
   */
  mergeClaims(claims: Iterable<Claim>, dropped: number): void {
    for (const c of claims) {
      const key = keyOf(c.value, c.kind);
      const cur = this.byValue.get(key);
      if (cur === undefined) {
        if (this.byValue.size >= MAX_CLAIMS && !this.makeRoom(c.confidence, key)) {
          this.dropped += c.count;
          continue;
        }
        this.byValue.set(key, { ...c, evidence: { ...c.evidence } });
        continue;
      }
      cur.count += c.count;
      cur.first_seen = Math.min(cur.first_seen, c.first_seen);
      cur.last_seen = Math.max(cur.last_seen, c.last_seen);
      if (c.confidence > cur.confidence || (c.confidence === cur.confidence && c.source < cur.source)) {
        cur.confidence = c.confidence;
        cur.source = c.source;
        cur.evidence = { ...c.evidence };
      } else if (c.confidence === cur.confidence && c.source === cur.source && earlier(cur.evidence, c.evidence.ts, c.evidence.uid)) {
        cur.evidence = { ...c.evidence };
      }
    }
    this.dropped += dropped;
  }

  /** The claims, best first: confidence, then observations, then the earliest, then the value (and kind). */
  list(): Claim[] {
    return [...this.byValue.values()].sort(
      (a, b) => b.confidence - a.confidence || b.count - a.count || a.first_seen - b.first_seen || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) ||
        ((a.kind ?? '') < (b.kind ?? '') ? -1 : (a.kind ?? '') > (b.kind ?? '') ? 1 : 0),
    );
  }

  /** The values of the best confidence: one value, or several when equally sure sources disagree. */
  best(): Claim[] {
    const l = this.list();
    if (l.length === 0) return l;
    return l.filter((c) => c.confidence === l[0].confidence);
  }

  values(): string[] {
    return this.list().map((c) => c.value);
  }

  has(value: string): boolean {
    for (const c of this.byValue.values()) if (c.value === value) return true;
    return false;
  }
}
