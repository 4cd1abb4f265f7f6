// The layout worker: a bounded number of ForceAtlas2 iterations (graphology-layout-
// forceatlas2) that keeps the groups of the band layout in place.
//  - Bands (Purdue levels): FA2 over the whole graph, then each band's nodes are laid in
//    its rows in the order of their FA2 x, so that connected nodes of neighbouring levels
//    line up above each other.
//  - Clusters (subnets): FA2 inside each cluster on the edges within it, fitted back into
//    the cluster's box.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { iterationsFor, type GroupBox, type RefineReply, type RefineRequest } from './layout.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<RefineRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

function fa2(nodes: number[], pairs: number[], positions: Float32Array): { g: Graph; iterations: number } {
  const g = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const i of nodes) g.addNode(i, { x: positions[i * 2], y: positions[i * 2 + 1] });
  for (let k = 0; k < pairs.length; k += 2) if (pairs[k] !== pairs[k + 1] && !g.hasEdge(pairs[k], pairs[k + 1])) g.addEdge(pairs[k], pairs[k + 1]);
  const iterations = iterationsFor(nodes.length);
  if (iterations > 0 && g.size > 0) {
    const settings = forceAtlas2.inferSettings(g);
    forceAtlas2.assign(g, { iterations, settings: { ...settings, barnesHutOptimize: nodes.length > 400, gravity: 1, strongGravityMode: true } });
  }
  return { g, iterations: g.size > 0 ? iterations : 0 };
}

function bands(req: RefineRequest, out: Float32Array, members: number[][]): number {
  const all = Array.from({ length: req.groupOf.length }, (_, i) => i);
  const { g, iterations } = fa2(all, Array.from(req.edges), req.positions);
  if (iterations === 0) return 0;
  const x = new Float32Array(all.length);
  const y = new Float32Array(all.length);
  g.forEachNode((k, a) => {
    x[Number(k)] = a.x;
    y[Number(k)] = a.y;
  });
  req.groups.forEach((box: GroupBox, gi) => {
    const m = [...members[gi]].sort((a, b) => x[a] - x[b]);
    const cols = box.cols;
    const rows = box.rows;
    const step = (box.x1 - box.x0) / cols;
    const rowH = (box.y1 - box.y0) / Math.max(1, rows);
    // Column by column, left to right in FA2 x order; inside a column by FA2 y.
    for (let c = 0; c * rows < m.length; c++) {
      const col = m.slice(c * rows, (c + 1) * rows).sort((a, b) => y[b] - y[a]);
      col.forEach((idx, r) => {
        out[idx * 2] = box.x0 + c * step + step / 2 + (r % 2) * step * 0.25;
        out[idx * 2 + 1] = rows <= 1 ? (box.y0 + box.y1) / 2 : box.y1 - (r + 0.5) * rowH;
      });
    }
  });
  return iterations;
}

function clusters(req: RefineRequest, out: Float32Array, members: number[][]): number {
  const inner: number[][] = req.groups.map(() => []);
  for (let k = 0; k < req.edges.length; k += 2) {
    const s = req.edges[k];
    const t = req.edges[k + 1];
    if (s !== t && req.groupOf[s] === req.groupOf[t]) inner[req.groupOf[s]].push(s, t);
  }
  let total = 0;
  req.groups.forEach((box, gi) => {
    if (inner[gi].length === 0) return;
    const { g, iterations } = fa2(members[gi], inner[gi], req.positions);
    if (iterations === 0) return;
    total += iterations;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    g.forEachNode((_k, a) => {
      minX = Math.min(minX, a.x); maxX = Math.max(maxX, a.x);
      minY = Math.min(minY, a.y); maxY = Math.max(maxY, a.y);
    });
    const w = box.x1 - box.x0;
    const h = box.y1 - box.y0;
    const s = Math.min(maxX > minX ? (w * 0.92) / (maxX - minX) : Infinity, maxY > minY ? (h * 0.92) / (maxY - minY) : Infinity);
    const cx = (box.x0 + box.x1) / 2;
    const cy = (box.y0 + box.y1) / 2;
    const mx = (minX + maxX) / 2;
    const my = (minY + maxY) / 2;
    g.forEachNode((k, a) => {
      const i = Number(k);
      out[i * 2] = Number.isFinite(s) ? cx + (a.x - mx) * s : cx;
      out[i * 2 + 1] = Number.isFinite(s) ? cy + (a.y - my) * s : cy;
    });
  });
  return total;
}

scope.onmessage = (e) => {
  const t0 = performance.now();
  const req = e.data;
  const out = new Float32Array(req.positions);
  const members: number[][] = req.groups.map(() => []);
  for (let i = 0; i < req.groupOf.length; i++) members[req.groupOf[i]].push(i);
  const iterations = req.grouping === 'level' ? bands(req, out, members) : clusters(req, out, members);
  const reply: RefineReply = { positions: out, ms: performance.now() - t0, iterations };
  scope.postMessage(reply, [out.buffer]);
};
