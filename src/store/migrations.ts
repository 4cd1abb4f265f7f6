// Schema migrations of the SQLite store, in order. The database's PRAGMA user_version is the
// number of migrations applied; opening a store applies the missing ones, each in a
// transaction. Never edit a released migration: add a new one.
export const MIGRATIONS: readonly string[] = [
  // 1: captures, records, inventory, alerts, accounts, audit, settings.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE blobs (key TEXT PRIMARY KEY, value BLOB NOT NULL);
  CREATE TABLE captures (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, name TEXT NOT NULL, bytes INTEGER NOT NULL, packets INTEGER NOT NULL DEFAULT 0,
    first_ts REAL, last_ts REAL, analyzed_at TEXT NOT NULL, records INTEGER NOT NULL DEFAULT 0, stats TEXT, complete INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX captures_sha ON captures (sha256);
  CREATE TABLE capture_files (capture_id INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (capture_id, sha256));
  CREATE INDEX capture_files_sha ON capture_files (sha256);
  CREATE TABLE flows (
    id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, ts REAL NOT NULL, uid TEXT, orig_h TEXT, orig_p INTEGER, resp_h TEXT, resp_p INTEGER,
    proto TEXT, service TEXT NOT NULL DEFAULT '', duration REAL, orig_bytes INTEGER, resp_bytes INTEGER, conn_state TEXT,
    orig_pkts INTEGER NOT NULL DEFAULT 0, resp_pkts INTEGER NOT NULL DEFAULT 0, orig_ip_bytes INTEGER NOT NULL DEFAULT 0, resp_ip_bytes INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
  );
  CREATE INDEX flows_ts ON flows (ts);
  CREATE INDEX flows_orig ON flows (orig_h, ts);
  CREATE INDEX flows_resp ON flows (resp_h, ts);
  CREATE INDEX flows_uid ON flows (uid);
  CREATE INDEX flows_capture ON flows (capture_id);
  CREATE TABLE records (
    id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, type TEXT NOT NULL, ts REAL NOT NULL, uid TEXT, orig_h TEXT, resp_h TEXT, data TEXT NOT NULL
  );
  CREATE INDEX records_type_ts ON records (type, ts);
  CREATE INDEX records_orig ON records (orig_h, type, ts);
  CREATE INDEX records_resp ON records (resp_h, type, ts);
  CREATE INDEX records_uid ON records (uid);
  CREATE INDEX records_capture ON records (capture_id);
  CREATE TABLE assets (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, name TEXT, ipv4 TEXT, ipv6 TEXT, mac TEXT, vendor TEXT, model TEXT, firmware TEXT, serial TEXT,
    role TEXT NOT NULL, role_confidence INTEGER NOT NULL, purdue_level INTEGER, protocols TEXT NOT NULL, vlans TEXT,
    first_seen REAL, last_seen REAL, packets INTEGER, bytes INTEGER, flows INTEGER, search TEXT NOT NULL, ip_sort INTEGER
  );
  -- The full asset (claims, evidence) apart, so that listing and sorting scan narrow rows.
  CREATE TABLE asset_data (id TEXT PRIMARY KEY, data TEXT NOT NULL);
  CREATE INDEX assets_role ON assets (role);
  CREATE INDEX assets_level ON assets (purdue_level);
  CREATE INDEX assets_ip ON assets (ip_sort);
  CREATE TABLE asset_addresses (address TEXT NOT NULL, asset_id TEXT NOT NULL, PRIMARY KEY (address, asset_id));
  CREATE INDEX asset_addresses_asset ON asset_addresses (asset_id);
  CREATE TABLE edges (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, protocols TEXT NOT NULL, flows INTEGER, packets INTEGER, bytes INTEGER,
    first_seen REAL, last_seen REAL, data TEXT NOT NULL
  );
  CREATE INDEX edges_source ON edges (source);
  CREATE INDEX edges_target ON edges (target);
  CREATE TABLE asset_changes (id INTEGER PRIMARY KEY, ts REAL NOT NULL, change TEXT NOT NULL, asset_id TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX asset_changes_asset ON asset_changes (asset_id, ts);
  CREATE INDEX asset_changes_ts ON asset_changes (ts);
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY, ts REAL NOT NULL, severity INTEGER NOT NULL, signature TEXT NOT NULL, category TEXT NOT NULL DEFAULT '',
    src_ip TEXT, dest_ip TEXT, asset_id TEXT, status TEXT NOT NULL DEFAULT 'open', assignee TEXT NOT NULL DEFAULT '', data TEXT NOT NULL
  );
  CREATE INDEX alerts_ts ON alerts (ts);
  CREATE INDEX alerts_status ON alerts (status, ts);
  CREATE INDEX alerts_asset ON alerts (asset_id, ts);
  CREATE TABLE users (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, csrf_token TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL);
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE audit (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
  `,
  // 2: record counts per capture and type (page totals and the record types without counting
  // millions of rows), and an index per sortable flow column (a sorted page reads 50 rows,
  // not the table).
  `
  CREATE TABLE record_counts (capture_id INTEGER NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (capture_id, type));
  INSERT INTO record_counts SELECT capture_id, 'conn', COUNT(*) FROM flows GROUP BY capture_id;
  INSERT INTO record_counts SELECT capture_id, type, COUNT(*) FROM records GROUP BY capture_id, type;
  CREATE INDEX flows_duration ON flows (duration);
  CREATE INDEX flows_resp_p ON flows (resp_p);
  CREATE INDEX flows_proto ON flows (proto);
  CREATE INDEX flows_service ON flows (service);
  CREATE INDEX flows_conn_state ON flows (conn_state);
  CREATE INDEX flows_orig_bytes ON flows (orig_bytes);
  CREATE INDEX flows_resp_bytes ON flows (resp_bytes);
  CREATE INDEX flows_orig_pkts ON flows (orig_pkts);
  CREATE INDEX flows_resp_pkts ON flows (resp_pkts);
  CREATE INDEX flows_bytes ON flows (orig_ip_bytes + resp_ip_bytes);
  `,
];
