// The inventory on disk: assets.json (everything, with claims and evidence), assets.csv
// (one row per asset, best values), graph.json (nodes and edges for the console and
// scripts) and graph.graphml (GraphML that Gephi and yEd open). docs/assets.md documents
// every field.
import type { ZeekField } from '../events/zeek-tsv.ts';
import type { AssetJSON, EdgeJSON, Inventory } from './builder.ts';
import type { Claim } from './claims.ts';
import type { GraphNode } from './graph-columns.ts';

export type { GraphNode };

export const INVENTORY_VERSION = 1;

/** The asset_changes record's Zeek columns. */
export const ASSET_CHANGE_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'change', type: 'string' },
  { name: 'asset_id', type: 'string' },
  { name: 'field', type: 'string' },
  { name: 'old_value', type: 'string' },
  { name: 'new_value', type: 'string' },
  { name: 'source', type: 'string' },
  { name: 'uid', type: 'string' },
  { name: 'description', type: 'string' },
];

export function assetsJSON(inv: Inventory, meta: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: INVENTORY_VERSION, ...meta, span: inv.span, dropped_claims: inv.dropped_claims, assets: inv.assets }, null, 1) + '\n';
}

/** Best values: the best-confidence claims, joined with ` | ` when equally sure sources disagree. */
function best(claims: readonly Claim[]): string {
  if (claims.length === 0) return '';
  const top = claims[0].confidence;
  return claims.filter((c) => c.confidence === top).map((c) => c.value).join(' | ');
}

/** A cell that must be quoted: a quote, comma or line break in it, or a start a spreadsheet reads as a formula. */
const CSV_QUOTED = /[",\n\r]|^[=+\-@\t]/;
const CSV_FORMULA = /^[=+\-@\t\r]/;

function csvCell(v: string | number | null): string {
  if (typeof v === 'number') {
    // A negative number is data, yet starts with '-': quoted as any other such cell.
    if (v >= 0) return String(v);
  } else if (v === null) return '';
  const s = String(v);
  if (!CSV_QUOTED.test(s)) return s;
  return `"${(CSV_FORMULA.test(s) ? "'" : '') + s.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = [
  'id', 'key', 'name', 'ipv4', 'ipv6', 'mac', 'vlans', 'vendor', 'model', 'firmware', 'serial', 'os', 'device_type', 'role', 'role_confidence',
  'purdue_level', 'protocols', 'services_offered', 'first_seen', 'last_seen', 'packets_sent', 'packets_received', 'bytes_sent', 'bytes_received', 'flows',
  'bacnet', 'routed_via', 'modbus_units',
] as const;

export function assetRow(a: AssetJSON): (string | number | null)[] {
  return [
    a.id, a.key, best(a.names), a.ipv4.map((c) => c.value).join(' '), a.ipv6.map((c) => c.value).join(' '), a.mac.map((c) => c.value).join(' '),
    a.vlans.join(' '), best(a.vendor), best(a.model), best(a.firmware), best(a.serial), best(a.os), best(a.device_type), a.role.value, a.role.confidence,
    a.purdue_level.level, a.protocols.join(' '), a.services_offered.map((s) => `${s.proto}/${s.port}`).join(' '),
    isoTime(a.first_seen), isoTime(a.last_seen), a.packets_sent, a.packets_received, a.bytes_sent, a.bytes_received, a.flows,
    a.bacnet.map((c) => c.value).join(' '), a.routed_via.map((c) => c.value).join(' '), a.modbus_units.join(' '),
  ];
}

export function assetsCSV(assets: readonly AssetJSON[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const a of assets) lines.push(assetRow(a).map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

export function isoTime(ts: number): string {
  return ts > 0 ? new Date(ts * 1000).toISOString() : '';
}

export function graphNodes(assets: readonly AssetJSON[]): GraphNode[] {
  return assets.map((a) => ({
    id: a.id,
    label: best(a.names) || a.ipv4[0]?.value || a.ipv6[0]?.value || a.mac[0]?.value || (a.bacnet[0] !== undefined ? `BACnet ${a.bacnet[0].value}` : a.key === 'modbus' ? `Modbus unit ${a.modbus_units.join(' ')} via ${a.routed_via[0]?.value ?? '?'}` : a.id),
    role: a.role.value,
    purdue_level: a.purdue_level.level,
    vendor: best(a.vendor),
    ips: [...a.ipv4, ...a.ipv6].map((c) => c.value),
    macs: a.key === 'mac' ? a.mac.map((c) => c.value) : [],
    subnet: a.subnets[0] ?? '',
    protocols: a.protocols,
    packets: a.packets_sent + a.packets_received,
    bytes: a.bytes_sent + a.bytes_received,
  }));
}

export function graphJSON(inv: Inventory): string {
  return JSON.stringify({ version: INVENTORY_VERSION, directed: true, nodes: graphNodes(inv.assets), edges: inv.edges }, null, 1) + '\n';
}

const XML_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** What xml() changes: markup, and the control characters XML 1.0 cannot carry. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const XML_SPECIAL = /[<>&"'\x00-\x08\x0b\x0c\x0e-\x1f]/;

/** Text for XML 1.0: markup escaped, and the control characters XML cannot carry dropped. */
function xml(s: string): string {
  // Most values (addresses, roles, names) hold none of it.
  if (!XML_SPECIAL.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) continue;
    out += XML_ESCAPES[ch] ?? ch;
  }
  return out;
}

/** GraphML (graphml.graphdrawing.org) with node and edge attributes as <data> keys. */
export function graphML(inv: Inventory): string {
  const nodes = graphNodes(inv.assets);
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">');
  const keys: [string, 'node' | 'edge', string, string][] = [
    ['label', 'node', 'label', 'string'], ['role', 'node', 'role', 'string'], ['purdue_level', 'node', 'purdue_level', 'int'],
    ['vendor', 'node', 'vendor', 'string'], ['ips', 'node', 'ips', 'string'], ['macs', 'node', 'macs', 'string'], ['subnet', 'node', 'subnet', 'string'],
    ['protocols', 'node', 'protocols', 'string'], ['packets', 'node', 'packets', 'long'], ['bytes', 'node', 'bytes', 'long'],
    ['e_routed', 'edge', 'routed', 'boolean'], ['e_protocols', 'edge', 'protocols', 'string'], ['e_ports', 'edge', 'ports', 'string'], ['e_flows', 'edge', 'flows', 'long'],
    ['e_packets', 'edge', 'packets', 'long'], ['e_bytes', 'edge', 'bytes', 'long'], ['e_operations', 'edge', 'operations', 'string'],
    ['e_first_seen', 'edge', 'first_seen', 'double'], ['e_last_seen', 'edge', 'last_seen', 'double'],
  ];
  for (const [id, dom, name, type] of keys) out.push(`  <key id="${id}" for="${dom}" attr.name="${name}" attr.type="${type}"/>`);
  out.push('  <graph id="palisade" edgedefault="directed">');
  for (const n of nodes) {
    out.push(`    <node id="${xml(n.id)}">`);
    out.push(`      <data key="label">${xml(n.label)}</data>`);
    out.push(`      <data key="role">${xml(n.role)}</data>`);
    if (n.purdue_level !== null) out.push(`      <data key="purdue_level">${n.purdue_level}</data>`);
    out.push(`      <data key="vendor">${xml(n.vendor)}</data>`);
    out.push(`      <data key="ips">${xml(n.ips.join(' '))}</data>`);
    out.push(`      <data key="macs">${xml(n.macs.join(' '))}</data>`);
    out.push(`      <data key="subnet">${xml(n.subnet)}</data>`);
    out.push(`      <data key="protocols">${xml(n.protocols.join(' '))}</data>`);
    out.push(`      <data key="packets">${n.packets}</data>`);
    out.push(`      <data key="bytes">${n.bytes}</data>`);
    out.push('    </node>');
  }
  for (const e of inv.edges) out.push(edgeML(e));
  out.push('  </graph>');
  out.push('</graphml>');
  return out.join('\n') + '\n';
}

function edgeML(e: EdgeJSON): string {
  const ops = Object.entries(e.operations).map(([p, m]) => `${p}: ${Object.entries(m).map(([k, v]) => `${k} ${v.count}`).join(', ')}`).join('; ');
  return [
    `    <edge id="${xml(e.id)}" source="${xml(e.source)}" target="${xml(e.target)}">`,
    `      <data key="e_routed">${e.routed}</data>`,
    `      <data key="e_protocols">${xml(e.protocols.join(' '))}</data>`,
    `      <data key="e_ports">${xml(e.ports.map((p) => p.port).join(' '))}</data>`,
    `      <data key="e_flows">${e.flows}</data>`,
    `      <data key="e_packets">${e.packets}</data>`,
    `      <data key="e_bytes">${e.bytes}</data>`,
    `      <data key="e_operations">${xml(ops)}</data>`,
    `      <data key="e_first_seen">${e.first_seen}</data>`,
    `      <data key="e_last_seen">${e.last_seen}</data>`,
    '    </edge>',
  ].join('\n');
}
