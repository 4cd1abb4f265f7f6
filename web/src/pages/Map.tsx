// The network map: sigma (WebGL) over a graphology graph of /api/graph. Nodes coloured by
// role, sized by traffic, placed in bands by Purdue level or in clusters by subnet (band
// layout at once, then a bounded ForceAtlas2 refinement in a web worker). Hover a node or
// an edge for details, click a node for its asset page, filter by protocol and role.
import { useEffect, useMemo, useRef, useState } from 'react';
import Graph from 'graphology';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import type { Graph as GraphData, GraphEdge, GraphNode } from '../api.ts';
import { decodeGraphColumns, type GraphColumns } from '../../../src/assets/graph-columns.ts';
import { Empty, ErrorBox, Link, Loading } from '../components/ui.tsx';
import { bytes, DANGEROUS, levelLabel, num, ROLE_COLOR, roleLabel } from '../format.ts';
import { useApi } from '../hooks.ts';
import { bandLayout, type BandLayout, type Grouping, type RefineReply, type RefineRequest } from '../map/layout.ts';
import { assetPath, navigate, setQuery, useQuery } from '../router.ts';

interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  role: string;
  index: number;
}

interface EdgeAttrs {
  size: number;
  color: string;
  index: number;
}

type MapGraph = Graph<NodeAttrs, EdgeAttrs>;
type MapSigma = Sigma<NodeAttrs, EdgeAttrs>;

export interface MapMetrics {
  nodes: number;
  edges: number;
  fetchMs: number;
  buildMs: number;
  firstRenderMs: number;
  layoutMs: number;
  layoutIterations: number;
}

/** What the map exposes for tests and benchmarks (window.__palisadeMap). */
interface MapHandle {
  metrics: MapMetrics;
  sigma: MapSigma;
  graph: MapGraph;
  /** Pans and zooms for `frames` animation frames; frame intervals and render times in ms. */
  measureFrames(frames: number): Promise<{ frames: number; meanFrameMs: number; p95FrameMs: number; meanRenderMs: number; maxRenderMs: number }>;
  /** Non-blank pixels of the drawn map (a blank canvas gives 0). */
  paintedPixels(): Promise<number>;
  /** Where a node is drawn, in pixels from the map's top left corner (null when hidden). */
  nodeOnScreen(id: string): { x: number; y: number; size: number } | null;
}

declare global {
  interface Window {
    __palisadeMap?: MapHandle;
  }
}

type Tip = { x: number; y: number; kind: 'node'; node: GraphNode; links: { peer: string; out: boolean; e: GraphEdge }[]; degree: number } | { x: number; y: number; kind: 'edge'; edge: GraphEdge; source: string; target: string };

function nodeSize(b: number, max: number, n: number): number {
  const t = max > 0 ? Math.log1p(b) / Math.log1p(max) : 0;
  return n > 2000 ? 1.5 + 5 * t : n > 300 ? 2.5 + 7 * t : 3 + 9 * t;
}

function edgeColor(e: GraphEdge): string {
  if (DANGEROUS.some((c) => (e.operation_totals[c] ?? 0) > 0)) return 'rgba(214,39,40,0.55)';
  // A device behind a router or gateway: a link the capture did not see.
  return e.routed && e.flows === 0 ? 'rgba(31,119,180,0.5)' : 'rgba(120,130,145,0.35)';
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export default function MapPage() {
  const q = useQuery();
  const grouping: Grouping = q.get('group') === 'subnet' ? 'subnet' : 'level';
  const protocol = q.get('protocol') ?? '';
  const fetchStart = useRef(performance.now());
  const raw = useApi<GraphColumns>('/api/graph');
  const decoded = useMemo(() => (raw.data === undefined ? undefined : (decodeGraphColumns(raw.data) as GraphData)), [raw.data]);
  const data = { ...raw, data: decoded };
  const fetchMs = useRef(0);
  if (data.data !== undefined && fetchMs.current === 0) fetchMs.current = performance.now() - fetchStart.current;
  const box = useRef<HTMLDivElement>(null);
  const labels = useRef<HTMLDivElement>(null);
  const sigmaRef = useRef<MapSigma | null>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const [hiddenRoles, setHiddenRoles] = useState<Set<string>>(() => new Set());
  const [status, setStatus] = useState<{ ready: boolean; layout: 'band' | 'refined'; metrics?: MapMetrics }>({ ready: false, layout: 'band' });
  const filters = useRef({ protocol, hiddenRoles });
  filters.current.protocol = protocol;
  filters.current.hiddenRoles = hiddenRoles;

  const g = data.data;
  const protocols = useMemo(() => {
    const s = new Set<string>();
    for (const e of g?.edges ?? []) for (const p of e.protocols) s.add(p);
    return [...s].sort();
  }, [g]);
  const roleCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const n of g?.nodes ?? []) m.set(n.role, (m.get(n.role) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [g]);

  // Build the graph and the renderer (again when the grouping changes).
  useEffect(() => {
    const el = box.current;
    if (g === undefined || el === null || g.nodes.length === 0) return;
    const t0 = performance.now();
    const layout: BandLayout = bandLayout(g.nodes, grouping);
    const graph: MapGraph = new Graph<NodeAttrs, EdgeAttrs>({ type: 'directed', multi: false, allowSelfLoops: false });
    const index = new Map<string, number>();
    let maxBytes = 0;
    for (const n of g.nodes) maxBytes = Math.max(maxBytes, n.bytes);
    g.nodes.forEach((n, i) => {
      index.set(n.id, i);
      graph.addNode(n.id, { x: layout.positions[i * 2], y: layout.positions[i * 2 + 1], size: nodeSize(n.bytes, maxBytes, g.nodes.length), color: ROLE_COLOR[n.role] ?? '#999', label: n.label, role: n.role, index: i });
    });
    let maxEdge = 0;
    for (const e of g.edges) maxEdge = Math.max(maxEdge, e.bytes);
    const pairs: number[] = [];
    g.edges.forEach((e, i) => {
      const s = index.get(e.source);
      const t = index.get(e.target);
      if (s === undefined || t === undefined || s === t || graph.hasEdge(e.source, e.target)) return;
      pairs.push(s, t);
      graph.addDirectedEdgeWithKey(e.id, e.source, e.target, { size: 0.5 + 2.5 * (maxEdge > 0 ? Math.log1p(e.bytes) / Math.log1p(maxEdge) : 0), color: edgeColor(e), index: i });
    });
    const many = graph.order > 2000 || graph.size > 4000;
    const f = filters.current;
    // No reducers: sigma re-runs them on every camera move (graph-state dependency), which
    // costs seconds per frame at 5,000 nodes. Filters and hover go through item states,
    // which refresh only the items that changed.
    const sigma: MapSigma = new Sigma<NodeAttrs, EdgeAttrs>(graph, el, {
      settings: {
        itemSizesReference: 'screen',
        hideEdgesOnMove: many,
        hideLabelsOnMove: many,
        // Edge picking doubles the cost of a frame; on large graphs the node tooltip lists the edges instead.
        enableEdgeEvents: graph.size <= 5000,
        renderEdgeLabels: false,
        labelRenderedSizeThreshold: many ? 9 : 6,
        labelDensity: many ? 0.5 : 1,
        minCameraRatio: 0.02,
        maxCameraRatio: 4,
      },
      styles: {
        nodes: { ...DEFAULT_STYLES.nodes, labelVisibility: { whenState: ['isHovered', 'isHighlighted'], then: 'visible', else: 'auto' } },
        edges: {
          ...DEFAULT_STYLES.edges,
          color: { whenState: 'isHighlighted', then: 'rgba(31,78,121,0.85)', else: { attribute: 'color', defaultValue: '#ccc' } },
          size: { whenState: 'isHighlighted', then: 2, else: { attribute: 'size', defaultValue: 1 } },
        },
      },
    });
    sigmaRef.current = sigma;
    const applyFilters = () => {
      const nodeOn = new Set<string>();
      const hideNodes: string[] = [];
      const showNodes: string[] = [];
      const hideEdges: string[] = [];
      const showEdges: string[] = [];
      graph.forEachEdge((key, attrs, src, dst) => {
        const e = g.edges[attrs.index];
        const on = (f.protocol === '' || e.protocols.includes(f.protocol))
          && !f.hiddenRoles.has(graph.getNodeAttribute(src, 'role')) && !f.hiddenRoles.has(graph.getNodeAttribute(dst, 'role'));
        (on ? showEdges : hideEdges).push(key);
        if (on && f.protocol !== '') {
          nodeOn.add(src);
          nodeOn.add(dst);
        }
      });
      graph.forEachNode((key, attrs) => {
        const n = g.nodes[attrs.index];
        const on = !f.hiddenRoles.has(n.role) && (f.protocol === '' || n.protocols.includes(f.protocol) || nodeOn.has(key));
        (on ? showNodes : hideNodes).push(key);
      });
      sigma.setNodesState(hideNodes, { isHidden: true });
      sigma.setNodesState(showNodes, { isHidden: false });
      sigma.setEdgesState(hideEdges, { isHidden: true });
      sigma.setEdgesState(showEdges, { isHidden: false });
    };
    if (f.protocol !== '' || f.hiddenRoles.size > 0) applyFilters();
    (el as HTMLDivElement & { refreshFilters?: () => void }).refreshFilters = applyFilters;
    const buildMs = performance.now() - t0;
    const metrics: MapMetrics = { nodes: graph.order, edges: graph.size, fetchMs: fetchMs.current, buildMs, firstRenderMs: 0, layoutMs: 0, layoutIterations: 0 };

    // Group labels: HTML over the canvas, moved with the camera.
    const labelEls: HTMLDivElement[] = [];
    if (labels.current !== null) {
      labels.current.replaceChildren();
      for (const b of layout.groups) {
        const d = document.createElement('div');
        d.className = grouping === 'level' ? 'group-label band' : 'group-label cluster';
        d.textContent = `${b.label} · ${num(b.count)}`;
        labels.current.appendChild(d);
        labelEls.push(d);
      }
    }
    const placeLabels = () => {
      layout.groups.forEach((b, i) => {
        const p = sigma.graphToViewport({ x: b.x0, y: b.y1 });
        const q = sigma.graphToViewport({ x: b.x1, y: b.y1 });
        const d = labelEls[i];
        if (d === undefined) return;
        // A cluster's label shows only when the cluster is wide enough on screen to carry it.
        d.style.display = grouping === 'subnet' && q.x - p.x < 90 ? 'none' : '';
        d.style.transform = `translate(${Math.round(Math.max(4, p.x))}px, ${Math.round(Math.max(2, p.y - 18))}px)`;
      });
    };
    let first = true;
    sigma.on('afterRender', () => {
      placeLabels();
      if (first) {
        first = false;
        metrics.firstRenderMs = performance.now() - t0;
        el.dataset.ready = '1';
        setStatus((s) => ({ ...s, ready: true, metrics: { ...metrics } }));
      }
    });

    sigma.on('clickNode', ({ node }) => navigate(assetPath(node)));
    let lit: { nodes: string[]; edges: string[] } = { nodes: [], edges: [] };
    sigma.on('enterNode', ({ node, event }) => {
      lit = { nodes: graph.neighbors(node), edges: graph.edges(node) };
      sigma.setNodesState(lit.nodes, { isHighlighted: true });
      sigma.setEdgesState(lit.edges, { isHighlighted: true });
      const links = graph.edges(node).map((k) => {
        const e = g.edges[graph.getEdgeAttribute(k, 'index')];
        const out = e.source === node;
        return { peer: g.nodes[index.get(out ? e.target : e.source) ?? 0]?.label ?? '', out, e };
      }).sort((x, y) => y.e.bytes - x.e.bytes);
      setTip({ kind: 'node', node: g.nodes[graph.getNodeAttribute(node, 'index')], x: event.x, y: event.y, links: links.slice(0, 4), degree: links.length });
      el.style.cursor = 'pointer';
    });
    sigma.on('leaveNode', () => {
      sigma.setNodesState(lit.nodes, { isHighlighted: false });
      sigma.setEdgesState(lit.edges, { isHighlighted: false });
      lit = { nodes: [], edges: [] };
      setTip(null);
      el.style.cursor = '';
    });
    sigma.on('enterEdge', ({ edge, event }) => {
      const e = g.edges[graph.getEdgeAttribute(edge, 'index')];
      const label = (id: string) => g.nodes[index.get(id) ?? 0]?.label ?? id;
      setTip({ kind: 'edge', edge: e, source: label(e.source), target: label(e.target), x: event.x, y: event.y });
    });
    sigma.on('leaveEdge', () => setTip(null));

    // Refine in the worker; the band layout stays on screen meanwhile.
    const worker = new Worker(new URL('../map/layout.worker.ts', import.meta.url), { type: 'module' });
    const tLayout = performance.now();
    worker.onmessage = (ev: MessageEvent<RefineReply>) => {
      const pos = ev.data.positions;
      graph.updateEachNodeAttributes((_k, a) => ({ ...a, x: pos[a.index * 2], y: pos[a.index * 2 + 1] }));
      metrics.layoutMs = performance.now() - tLayout;
      metrics.layoutIterations = ev.data.iterations;
      el.dataset.layout = 'refined';
      setStatus((s) => ({ ...s, layout: 'refined', metrics: { ...metrics } }));
      worker.terminate();
    };
    worker.onerror = () => worker.terminate();
    const req: RefineRequest = { grouping, positions: layout.positions, groupOf: layout.groupOf, groups: layout.groups, edges: Int32Array.from(pairs) };
    worker.postMessage(req);

    el.dataset.nodes = String(graph.order);
    el.dataset.edges = String(graph.size);
    el.dataset.layout = 'band';
    window.__palisadeMap = {
      metrics,
      sigma,
      graph,
      measureFrames: (frames: number) => new Promise((resolve) => {
        const cam = sigma.getCamera();
        const start = cam.getState();
        const intervals: number[] = [];
        const renders: number[] = [];
        let t = 0;
        const before = () => {
          t = performance.now();
        };
        const after = () => renders.push(performance.now() - t);
        sigma.on('beforeRender', before);
        sigma.on('afterRender', after);
        let i = 0;
        let last = performance.now();
        const step = () => {
          const now = performance.now();
          if (i > 0) intervals.push(now - last);
          last = now;
          if (i >= frames) {
            sigma.off('beforeRender', before);
            sigma.off('afterRender', after);
            cam.setState(start);
            const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
            resolve({ frames: intervals.length, meanFrameMs: mean(intervals), p95FrameMs: percentile(intervals, 0.95), meanRenderMs: mean(renders), maxRenderMs: Math.max(0, ...renders) });
            return;
          }
          // Pan in a circle while zooming in and out.
          cam.setState({ x: start.x + 0.15 * Math.sin(i / 8), y: start.y + 0.15 * Math.cos(i / 8), ratio: start.ratio * (0.6 + 0.4 * Math.cos(i / 12)) });
          i++;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
      nodeOnScreen: (id: string) => {
        const d = sigma.getNodeDisplayData(id);
        if (d === undefined || d.visibility === 'hidden') return null;
        const p = sigma.framedGraphToViewport(d);
        return { x: p.x, y: p.y, size: d.size };
      },
      paintedPixels: () => new Promise((resolve) => {
        const once = () => {
          sigma.off('afterRender', once);
          const src = sigma.getStageCanvas();
          const c = document.createElement('canvas');
          c.width = src.width;
          c.height = src.height;
          const ctx = c.getContext('2d', { willReadFrequently: true });
          if (ctx === null) return resolve(0);
          ctx.drawImage(src, 0, 0);
          const px = ctx.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let k = 0; k < px.length; k += 4) if (px[k + 3] > 0 && !(px[k] > 245 && px[k + 1] > 245 && px[k + 2] > 245)) n++;
          resolve(n);
        };
        sigma.on('afterRender', once);
        sigma.refresh({ skipIndexation: true });
      }),
    };
    return () => {
      worker.terminate();
      sigma.kill();
      sigmaRef.current = null;
      delete el.dataset.ready;
      if (window.__palisadeMap?.sigma === sigma) delete window.__palisadeMap;
      setStatus({ ready: false, layout: 'band' });
    };
  }, [g, grouping]);

  // Filters re-run the reducers without rebuilding anything.
  useEffect(() => {
    (box.current as (HTMLDivElement & { refreshFilters?: () => void }) | null)?.refreshFilters?.();
  }, [protocol, hiddenRoles]);

  const toggleRole = (r: string) => setHiddenRoles((s) => {
    const n = new Set(s);
    if (n.has(r)) n.delete(r);
    else n.add(r);
    return n;
  });

  return (
    <div className="map-page">
      <div className="page-head">
        <h1>Network map</h1>
        <form className="filters inline" onSubmit={(e) => e.preventDefault()}>
          <label>
            Group by
            <select value={grouping} onChange={(e) => setQuery({ group: e.target.value === 'level' ? undefined : e.target.value })} data-testid="map-grouping">
              <option value="level">Purdue level (bands)</option>
              <option value="subnet">Subnet (clusters)</option>
            </select>
          </label>
          <label>
            Protocol
            <select value={protocol} onChange={(e) => setQuery({ protocol: e.target.value })} data-testid="map-protocol">
              <option value="">all</option>
              {protocols.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
          <button type="button" onClick={() => void sigmaRef.current?.getCamera().reset({ duration: 300 })}>Reset view</button>
        </form>
      </div>
      <ErrorBox error={data.error} />
      {g !== undefined && g.nodes.length === 0 ? (
        <Empty>No assets yet: upload a capture on the <Link to="/captures">Captures</Link> page or run <code>palisade analyze capture.pcap --db …</code>.</Empty>
      ) : (
        <div className="map-wrap">
          <div className="map-side">
            <h2 className="small-title">Roles</h2>
            <ul className="legend" aria-label="Legend: node colours by role; click to hide or show a role">
              {roleCounts.map(([r, n]) => (
                <li key={r}>
                  <button type="button" className={hiddenRoles.has(r) ? 'legend-item off' : 'legend-item'} aria-pressed={!hiddenRoles.has(r)} onClick={() => toggleRole(r)} title={hiddenRoles.has(r) ? 'Show' : 'Hide'}>
                    <span className="swatch" style={{ background: ROLE_COLOR[r] ?? '#999' }} aria-hidden="true" /> {roleLabel(r)} <span className="muted">{num(n)}</span>
                  </button>
                </li>
              ))}
            </ul>
            <p className="small muted">Size: traffic. Red edges: writes, control or programming. Blue edges: a router or gateway to a device behind it. Hover for details; click a node to open its asset.</p>
            {status.metrics !== undefined && (
              <p className="small muted" data-testid="map-metrics">
                {num(status.metrics.nodes)} nodes, {num(status.metrics.edges)} edges · drawn in {Math.round(status.metrics.firstRenderMs)} ms
                {status.layout === 'refined' && <> · layout refined in {Math.round(status.metrics.layoutMs)} ms</>}
              </p>
            )}
          </div>
          <div className="map-canvas-wrap">
            {!status.ready && g !== undefined && <Loading on />}
            {g === undefined && <Loading on />}
            <div ref={box} className="map-canvas" data-testid="map" aria-label={`Network map: ${num(g?.nodes.length ?? 0)} assets, ${num(g?.edges.length ?? 0)} connections`} role="img" />
            <div ref={labels} className="group-labels" aria-hidden="true" />
            {tip !== null && <Tooltip tip={tip} />}
          </div>
        </div>
      )}
    </div>
  );
}

function Tooltip({ tip }: { tip: Tip }) {
  const style = { left: tip.x + 14, top: tip.y + 14 };
  if (tip.kind === 'node') {
    const n = tip.node;
    return (
      <div className="tooltip" style={style} role="tooltip" data-testid="map-tooltip">
        <strong>{n.label}</strong>
        <div><span className="swatch" style={{ background: ROLE_COLOR[n.role] ?? '#999' }} /> {roleLabel(n.role)} · {levelLabel(n.purdue_level)}</div>
        {n.ips.length > 0 && <div className="mono">{n.ips.slice(0, 3).join(', ')}</div>}
        {n.vendor !== '' && <div>{n.vendor}</div>}
        {n.protocols.length > 0 && <div>{n.protocols.join(', ')}</div>}
        <div>{num(n.packets)} packets · {bytes(n.bytes)}</div>
        {tip.degree > 0 && (
          <div className="tip-links">
            <div className="muted">{num(tip.degree)} connections{tip.degree > tip.links.length ? `, busiest ${tip.links.length}` : ''}:</div>
            {tip.links.map((l) => (
              <div key={l.e.id}>{l.out ? '→' : '←'} {l.peer} · {l.e.protocols.join(', ') || 'no protocol'}{l.e.routed ? (l.out ? ' · behind it' : ' · in front of it') : ''} <OpTotals t={l.e.operation_totals} /></div>
            ))}
          </div>
        )}
      </div>
    );
  }
  const e = tip.edge;
  const totals = Object.entries(e.operation_totals).sort((a, b) => b[1] - a[1]);
  return (
    <div className="tooltip" style={style} role="tooltip" data-testid="map-tooltip">
      <strong>{tip.source} → {tip.target}</strong>
      <div>{e.protocols.length > 0 ? e.protocols.join(', ') : 'no application protocol identified'}</div>
      {e.routed && <div data-testid="map-tip-routed">{tip.target} is behind {tip.source}: the link between them was not captured</div>}
      {(!e.routed || e.flows > 0) && <div>{num(e.flows)} flows · {num(e.packets)} packets · {bytes(e.bytes)}</div>}
      {totals.length > 0 && <div className="ops">{totals.map(([k, v]) => <span key={k} className={`op op-${k}`}>{k} {num(v)}</span>)}</div>}
    </div>
  );
}

function OpTotals({ t }: { t: Record<string, number> }) {
  const d = DANGEROUS.filter((c) => (t[c] ?? 0) > 0);
  return <>{d.map((c) => <span key={c} className={`op op-${c}`}>{c} {num(t[c])}</span>)}</>;
}
