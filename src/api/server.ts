// The HTTP API and the console's web server (fastify 5). Every route has JSON schemas
// (validation, serialisation, the OpenAPI document at /api/openapi.json). Nothing is
// reachable without a session except the login page (the web app's static files), the
// login route and the health check. Sessions live in an HttpOnly, SameSite=Strict cookie;
// every state-changing request must carry the session's CSRF token in X-CSRF-Token; failed
// logins are limited per client address and per account; changes go to the audit log.
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import type { z } from 'zod';
import { assetsCSV } from '../assets/export.ts';
import { decodeGraphColumns, type GraphColumns } from '../assets/graph-columns.ts';
import { isPalisadeError } from '../core/errors.ts';
import type { AssetSort, FlowSort, RoutedDevice, SessionRow, SortOrder, Store, UserRole, UserRow } from '../store/types.ts';
import { bacnetNetworkMac, parseModbusUnitAddress } from '../assets/observe.ts';
import { ALERT_STATUS } from '../store/types.ts';
import { VERSION } from '../pipeline/analyze.ts';
import {
  CSRF_HEADER, LoginLimiter, SESSION_COOKIE, SESSION_SECONDS, generatePassword, hasRole, hashPassword, newSession, passwordProblem, tokenHash,
  verifyPassword,
} from './auth.ts';
import { JobRunner, type Job } from './jobs.ts';
import * as S from './schemas.ts';
import { js } from './schemas.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRow | null;
    session: SessionRow | null;
  }
  interface FastifyContextConfig {
    /** Least role the route needs; 'public' routes need no session. */
    role?: UserRole | 'public';
  }
}

export interface ServerOptions {
  store: Store;
  /** The database file (analysis jobs open it themselves). */
  dbPath: string;
  /** The built web app (web/dist); without it only the API is served. */
  webRoot?: string;
  /** Mark cookies Secure (behind TLS). */
  secureCookies?: boolean;
  /** Where uploads wait for analysis (default: next to the database). */
  uploadDir?: string;
  /** Largest upload accepted, bytes (default 4 GiB). */
  maxUploadBytes?: number;
  logger?: boolean;
  limiter?: LoginLimiter;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function fail(reply: FastifyReply, code: number, error: string, message: string) {
  return reply.code(code).send({ error, message });
}

function userInfo(u: UserRow) {
  return { id: u.id, name: u.name, role: u.role, must_change_password: u.must_change_password, created_at: u.created_at };
}

function list(s: string | undefined): string[] | undefined {
  if (s === undefined) return undefined;
  const l = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  return l.length > 0 ? l : undefined;
}

/**
 * What selects an asset's flows and records: its addresses, or, for a device behind a BACnet
 * router or a Modbus gateway (no IP of its own), the router's flows whose records name it.
 */
function assetAddresses(store: Store, id: string): { ips?: string[]; device?: RoutedDevice } | null {
  const a = store.asset(id);
  if (a === undefined) return null;
  const at = id.lastIndexOf('@');
  if (a.key === 'modbus' && at > 0) {
    const { unit, ip } = parseModbusUnitAddress(id);
    return { device: { kind: 'modbus', gateway: ip, unit } };
  }
  if (a.key === 'bacnet' && at > 0) {
    const [net, mac] = bacnetNetworkMac(id).split(':');
    return { device: { kind: 'bacnet', router: id.slice(at + 1), network: Number(net), mac } };
  }
  return { ips: [...a.ipv4, ...a.ipv6].map((c) => c.value) };
}

export async function buildServer(opts: ServerOptions): Promise<{ app: FastifyInstance; jobs: JobRunner }> {
  const store = opts.store;
  const limiter = opts.limiter ?? new LoginLimiter();
  const uploadDir = opts.uploadDir ?? `${opts.dbPath}.uploads`;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1 << 20,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  const jobs = new JobRunner(opts.dbPath, (job) => {
    store.audit({ user: job.user, action: job.state === 'done' ? 'capture.analysed' : 'capture.failed', target: job.name, detail: { job: job.id, error: job.error, ...job.result } });
  });

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: opts.maxUploadBytes ?? 4 * 1024 ** 3, files: 1, fields: 0 } });
  await app.register(websocket, { options: { maxPayload: 4096 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Palisade API', version: VERSION, description: 'The Palisade console API. Authenticate with POST /api/login; send the returned csrf_token as X-CSRF-Token on every POST, PUT, PATCH and DELETE.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
  });
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);

  // ---- authentication, roles and CSRF, for every /api route ----
  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const need = req.routeOptions.config.role ?? 'viewer';
    if (need === 'public') return;
    const token = req.cookies[SESSION_COOKIE];
    const s = token !== undefined && token !== '' ? store.session(tokenHash(token)) : undefined;
    if (s === undefined || s.expires_at < Date.now() / 1000) return fail(reply, 401, 'unauthenticated', 'Log in first (POST /api/login).');
    const user = store.userById(s.user_id);
    if (user === undefined) return fail(reply, 401, 'unauthenticated', 'The account of this session no longer exists.');
    if (UNSAFE.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== s.csrf_token) return fail(reply, 403, 'csrf', 'Missing or wrong X-CSRF-Token header (take it from GET /api/session).');
    }
    if (!hasRole(user, need)) return fail(reply, 403, 'forbidden', `This needs the ${need} role; you are ${user.role}.`);
    if (user.must_change_password && !req.url.startsWith('/api/session') && !req.url.startsWith('/api/password') && !req.url.startsWith('/api/logout')) {
      return fail(reply, 403, 'password_change_required', 'Change the generated password first (POST /api/password).');
    }
    req.user = user;
    req.session = s;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, _req, reply) => {
    if (err.validation !== undefined) return fail(reply, 400, 'bad_request', err.message);
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') return fail(reply, 413, 'too_large', 'The capture is larger than this server accepts.');
    if (isPalisadeError(err)) return fail(reply, 400, err.code, err.message);
    if (err.statusCode !== undefined && err.statusCode < 500) return fail(reply, err.statusCode, 'bad_request', err.message);
    app.log.error(err);
    return fail(reply, 500, 'internal', 'Internal error; see the server log.');
  });

  const r = (code: number, schema: z.ZodType) => ({ [code]: js(schema, 'output') });
  // The graph changes only when an analysis rewrites the inventory: keep it in memory, keyed
  // by the store's inventory version.
  let graph: { version: string; json: string; gzip: Buffer; etag: string } | null = null;
  const graphCache = () => {
    const version = store.inventoryVersion();
    if (graph === null || graph.version !== version) {
      const json = store.graphJSON();
      graph = { version, json, gzip: Buffer.from(store.graphGzip()), etag: `"g-${createHash('sha1').update(json).digest('base64url')}"` };
    }
    return graph;
  };
  const errors = { 400: js(S.ErrorReply, 'output'), 401: js(S.ErrorReply, 'output'), 403: js(S.ErrorReply, 'output'), 404: js(S.ErrorReply, 'output') };
  const anyObject = { type: 'object', additionalProperties: true };

  // ---- public ----
  app.get('/api/health', { config: { role: 'public' }, schema: { tags: ['system'], summary: 'Liveness', security: [], response: { 200: { type: 'object', properties: { status: { type: 'string' }, version: { type: 'string' } } } } } }, async () => ({ status: 'ok', version: VERSION }));

  app.post('/api/login', {
    config: { role: 'public' },
    schema: { tags: ['session'], summary: 'Log in; sets the session cookie', security: [], body: js(S.Login), response: { ...r(200, S.SessionReply), 401: js(S.ErrorReply, 'output'), 429: js(S.ErrorReply, 'output') } },
  }, async (req, reply) => {
    const { name, password } = req.body as z.infer<typeof S.Login>;
    const ip = req.ip;
    const wait = limiter.retryAfter(ip, name);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return fail(reply, 429, 'rate_limited', `Too many failed logins; try again in ${wait} s.`);
    }
    const user = store.user(name);
    // Verify against a dummy hash for unknown users, so timing does not tell which names exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (user === undefined || !ok) {
      limiter.fail(ip, name);
      store.audit({ user: name, action: 'login.failed', target: name, detail: { ip } });
      return fail(reply, 401, 'bad_credentials', 'Wrong user name or password.');
    }
    limiter.succeed(ip, name);
    const s = newSession(store, user);
    reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies === true, maxAge: SESSION_SECONDS });
    store.audit({ user: user.name, action: 'login', target: user.name, detail: { ip } });
    return { user: userInfo(user), csrf_token: s.csrf };
  });

  // ---- session ----
  app.get('/api/session', { schema: { tags: ['session'], summary: 'The current session', response: { ...r(200, S.SessionReply), ...errors } } }, async (req) => ({ user: userInfo(req.user!), csrf_token: req.session!.csrf_token }));

  app.post('/api/logout', { schema: { tags: ['session'], summary: 'Log out', response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    store.deleteSession(req.session!.token_hash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.post('/api/password', { schema: { tags: ['session'], summary: 'Change your password (ends your other sessions)', body: js(S.PasswordChange), response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    const b = req.body as z.infer<typeof S.PasswordChange>;
    const u = req.user!;
    if (!(await verifyPassword(b.current, u.password_hash))) return fail(reply, 400, 'bad_credentials', 'The current password is wrong.');
    const problem = passwordProblem(b.new);
    if (problem !== null) return fail(reply, 400, 'weak_password', problem);
    store.setPassword(u.id, await hashPassword(b.new));
    store.deleteSessionsOf(u.id);
    const s = newSession(store, store.userById(u.id)!);
    reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies === true, maxAge: SESSION_SECONDS });
    store.audit({ user: u.name, action: 'password.change', target: u.name });
    return reply.code(204).send();
  });

  // ---- inventory ----
  app.get('/api/assets', { schema: { tags: ['assets'], summary: 'Assets: filter, sort, paginate', querystring: js(S.AssetsQuery), response: { ...r(200, S.PageReply), ...errors } } }, async (req) => {
    const q = req.query as z.infer<typeof S.AssetsQuery>;
    return store.assets({
      search: q.search, role: list(q.role), vendor: q.vendor, protocol: q.protocol, sort: q.sort as AssetSort | undefined, order: q.order as SortOrder | undefined,
      purdue_level: list(q.purdue_level)?.map(Number).filter((n) => Number.isInteger(n)), offset: q.offset, limit: q.limit,
    });
  });

  app.get('/api/assets.csv', { schema: { tags: ['assets'], summary: 'Assets as CSV (the same filters as /api/assets, all pages)', querystring: js(S.AssetsQuery.omit({ offset: true, limit: true })) } }, async (req, reply) => {
    const q = req.query as z.infer<typeof S.AssetsQuery>;
    const ids: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const p = store.assets({ search: q.search, role: list(q.role), vendor: q.vendor, protocol: q.protocol, sort: q.sort as AssetSort | undefined, order: q.order as SortOrder | undefined, purdue_level: list(q.purdue_level)?.map(Number), offset, limit: 1000 });
      ids.push(...p.items.map((a) => a.id));
      if (offset + 1000 >= p.total) break;
    }
    const assets = ids.map((id) => store.asset(id)!).filter((a) => a !== undefined);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="assets.csv"');
    return assetsCSV(assets);
  });

  app.get('/api/assets/:id', { schema: { tags: ['assets'], summary: 'One asset: every field with its claims and evidence, its connections and changes, and the devices behind it (a BACnet router, a Modbus gateway)', params: js(S.IdParam), response: { 200: { type: 'object', additionalProperties: true }, ...errors } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const a = store.asset(id);
    if (a === undefined) return fail(reply, 404, 'not_found', `No asset ${id}.`);
    // A BACnet router's or Modbus gateway's devices behind it.
    const ips = [...a.ipv4, ...a.ipv6].map((c) => c.value);
    const behind = ips.length > 0 ? store.assets({ behind: ips, limit: 500 }).items : [];
    return { asset: a, edges: store.assetEdges(id), changes: store.changes({ asset_id: id, limit: 100 }).items, alerts: store.alerts({ asset_id: id, limit: 20 }).items, behind };
  });

  app.get('/api/graph', {
    schema: { tags: ['assets'], summary: 'The communication graph: nodes (assets) and edges (initiator → responder), in the column format of src/assets/graph-columns.ts (gzip when accepted)', response: { 200: anyObject, ...errors } },
  }, async (req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding').header('cache-control', 'no-cache');
    const g = graphCache();
    reply.header('etag', g.etag);
    if (req.headers['if-none-match'] === g.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(g.gzip);
    return reply.send(g.json);
  });

  app.get('/api/changes', { schema: { tags: ['assets'], summary: 'Asset changes, newest first', querystring: js(S.PageQuery), response: { ...r(200, S.PageReply), ...errors } } }, async (req) => store.changes(req.query as { offset?: number; limit?: number }));

  app.get('/api/activity', {
    schema: { tags: ['assets'], summary: 'Protocol activity per asset pair: operations by protocol and category', querystring: js(S.PageQuery.extend({ protocol: S.AssetsQuery.shape.protocol, category: S.AssetsQuery.shape.protocol })), response: { ...r(200, S.PageReply), ...errors } },
  }, async (req) => {
    const q = req.query as { protocol?: string; category?: string; offset?: number; limit?: number };
    const g = decodeGraphColumns(JSON.parse(store.graphJSON()) as GraphColumns);
    let rows = g.edges.filter((e) => Object.keys(e.operation_totals).length > 0);
    if (q.protocol !== undefined) rows = rows.filter((e) => e.protocols.includes(q.protocol!));
    if (q.category !== undefined) rows = rows.filter((e) => (e.operation_totals[q.category!] ?? 0) > 0);
    rows.sort((a, b) => (b.operation_totals.program ?? 0) - (a.operation_totals.program ?? 0) || (b.operation_totals.write ?? 0) - (a.operation_totals.write ?? 0) || (a.id < b.id ? -1 : 1));
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const items = rows.slice(offset, offset + limit).map((e) => {
      const full = store.assetEdges(e.source).find((x) => x.id === e.id);
      return { id: e.id, source: e.source, target: e.target, protocols: e.protocols, operation_totals: e.operation_totals, operations: full?.operations ?? {} };
    });
    return { total: rows.length, offset, limit, items };
  });

  app.get('/api/stats', { schema: { tags: ['system'], summary: 'Dashboard figures: assets by role, vendor and level, protocols, traffic over time', response: { 200: anyObject, ...errors } } }, async () => store.stats());

  // ---- traffic and records ----
  app.get('/api/flows', { schema: { tags: ['records'], summary: 'Flows (conn records): filter, sort, paginate', querystring: js(S.FlowsQuery), response: { ...r(200, S.PageReply), ...errors } } }, async (req, reply) => {
    const q = req.query as z.infer<typeof S.FlowsQuery>;
    let sel: { ips?: string[]; device?: RoutedDevice } = {};
    if (q.asset !== undefined) {
      const a = assetAddresses(store, q.asset);
      if (a === null) return fail(reply, 404, 'not_found', `No asset ${q.asset}.`);
      sel = a;
    }
    return store.flows({ ip: q.ip, ips: sel.ips, device: sel.device, port: q.port, proto: q.proto, service: q.service, conn_state: q.conn_state, uid: q.uid, from: q.from, to: q.to, sort: q.sort as FlowSort | undefined, order: q.order as SortOrder | undefined, offset: q.offset, limit: q.limit });
  });

  app.get('/api/records', { schema: { tags: ['records'], summary: 'Record types and their counts', response: { 200: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, count: { type: 'number' } } } }, ...errors } } }, async () => store.recordTypes());

  app.get('/api/records/:type', { schema: { tags: ['records'], summary: 'Records of one type: filter, paginate', params: js(S.TypeParam), querystring: js(S.RecordsQuery), response: { ...r(200, S.PageReply), ...errors } } }, async (req, reply) => {
    const { type } = req.params as { type: string };
    const q = req.query as z.infer<typeof S.RecordsQuery>;
    let sel: { ips?: string[]; device?: RoutedDevice } = {};
    if (q.asset !== undefined) {
      const a = assetAddresses(store, q.asset);
      if (a === null) return fail(reply, 404, 'not_found', `No asset ${q.asset}.`);
      sel = a;
    }
    return store.records({ type, ip: q.ip, ips: sel.ips, device: sel.device, uid: q.uid, from: q.from, to: q.to, order: q.order as SortOrder | undefined, offset: q.offset, limit: q.limit });
  });

  // ---- captures ----
  app.get('/api/captures', { schema: { tags: ['captures'], summary: 'Analysed captures and analysis jobs', response: { 200: anyObject, ...errors } } }, async () => ({
    captures: store.captures().map((c) => ({ ...c, stats: undefined })),
    jobs: jobs.list(),
  }));

  app.get('/api/captures/:id', { schema: { tags: ['captures'], summary: 'One capture with its stats.json', params: js(S.NumIdParam), response: { 200: anyObject, ...errors } } }, async (req, reply) => {
    const c = store.capture((req.params as { id: number }).id);
    return c === undefined ? fail(reply, 404, 'not_found', 'No such capture.') : c;
  });

  app.post('/api/captures', {
    config: { role: 'analyst' },
    schema: { tags: ['captures'], summary: 'Upload a pcap/pcapng (multipart field "file"); it is analysed into the database', consumes: ['multipart/form-data'], response: { 202: anyObject, ...errors, 413: js(S.ErrorReply, 'output') } },
  }, async (req, reply) => {
    const file = await req.file();
    if (file === undefined) return fail(reply, 400, 'bad_request', 'Send the capture as the multipart field "file".');
    mkdirSync(uploadDir, { recursive: true });
    const safe = (file.filename || 'capture').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
    const path = join(uploadDir, `${Date.now()}-${randomBytes(4).toString('hex')}-${safe}`);
    await pipeline(file.file, createWriteStream(path));
    if (file.file.truncated) return fail(reply, 413, 'too_large', 'The capture is larger than this server accepts.');
    const bytes = statSync(path).size;
    const job = jobs.start(safe, req.user!.name, [path], bytes);
    store.audit({ user: req.user!.name, action: 'capture.upload', target: safe, detail: { bytes, job: job.id } });
    return reply.code(202).send({ job });
  });

  app.get('/api/jobs/:id', { schema: { tags: ['captures'], summary: 'An analysis job\'s progress', params: js(S.NumIdParam), response: { 200: anyObject, ...errors } } }, async (req, reply) => {
    const j = jobs.get((req.params as { id: number }).id);
    return j === undefined ? fail(reply, 404, 'not_found', 'No such job.') : j;
  });

  app.get('/api/ws', { websocket: true, schema: { tags: ['captures'], summary: 'WebSocket: {"type":"job","job":{…}} on every job progress step' } }, (socket, req) => {
    // Only pages of this origin may open it (cookies ride along cross-site WebSocket handshakes).
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (origin !== undefined && host !== undefined && new URL(origin).host !== host) {
      socket.close(1008, 'cross-origin');
      return;
    }
    const off = jobs.on((job: Job) => {
      if (socket.readyState === 1) socket.send(JSON.stringify({ type: 'job', job }));
    });
    socket.on('close', off);
    for (const j of jobs.list()) if (j.state === 'running' || j.state === 'queued') socket.send(JSON.stringify({ type: 'job', job: j }));
  });

  // ---- alerts ----
  app.get('/api/alerts', { schema: { tags: ['alerts'], summary: 'Alerts: filter by status, asset, severity', querystring: js(S.AlertsQuery), response: { ...r(200, S.PageReply), ...errors } } }, async (req) => {
    const q = req.query as z.infer<typeof S.AlertsQuery>;
    const status = list(q.status)?.filter((s): s is (typeof ALERT_STATUS)[number] => (ALERT_STATUS as readonly string[]).includes(s));
    return store.alerts({ status, asset_id: q.asset_id, min_severity: q.min_severity, order: q.order as SortOrder | undefined, offset: q.offset, limit: q.limit });
  });

  app.patch('/api/alerts/:id', { config: { role: 'analyst' }, schema: { tags: ['alerts'], summary: 'Triage: acknowledge, close, assign', params: js(S.NumIdParam), body: js(S.AlertPatch), response: { 200: anyObject, ...errors } } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const change = req.body as z.infer<typeof S.AlertPatch>;
    if (change.assignee !== undefined && change.assignee !== '' && store.user(change.assignee) === undefined) return fail(reply, 400, 'bad_request', `No user ${change.assignee} to assign to.`);
    const before = store.alert(id);
    const a = store.updateAlert(id, change);
    if (a === undefined || before === undefined) return fail(reply, 404, 'not_found', 'No such alert.');
    store.audit({ user: req.user!.name, action: 'alert.update', target: String(id), detail: { from: { status: before.status, assignee: before.assignee }, to: change } });
    return a;
  });

  // ---- administration ----
  app.get('/api/users', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'Accounts', response: { 200: { type: 'array', items: js(S.UserInfo, 'output') }, ...errors } } }, async () => store.users().map(userInfo));

  app.post('/api/users', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'Add an account (a password is generated when none is given, and returned once)', body: js(S.UserCreate), response: { 201: anyObject, ...errors, 409: js(S.ErrorReply, 'output') } } }, async (req, reply) => {
    const b = req.body as z.infer<typeof S.UserCreate>;
    if (store.user(b.name) !== undefined) return fail(reply, 409, 'exists', `A user named ${b.name} exists already.`);
    const generated = b.password === undefined;
    const password = b.password ?? generatePassword();
    const problem = passwordProblem(password);
    if (problem !== null) return fail(reply, 400, 'weak_password', problem);
    const u = store.addUser({ name: b.name, role: b.role, password_hash: await hashPassword(password), must_change_password: generated });
    store.audit({ user: req.user!.name, action: 'user.add', target: b.name, detail: { role: b.role } });
    return reply.code(201).send({ user: userInfo(u), password: generated ? password : undefined });
  });

  app.patch('/api/users/:id', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'Change an account\'s role', params: js(S.NumIdParam), body: js(S.UserPatch), response: { 200: js(S.UserInfo, 'output'), ...errors } } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const u = store.userById(id);
    if (u === undefined) return fail(reply, 404, 'not_found', 'No such user.');
    const { role } = req.body as z.infer<typeof S.UserPatch>;
    if (u.role === 'admin' && role !== 'admin' && store.users().filter((x) => x.role === 'admin').length === 1) return fail(reply, 400, 'last_admin', 'This is the last admin account.');
    store.setUserRole(id, role);
    store.audit({ user: req.user!.name, action: 'user.role', target: u.name, detail: { from: u.role, to: role } });
    return userInfo(store.userById(id)!);
  });

  app.delete('/api/users/:id', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'Remove an account and end its sessions', params: js(S.NumIdParam), response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const u = store.userById(id);
    if (u === undefined) return fail(reply, 404, 'not_found', 'No such user.');
    if (u.id === req.user!.id) return fail(reply, 400, 'self', 'You cannot remove your own account.');
    if (u.role === 'admin' && store.users().filter((x) => x.role === 'admin').length === 1) return fail(reply, 400, 'last_admin', 'This is the last admin account.');
    store.deleteUser(id);
    store.audit({ user: req.user!.name, action: 'user.remove', target: u.name });
    return reply.code(204).send();
  });

  app.get('/api/audit', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'The audit log of changes, newest first', querystring: js(S.PageQuery), response: { ...r(200, S.PageReply), ...errors } } }, async (req) => store.auditLog(req.query as { offset?: number; limit?: number }));

  app.get('/api/settings/retention', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'Retention settings', response: { 200: js(S.RetentionBody, 'output'), ...errors } } }, async () => store.retention());

  app.put('/api/settings/retention', { config: { role: 'admin' }, schema: { tags: ['admin'], summary: 'Set retention (applied at once, then after every analysis)', body: js(S.RetentionBody), response: { 200: js(S.RetentionBody, 'output'), ...errors } } }, async (req) => {
    const b = req.body as z.infer<typeof S.RetentionBody>;
    const before = store.retention();
    store.setRetention(b);
    store.audit({ user: req.user!.name, action: 'settings.retention', target: 'retention', detail: { from: before, to: b } });
    return store.retention();
  });

  app.get('/api/openapi.json', { schema: { tags: ['system'], summary: 'This API as OpenAPI 3', response: { 200: anyObject, ...errors } } }, async () => app.swagger());

  // ---- the web app ----
  if (opts.webRoot !== undefined && existsSync(join(opts.webRoot, 'index.html'))) {
    const root = resolve(opts.webRoot);
    const index = readFileSync(join(root, 'index.html'), 'utf8');
    await app.register(fastifyStatic, { root, prefix: '/', index: false, wildcard: false, decorateReply: false });
    // Client-side routes get the app's page; unknown /api paths get a JSON 404.
    app.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith('/api/') || req.method !== 'GET') return fail(reply, 404, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}.`);
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(index);
    });
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(index));
  } else {
    app.setNotFoundHandler((req, reply) => fail(reply, 404, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}.`));
  }

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'");
    return payload;
  });

  return { app, jobs };
}

/** A hash of a random password, to spend the same time on unknown user names. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + Buffer.alloc(64).toString('base64url');

