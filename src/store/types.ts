// The store interface: everything the analysis, the API and the CLI ask of a store. The
// embedded SQLite store (sqlite.ts) implements it; a PostgreSQL store for many sites will
// implement the same interface. Nothing outside src/store/ writes SQL.
import type { AssetChange, AssetJSON, AssetKey, EdgeJSON, Inventory } from '../assets/builder.ts';
import type { AnalysisStats } from '../pipeline/stats.ts';

export type SortOrder = 'asc' | 'desc';

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** One analysed capture (or set of inputs analysed together). */
export interface CaptureRow {
  id: number;
  /** SHA-256 over the input files' contents: analysing the same files again replaces this capture. */
  sha256: string;
  name: string;
  bytes: number;
  packets: number;
  first_ts: number;
  last_ts: number;
  analyzed_at: string;
  records: number;
  stats: AnalysisStats | null;
}

/** An asset as the list shows it: the best value of each field. */
export interface AssetSummary {
  id: string;
  key: AssetKey;
  name: string;
  ipv4: string;
  ipv6: string;
  /**
   * Its MACs; for a BACnet device behind a router (key `bacnet`), its BACnet address
   * `network:mac`; for a Modbus device behind a gateway (key `modbus`), its unit id.
   */
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

export const ASSET_SORT = ['name', 'ipv4', 'mac', 'vendor', 'model', 'firmware', 'role', 'purdue_level', 'first_seen', 'last_seen', 'packets', 'bytes', 'flows'] as const;
export type AssetSort = (typeof ASSET_SORT)[number];

export interface AssetQuery {
  /** Matches name, addresses, vendor, model, firmware, serial (case-insensitive substring). */
  search?: string;
  role?: string[];
  vendor?: string;
  purdue_level?: number[];
  /** Assets whose flows carried this application protocol. */
  protocol?: string;
  /** Devices behind a BACnet router or Modbus gateway at one of these IPs (keys `bacnet`, `modbus`). */
  behind?: string[];
  sort?: AssetSort;
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

export const FLOW_SORT = ['ts', 'duration', 'orig_h', 'resp_h', 'resp_p', 'proto', 'service', 'conn_state', 'orig_bytes', 'resp_bytes', 'orig_pkts', 'resp_pkts', 'bytes'] as const;
export type FlowSort = (typeof FLOW_SORT)[number];

/**
 * A device with no IP of its own, reached through another's (docs/assets.md, rules 5 and 6):
 * its records are those of the router's or gateway's flows that name it.
 */
export type RoutedDevice =
  | { kind: 'modbus'; gateway: string; unit: number }
  | { kind: 'bacnet'; router: string; network: number; mac: string };

export interface FlowQuery {
  /** Either endpoint. */
  ip?: string;
  /** Flows of these IPs (an asset's addresses). */
  ips?: string[];
  /** Flows that carried records of this device. */
  device?: RoutedDevice;
  port?: number;
  proto?: string;
  service?: string;
  conn_state?: string;
  uid?: string;
  from?: number;
  to?: number;
  sort?: FlowSort;
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

export interface RecordQuery {
  type: string;
  ip?: string;
  ips?: string[];
  /** Records that name this device (none of the types that cannot). */
  device?: RoutedDevice;
  uid?: string;
  from?: number;
  to?: number;
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

export interface StatsSummary {
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
  /** Flows per application protocol (conn service), 'unknown' without one. */
  by_protocol: Record<string, number>;
  /** Traffic over time: bucket start (seconds), flows, bytes. */
  traffic: { bucket_seconds: number; points: { ts: number; flows: number; bytes: number }[] };
  first_ts: number;
  last_ts: number;
}

export type UserRole = 'viewer' | 'analyst' | 'admin';
export const USER_ROLES: readonly UserRole[] = ['viewer', 'analyst', 'admin'];

export interface UserRow {
  id: number;
  name: string;
  role: UserRole;
  password_hash: string;
  created_at: string;
  /** The password was generated and must be changed at first login. */
  must_change_password: boolean;
}

export interface SessionRow {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface AuditRow {
  id: number;
  ts: string;
  user: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export const ALERT_STATUS = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUS)[number];

export interface AlertRow {
  id: number;
  ts: number;
  severity: number;
  signature: string;
  category: string;
  src_ip: string;
  dest_ip: string;
  asset_id: string;
  status: AlertStatus;
  assignee: string;
  /** The alert as the detector wrote it (Suricata EVE alert layout). */
  data: Record<string, unknown>;
}

export interface AlertQuery {
  status?: AlertStatus[];
  asset_id?: string;
  min_severity?: number;
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

export interface Retention {
  /** Records older than this many days before the newest record are deleted (0: keep everything). */
  records_days: number;
  /** At most this many captures are kept; the oldest analysed go first (0: no limit). */
  max_captures: number;
}

/** A batch writer for one capture's records (analysis runs write through it). */
export interface CaptureWriter {
  write(type: string, record: object): void;
  /** Ends the capture: stats recorded, retention applied. */
  finish(stats: AnalysisStats): void;
  /** Drops what was written (the analysis failed). */
  abort(): void;
  readonly captureId: number;
}

export interface Store {
  readonly path: string;
  close(): void;

  // captures and records
  /** Starts a capture; when it finishes, earlier captures that share an input file (by its SHA-256) are deleted. */
  beginCapture(meta: { sha256: string; name: string; bytes: number; files: string[] }): CaptureWriter;
  captures(): CaptureRow[];
  capture(id: number): CaptureRow | undefined;
  flows(q: FlowQuery): Page<Record<string, unknown>>;
  records(q: RecordQuery): Page<Record<string, unknown>>;
  recordTypes(): { type: string; count: number }[];
  /** Every record of every capture, type by type (to rebuild the inventory). */
  eachRecord(fn: (type: string, record: Record<string, unknown>) => void): void;

  // inventory
  replaceInventory(inv: Inventory): void;
  assets(q: AssetQuery): Page<AssetSummary>;
  asset(id: string): AssetJSON | undefined;
  assetEdges(id: string): EdgeJSON[];
  /** The whole graph in the column format (src/assets/graph-columns.ts), as JSON text ready to send (made when the inventory was written). */
  graphJSON(): string;
  /** The same, gzip-compressed. */
  graphGzip(): Uint8Array;
  /** Changes whenever the inventory is replaced (for caches). */
  inventoryVersion(): string;
  changes(q: { asset_id?: string; offset?: number; limit?: number }): Page<AssetChange>;
  stats(): StatsSummary;

  // alerts
  addAlerts(alerts: Omit<AlertRow, 'id' | 'status' | 'assignee'>[]): void;
  alerts(q: AlertQuery): Page<AlertRow>;
  alert(id: number): AlertRow | undefined;
  updateAlert(id: number, change: { status?: AlertStatus; assignee?: string }): AlertRow | undefined;

  // accounts
  addUser(u: { name: string; role: UserRole; password_hash: string; must_change_password: boolean }): UserRow;
  user(name: string): UserRow | undefined;
  userById(id: number): UserRow | undefined;
  users(): UserRow[];
  setPassword(id: number, hash: string): void;
  setUserRole(id: number, role: UserRole): void;
  deleteUser(id: number): void;
  addSession(s: SessionRow): void;
  session(tokenHash: string): SessionRow | undefined;
  deleteSession(tokenHash: string): void;
  deleteSessionsOf(userId: number): void;
  audit(a: { user: string; action: string; target: string; detail?: Record<string, unknown> }): void;
  auditLog(q: { offset?: number; limit?: number }): Page<AuditRow>;

  // settings
  retention(): Retention;
  setRetention(r: Retention): void;
}
