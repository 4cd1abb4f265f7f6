// The map's layout. First a band layout computed at once (groups in horizontal bands by
// Purdue level, or in packed clusters by subnet, nodes of a subnet side by side), drawn
// immediately; then a bounded number of ForceAtlas2 iterations per group in a web worker
// (layout.worker.ts) that pulls connected nodes together inside their group's box.
import type { GraphNode } from '../api.ts';

export type Grouping = 'level' | 'subnet';

export interface GroupBox {
  key: string;
  label: string;
  count: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Bands: nodes per row and rows. */
  cols: number;
  rows: number;
}

export interface BandLayout {
  /** x, y of node i at 2i, 2i+1 (graph coordinates, y up). */
  positions: Float32Array;
  /** The group of node i (index into groups). */
  groupOf: Int32Array;
  groups: GroupBox[];
}

const LEVEL_ORDER = ['5', '4', '3', '2', '1', '0', 'none'];
const LEVEL_NAMES: Record<string, string> = {
  '5': 'Level 5 · Internet', '4': 'Level 4 · Enterprise', '3': 'Level 3 · Operations', '2': 'Level 2 · Supervisory',
  '1': 'Level 1 · Basic control', '0': 'Level 0 · Process', none: 'No level (network gear, unknown)',
};

export function groupKey(n: GraphNode, g: Grouping): string {
  if (g === 'level') return n.purdue_level === null ? 'none' : String(n.purdue_level);
  return n.subnet !== '' ? n.subnet : 'no subnet';
}

/** Numeric order of subnets ("10.2.0.0/24" before "10.10.0.0/24"). */
function subnetOrder(a: string, b: string): number {
  const pa = a.split(/[./:]/).map((x) => parseInt(x, 16));
  const pb = b.split(/[./:]/).map((x) => parseInt(x, 16));
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const GAP = 1; // distance between neighbouring nodes

export function bandLayout(nodes: GraphNode[], grouping: Grouping): BandLayout {
  const n = nodes.length;
  const positions = new Float32Array(n * 2);
  const groupOf = new Int32Array(n);
  const members = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const k = groupKey(nodes[i], grouping);
    let m = members.get(k);
    if (m === undefined) members.set(k, (m = []));
    m.push(i);
  }
  // Inside a group: by subnet, then by traffic (busiest first), so a subnet sits together.
  for (const m of members.values()) m.sort((a, b) => subnetOrder(nodes[a].subnet, nodes[b].subnet) || nodes[b].bytes - nodes[a].bytes || (nodes[a].id < nodes[b].id ? -1 : 1));
  const groups: GroupBox[] = [];
  if (grouping === 'level') {
    const keys = LEVEL_ORDER.filter((k) => members.has(k));
    const largest = Math.max(1, ...keys.map((k) => members.get(k)!.length));
    // Bands as wide as makes the whole map about as wide as a screen (aspect ~1.7).
    const heightAt = (c: number) => keys.reduce((h, k) => h + Math.max(2, Math.ceil(members.get(k)!.length / c)) * GAP + 2.5 * GAP, 0);
    let cols = Math.max(8, Math.min(largest, 12));
    while (cols < largest && cols * GAP < 1.7 * heightAt(cols)) cols++;
    const width = cols * GAP;
    let y = 0;
    for (const k of keys) {
      const m = members.get(k)!;
      const rowsNeeded = Math.ceil(m.length / cols);
      // Few nodes: spread them over the band's width instead of packing them left.
      const perRow = Math.min(cols, m.length);
      const step = width / perRow;
      const height = Math.max(2, rowsNeeded) * GAP;
      const gi = groups.length;
      m.forEach((idx, j) => {
        const row = Math.floor(j / perRow);
        const col = j % perRow;
        positions[idx * 2] = col * step + step / 2 + (row % 2) * step * 0.25;
        positions[idx * 2 + 1] = -(y + (rowsNeeded <= 1 ? height / 2 : (row + 0.5) * GAP));
        groupOf[idx] = gi;
      });
      groups.push({ key: k, label: LEVEL_NAMES[k] ?? k, count: m.length, x0: 0, y0: -(y + height), x1: width, y1: -y, cols: perRow, rows: rowsNeeded });
      y += height + 2.5 * GAP;
    }
  } else {
    // One disc per subnet (sunflower spiral), packed in shelves, largest first.
    const keys = [...members.keys()].sort((a, b) => members.get(b)!.length - members.get(a)!.length || subnetOrder(a, b));
    // Shelves as wide as makes the whole map about as wide as a screen (aspect ~1.7).
    let area = 0;
    for (const m of members.values()) area += (2 * (Math.sqrt(m.length) * 0.62 * GAP + GAP) + 1.5 * GAP) ** 2;
    const shelfWidth = Math.max(12 * GAP, Math.sqrt(area * 1.7));
    let x = 0;
    let y = 0;
    let shelf = 0;
    const golden = Math.PI * (3 - Math.sqrt(5));
    for (const k of keys) {
      const m = members.get(k)!;
      const r = Math.sqrt(m.length) * 0.62 * GAP + GAP;
      if (x > 0 && x + 2 * r > shelfWidth) {
        x = 0;
        y += shelf + 1.5 * GAP;
        shelf = 0;
      }
      const cx = x + r;
      const cy = y + r;
      const gi = groups.length;
      m.forEach((idx, j) => {
        const rr = Math.sqrt(j + 0.5) * 0.6 * GAP;
        const a = j * golden;
        positions[idx * 2] = cx + rr * Math.cos(a);
        positions[idx * 2 + 1] = -(cy + rr * Math.sin(a));
        groupOf[idx] = gi;
      });
      groups.push({ key: k, label: k, count: m.length, x0: x, y0: -(y + 2 * r), x1: x + 2 * r, y1: -y, cols: 0, rows: 0 });
      x += 2 * r + 1.5 * GAP;
      shelf = Math.max(shelf, 2 * r);
    }
  }
  return { positions, groupOf, groups };
}

/** ForceAtlas2 iterations per group: bounded so that 5,000 nodes lay out in about a second. */
export function iterationsFor(groupSize: number): number {
  if (groupSize < 3) return 0;
  return Math.max(15, Math.min(120, Math.round(30000 / groupSize)));
}

export interface RefineRequest {
  grouping: Grouping;
  positions: Float32Array;
  groupOf: Int32Array;
  groups: GroupBox[];
  /** Edge endpoints as node indexes: source at 2k, target at 2k+1. */
  edges: Int32Array;
}

export interface RefineReply {
  positions: Float32Array;
  ms: number;
  iterations: number;
}
