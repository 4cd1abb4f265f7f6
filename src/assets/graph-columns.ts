// The graph as the console loads it: columns instead of objects (a 50,000-edge graph is a
// few MB instead of tens), with protocol names in a string table. decodeGraphColumns (also
// used by the web console, so this file imports nothing) turns it back into the node and
// edge objects of graph.json.

/** A node as graph.json writes it (src/assets/export.ts graphNodes). */
export interface GraphNode {
  id: string;
  label: string;
  role: string;
  purdue_level: number | null;
  vendor: string;
  ips: string[];
  macs: string[];
  subnet: string;
  protocols: string[];
  packets: number;
  bytes: number;
}

/** The edge fields the map needs (a subset of graph.json's edges). */
export interface GraphEdgeIn {
  source: string;
  target: string;
  /** The target is behind the source (a BACnet router or Modbus gateway): see EdgeJSON.routed. */
  routed: boolean;
  protocols: string[];
  flows: number;
  packets: number;
  bytes: number;
  operation_totals: Record<string, number>;
}

export const GRAPH_COLUMNS_FORMAT = 'palisade-graph-columns-1';
const CATEGORIES = ['read', 'write', 'program', 'control', 'discovery', 'other'] as const;

export interface GraphColumns {
  format: typeof GRAPH_COLUMNS_FORMAT;
  /** Protocol names; edges and nodes refer to them by index. */
  protocols: string[];
  nodes: {
    id: string[];
    label: string[];
    role: string[];
    purdue_level: (number | null)[];
    vendor: string[];
    ips: string[][];
    macs: string[][];
    subnet: string[];
    protocols: number[][];
    packets: number[];
    bytes: number[];
  };
  edges: {
    /** Node indexes. */
    source: number[];
    target: number[];
    protocols: number[][];
    flows: number[];
    packets: number[];
    bytes: number[];
    /** The indexes of the routed edges (EdgeJSON.routed); absent when there are none. */
    routed?: number[];
    /** Operation totals per category, sparse: [edge index, count] pairs of the edges that have some. */
    ops: Partial<Record<(typeof CATEGORIES)[number], [number, number][]>>;
  };
}

export interface GraphObjects {
  nodes: GraphNode[];
  edges: { id: string; source: string; target: string; routed: boolean; protocols: string[]; flows: number; packets: number; bytes: number; operation_totals: Record<string, number> }[];
}

export function encodeGraphColumns(nodes: readonly GraphNode[], edges: readonly GraphEdgeIn[]): GraphColumns {
  const protocols: string[] = [];
  const pidx = new Map<string, number>();
  const p = (s: string) => {
    let i = pidx.get(s);
    if (i === undefined) {
      i = protocols.length;
      protocols.push(s);
      pidx.set(s, i);
    }
    return i;
  };
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const ops: GraphColumns['edges']['ops'] = {};
  const cols: GraphColumns = {
    format: GRAPH_COLUMNS_FORMAT,
    protocols,
    nodes: {
      id: nodes.map((n) => n.id), label: nodes.map((n) => n.label), role: nodes.map((n) => n.role), purdue_level: nodes.map((n) => n.purdue_level),
      vendor: nodes.map((n) => n.vendor), ips: nodes.map((n) => n.ips), macs: nodes.map((n) => n.macs), subnet: nodes.map((n) => n.subnet),
      protocols: nodes.map((n) => n.protocols.map(p)), packets: nodes.map((n) => n.packets), bytes: nodes.map((n) => n.bytes),
    },
    edges: { source: [], target: [], protocols: [], flows: [], packets: [], bytes: [], ops },
  };
  const e = cols.edges;
  for (const x of edges) {
    const s = index.get(x.source);
    const t = index.get(x.target);
    if (s === undefined || t === undefined) continue;
    e.source.push(s);
    e.target.push(t);
    e.protocols.push(x.protocols.map(p));
    e.flows.push(x.flows);
    e.packets.push(x.packets);
    e.bytes.push(x.bytes);
    const i = e.source.length - 1;
    if (x.routed) (e.routed ??= []).push(i);
    for (const c of CATEGORIES) {
      const v = x.operation_totals[c] ?? 0;
      if (v > 0) (ops[c] ??= []).push([i, v]);
    }
  }
  return cols;
}

export function decodeGraphColumns(g: GraphColumns): GraphObjects {
  const n = g.nodes;
  const nodes: GraphNode[] = n.id.map((id, i) => ({
    id, label: n.label[i], role: n.role[i], purdue_level: n.purdue_level[i], vendor: n.vendor[i], ips: n.ips[i], macs: n.macs[i], subnet: n.subnet[i],
    protocols: n.protocols[i].map((k) => g.protocols[k]), packets: n.packets[i], bytes: n.bytes[i],
  }));
  const e = g.edges;
  const totalsOf: Record<string, number>[] = e.source.map(() => ({}));
  for (const c of CATEGORIES) for (const [i, v] of e.ops[c] ?? []) if (totalsOf[i] !== undefined) totalsOf[i][c] = v;
  const routed = new Set(e.routed ?? []);
  const edges = e.source.map((s, i) => {
    const totals = totalsOf[i];
    const source = n.id[s];
    const target = n.id[e.target[i]];
    return { id: `${source}>${target}`, source, target, routed: routed.has(i), protocols: e.protocols[i].map((k) => g.protocols[k]), flows: e.flows[i], packets: e.packets[i], bytes: e.bytes[i], operation_totals: totals };
  });
  return { nodes, edges };
}
