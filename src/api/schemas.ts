// The API's request and response shapes, written once with zod and turned into JSON Schema
// (z.toJSONSchema) for fastify's validation, serialisation and the OpenAPI document.
import { z } from 'zod';
import { ALERT_STATUS, ASSET_SORT, FLOW_SORT, USER_ROLES } from '../store/types.ts';

/** JSON Schema (draft-07, as fastify's validator reads it) of a zod schema. */
export function js(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const offset = z.number().int().min(0).optional().describe('Items to skip (pagination).');
const limit = z.number().int().min(1).max(1000).optional().describe('Items per page (default 100, at most 1000).');
const order = z.enum(['asc', 'desc']).optional();

export const AssetsQuery = z.object({
  search: z.string().max(200).optional().describe('Substring of name, address, vendor, model, firmware or serial (case-insensitive).'),
  role: z.string().max(300).optional().describe('Roles, comma-separated.'),
  vendor: z.string().max(200).optional(),
  purdue_level: z.string().max(40).optional().describe('Levels 0-5, comma-separated.'),
  protocol: z.string().max(64).optional().describe('Assets whose flows carried this protocol.'),
  sort: z.enum(ASSET_SORT).optional(),
  order,
  offset,
  limit,
});

export const FlowsQuery = z.object({
  ip: z.string().max(64).optional(),
  asset: z.string().max(200).optional().describe('Flows of this asset\'s addresses (a device behind a BACnet router or Modbus gateway: the router\'s flows that carried its records).'),
  port: z.number().int().min(0).max(65535).optional(),
  proto: z.enum(['tcp', 'udp', 'icmp']).optional(),
  service: z.string().max(64).optional(),
  conn_state: z.string().max(16).optional(),
  uid: z.string().max(64).optional(),
  from: z.number().optional().describe('Start time (seconds since the epoch), inclusive.'),
  to: z.number().optional().describe('End time, exclusive.'),
  sort: z.enum(FLOW_SORT).optional(),
  order,
  offset,
  limit,
});

export const RecordsQuery = z.object({
  ip: z.string().max(64).optional(),
  asset: z.string().max(200).optional().describe('Records of this asset\'s addresses (a device behind a BACnet router or Modbus gateway: the router\'s records that name it).'),
  uid: z.string().max(64).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  order,
  offset,
  limit,
});

export const PageQuery = z.object({ offset, limit });

export const AlertsQuery = z.object({
  status: z.string().max(60).optional().describe('Statuses, comma-separated: open, acknowledged, closed.'),
  asset_id: z.string().max(200).optional(),
  min_severity: z.number().int().min(1).max(4).optional().describe('Only alerts at least this severe (1 is the most severe).'),
  order,
  offset,
  limit,
});

export const AlertPatch = z.object({
  status: z.enum(ALERT_STATUS).optional(),
  assignee: z.string().max(100).optional(),
}).strict();

export const Login = z.object({ name: z.string().min(1).max(100), password: z.string().min(1).max(256) }).strict();

export const PasswordChange = z.object({ current: z.string().min(1).max(256), new: z.string().min(10).max(256) }).strict();

export const UserCreate = z.object({
  name: z.string().min(1).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  role: z.enum(USER_ROLES),
  password: z.string().min(10).max(256).optional().describe('Left out: a password is generated and returned once.'),
}).strict();

export const UserPatch = z.object({ role: z.enum(USER_ROLES) }).strict();

export const RetentionBody = z.object({
  records_days: z.number().int().min(0).max(36500),
  max_captures: z.number().int().min(0).max(100000),
}).strict();

export const IdParam = z.object({ id: z.string().min(1).max(200) });
export const NumIdParam = z.object({ id: z.number().int().min(1) });
export const TypeParam = z.object({ type: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/).max(64) });

export const ErrorReply = z.object({ error: z.string(), message: z.string() });

export const UserInfo = z.object({ id: z.number(), name: z.string(), role: z.enum(USER_ROLES), must_change_password: z.boolean(), created_at: z.string() });

export const SessionReply = z.object({ user: UserInfo, csrf_token: z.string() });

/** A page of anything: the items' own fields are kept as they are. */
export const PageReply = z.object({
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  items: z.array(z.record(z.string(), z.unknown())),
});
