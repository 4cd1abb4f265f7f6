// The API client: JSON in and out, the session's CSRF token on every state-changing request,
// and the two answers that change what the app shows (401: log in; 403
// password_change_required: change the generated password) reported to the session.
import type { GraphNode } from '../../src/assets/graph-columns.ts';

export type Role = 'viewer' | 'analyst' | 'admin';

export interface User {
  id: number;
  name: string;
  role: Role;
  must_change_password: boolean;
  created_at: string;
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = '';
type AuthListener = (what: 'unauthenticated' | 'password_change_required') => void;
const authListeners = new Set<AuthListener>();

export function setCsrf(token: string): void {
  csrfToken = token;
}

export function csrf(): string {
  return csrfToken;
}

export function onAuthProblem(fn: AuthListener): () => void {
  authListeners.add(fn);
  return () => authListeners.delete(fn);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function api<T>(path: string, opts: { method?: string; body?: unknown; quiet?: boolean } = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method)) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; message?: string };
    const err = new ApiError(res.status, e.error ?? 'http_' + res.status, e.message ?? `${res.status} ${res.statusText}`);
    if (opts.quiet !== true && (err.code === 'unauthenticated' || err.code === 'password_change_required')) for (const l of authListeners) l(err.code);
    throw err;
  }
  return data as T;
}

/** A query string from the set values of `q` (undefined and '' left out). */
export function qs(q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : '?' + s;
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

export function can(user: User | null, need: Role): boolean {
  return user !== null && RANK[user.role] >= RANK[need];
}

// ---- shapes the pages read (see docs/assets.md) ----

export interface Evidence {
  record: string;
  uid?: string;
  ts: number;
  field: string;
}

export interface Claim {
  value: string;
  source: string;
  confidence: number;
  first_seen: number;
  last_seen: number;
  count: number;
  kind?: string;
  evidence: Evidence;
}

export interface Service {
  proto: string;
  port: number;
  service: string;
  flows: number;
  peers: number;
  first_seen: number;
  last_seen: number;
}

export interface Asset {
  id: string;
  key: 'mac' | 'ip' | 'bacnet' | 'modbus';
  mac: Claim[];
  ipv4: Claim[];
  ipv6: Claim[];
  vlans: number[];
  names: Claim[];
  vendor: Claim[];
  model: Claim[];
  firmware: Claim[];
  serial: Claim[];
  os: Claim[];
  device_type: Claim[];
  software: Claim[];
  hardware: Claim[];
  role: { value: string; confidence: number; reasons: string[]; alternatives: { role: string; confidence: number }[] };
  purdue_level: { level: number | null; reason: string };
  services_offered: Service[];
  services_used: Service[];
  protocols: string[];
  features: Record<string, number>;
  first_seen: number;
  last_seen: number;
  packets_sent: number;
  packets_received: number;
  bytes_sent: number;
  bytes_received: number;
  flows: number;
  subnets: string[];
  bacnet: Claim[];
  routed_via: Claim[];
  /** Modbus unit ids it answered for (absent in inventories stored before they were recorded). */
  modbus_units?: number[];
}

export interface AssetSummary {
  id: string;
  key: 'mac' | 'ip' | 'bacnet' | 'modbus';
  name: string;
  ipv4: string;
  ipv6: string;
  mac: string;
  vendor: string;
  model: string;
  firmware: string;
  serial: string;
  role: string;
  role_confidence: number;
  purdue_level: number | null;
  protocols: string;
  vlans: string;
  first_seen: number;
  last_seen: number;
  packets: number;
  bytes: number;
  flows: number;
}

export interface Edge {
  id: string;
  source: string;
  target: string;
  /** The target is a device behind the source (a BACnet router or Modbus gateway); see docs/assets.md. */
  routed: boolean;
  flows: number;
  packets: number;
  bytes: number;
  first_seen: number;
  last_seen: number;
  ports: { port: string; flows: number; packets: number; bytes: number }[];
  protocols: string[];
  operations: Record<string, Record<string, { count: number; category: string }>>;
  operation_totals: Record<string, number>;
}

export interface Change {
  ts: number;
  change: string;
  asset_id: string;
  field?: string;
  old_value?: string;
  new_value?: string;
  source?: string;
  uid?: string;
  description: string;
}

export interface Alert {
  id: number;
  ts: number;
  severity: number;
  signature: string;
  category: string;
  src_ip: string;
  dest_ip: string;
  asset_id: string;
  status: 'open' | 'acknowledged' | 'closed';
  assignee: string;
  data: Record<string, unknown>;
}

/** A map node: the type the graph's columns decode to. */
export type { GraphNode };

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The target is a device behind the source (a BACnet router or Modbus gateway). */
  routed: boolean;
  protocols: string[];
  flows: number;
  packets: number;
  bytes: number;
  operation_totals: Record<string, number>;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Stats {
  captures: number;
  packets: number;
  bytes: number;
  flows: number;
  records: Record<string, number>;
  assets: number;
  edges: number;
  by_role: Record<string, number>;
  by_vendor: Record<string, number>;
  by_purdue_level: Record<string, number>;
  by_protocol: Record<string, number>;
  traffic: { bucket_seconds: number; points: { ts: number; flows: number; bytes: number }[] };
  first_ts: number;
  last_ts: number;
}

export interface Capture {
  id: number;
  sha256: string;
  name: string;
  bytes: number;
  packets: number;
  first_ts: number;
  last_ts: number;
  analyzed_at: string;
  records: number;
}

export interface Job {
  id: number;
  name: string;
  user: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  started: string;
  finished?: string;
  result?: { packets: number; flows: number; assets: number; errors: string[] };
  error?: string;
}
