// The console in a real browser (Debian's chromium via playwright-core) against a real
// `palisade serve`: login and the forced password change, upload of a capture with its live
// progress and then its assets, the map (drawn, every node), asset pages from the table and
// from the map, alert triage as an analyst, and a viewer without triage buttons.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { decodeGraphColumns, type GraphColumns } from '../../src/assets/graph-columns.ts';
import { MODBUS_GATEWAY } from '../support/fixtures.ts';
import { addUser, corpus, ensureWebBuilt, login, openBrowser, palisade, shot, skipReason, startServer, tempDir, until, type Browser, type Server } from './harness.ts';

const skip = skipReason();
if (skip !== null) console.log(`# skipping the browser tests: ${skip}`);

const PW = { admin: 'admin-password-1', analyst: 'analyst-password-1', viewer: 'viewer-password-1' };

describe('web console', { skip: skip ?? false, timeout: 180_000 }, () => {
  let dir = '';
  let db = '';
  let server: Server;
  let b: Browser;
  /** The assets in the database, as the store counts them (the dashboard must show the same). */
  let assetCount = 0;

  before(async () => {
    ensureWebBuilt();
    dir = tempDir('console');
    db = join(dir, 'test.db');
    palisade(['analyze', corpus('icsnpp-enip/tests/traces/enip_cip_example.pcap'), '--db', db, '--no-summary']);
    // A second capture in the database: a Modbus/TCP gateway with two devices behind it.
    palisade(['analyze', MODBUS_GATEWAY, '--db', db, '--no-summary']);
    addUser(db, 'admin', 'admin', PW.admin);
    addUser(db, 'analyst', 'analyst', PW.analyst);
    addUser(db, 'viewer', 'viewer', PW.viewer);
    const store = new SqliteStore(db);
    // A PLC with an IP address of its own (not a device behind the gateway).
    const asset = store.assets({ role: ['plc'] }).items.find((a) => a.ipv4 !== '')!;
    assetCount = store.assets({}).total;
    store.addAlerts([
      { ts: 1700000000, severity: 1, signature: 'PALISADE test: PLC program download', category: 'Impair Process Control', src_ip: '10.1.1.10', dest_ip: asset.ipv4, asset_id: asset.id, data: {} },
      { ts: 1700000100, severity: 3, signature: 'PALISADE test: Modbus write to a new register', category: 'Manipulation of Control', src_ip: '10.1.1.11', dest_ip: asset.ipv4, asset_id: asset.id, data: {} },
    ]);
    store.close();
    server = await startServer(db);
    b = await openBrowser();
  });

  after(async () => {
    await b?.close();
    await server?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('logs in and shows the dashboard with the user and role', async () => {
    const { page } = b;
    await page.goto(server.url + '/assets');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await login(page, server.url, 'admin', 'wrong-password');
    await page.getByRole('alert').filter({ hasText: 'Wrong user name or password' }).waitFor();
    await login(page, server.url, 'admin', PW.admin);
    await page.getByTestId('kpi-assets').waitFor();
    assert.ok(assetCount > 5);
    assert.equal(await page.getByTestId('kpi-assets').textContent(), String(assetCount));
    assert.equal(await page.getByTestId('user-name').textContent(), 'admin');
    assert.equal(await page.getByTestId('user-role').textContent(), 'admin');
    await page.getByRole('link', { name: 'Admin' }).waitFor();
    await shot(page, 'dashboard');
  });

  it('makes a user with a generated password change it first', async () => {
    const { page } = b;
    const out = palisade(['user', 'add', 'newcomer', '--role', 'viewer', '--db', db]);
    const generated = /password[^:]*: (\S+)/.exec(out)?.[1];
    assert.ok(generated !== undefined, out);
    await login(page, server.url, 'newcomer', generated);
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    await page.getByLabel('Current password').fill(generated);
    await page.getByLabel('New password (at least 10 characters)').fill('newcomer-password-1');
    await page.getByLabel('New password again').fill('newcomer-password-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('kpi-assets').waitFor();
    assert.equal(await page.getByTestId('user-role').textContent(), 'viewer');
  });

  it('uploads a capture, shows its progress and then its assets', async () => {
    const { page } = b;
    await login(page, server.url, 'analyst', PW.analyst);
    await page.getByTestId('kpi-assets').waitFor();
    await page.getByRole('link', { name: 'Captures' }).click();
    await page.getByTestId('captures-table').waitFor();
    await page.getByTestId('capture-file').setInputFiles(corpus('emreekin-ics-pcaps/BacNET/BACnetIP-MSTP-Mix.pcap'));
    await page.getByTestId('upload').click();
    // The job appears at once (queued or running) and then finishes, pushed over the WebSocket.
    const job = page.getByTestId('job').first();
    await job.waitFor();
    assert.match((await job.getAttribute('data-state')) ?? '', /queued|running|done/);
    await page.locator('[data-testid=job][data-state=done]').waitFor({ timeout: 60_000 });
    await page.getByTestId('job-result').waitFor();
    assert.match((await page.getByTestId('job-result').textContent()) ?? '', /assets in the inventory/);
    await page.getByTestId('captures-table').getByText('BACnetIP-MSTP-Mix.pcap').waitFor();
    await shot(page, 'captures');
    await page.getByTestId('job-result').getByRole('link', { name: 'See the assets' }).click();
    await page.getByTestId('assets-table').waitFor();
    await page.getByRole('navigation', { name: 'Pages' }).or(page.locator('.pager')).first().waitFor();
    const pager = (await page.locator('.pager').textContent()) ?? '';
    const total = Number(/of ([\d,]+)|^([\d,]+) rows/.exec(pager)?.slice(1).find((x) => x !== undefined)?.replace(/,/g, ''));
    assert.ok(total > assetCount, `the inventory grew past the ${assetCount} assets of the first capture (pager: ${pager})`);
    // Filter on the server: BACnet assets only.
    await page.goto(server.url + '/assets?protocol=bacnet');
    await page.getByTestId('assets-table').locator('tbody tr').first().waitFor();
    await shot(page, 'assets');
    // The MS/TP controller behind the BACnet router is an asset of its own, shown by its BACnet address.
    const row = page.getByTestId('assets-table').locator('tbody tr').filter({ hasText: 'BACnet 26001:72' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /ATmega168 Device/);
    await row.locator('.asset-link').click();
    await page.getByTestId('asset-page').waitFor();
    const claims = page.locator('table.claims');
    await claims.locator('tr').filter({ hasText: 'BACnet address' }).filter({ hasText: '26001:72' }).waitFor();
    await claims.locator('tr').filter({ hasText: 'Via BACnet router' }).filter({ hasText: '192.168.0.24' }).waitFor();
  });

  it('opens an asset page from the table, with claims, evidence and records', async () => {
    const { page } = b;
    await page.goto(server.url + '/assets?role=plc');
    await page.locator('.asset-link').first().click();
    const assetPage = page.getByTestId('asset-page');
    await assetPage.waitFor();
    await page.getByRole('heading', { name: 'Identity: claims and evidence' }).waitFor();
    await page.getByRole('heading', { name: /^Connections/ }).waitFor();
    await page.getByRole('tablist', { name: 'Record types' }).waitFor();
    await page.getByTestId('records-conn').waitFor();
    await shot(page, 'asset');
    // A flow uid leads to that flow's records.
    await page.getByTestId('records-conn').locator('tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Flow' }).waitFor();
    await page.getByTestId('records-conn').waitFor();
  });

  it('shows a Modbus device behind a gateway with its unit id and the gateway', async () => {
    const { page } = b;
    await page.goto(server.url + '/assets?protocol=modbus');
    const row = page.getByTestId('assets-table').locator('tbody tr').filter({ hasText: 'Modbus unit 1' });
    await row.waitFor();
    await row.locator('.asset-link').click();
    const assetPage = page.getByTestId('asset-page');
    await assetPage.waitFor();
    assert.equal(await assetPage.getAttribute('data-asset-id'), 'modbus:1@10.20.0.50');
    await page.locator('dl.facts div').filter({ hasText: 'Modbus units' }).filter({ hasText: '1' }).waitFor();
    await page.locator('table.claims tr').filter({ hasText: 'Via Modbus gateway' }).filter({ hasText: '10.20.0.50' }).waitFor();
    // Its records: the gateway's Modbus records for unit 1 (3 reads, 3 writes).
    await page.getByRole('tablist', { name: 'Record types' }).getByRole('tab', { name: /^modbus\s*6$/ }).click();
    const recs = page.getByTestId('records-modbus');
    await recs.waitFor();
    assert.equal(await recs.locator('tbody tr').count(), 6);
    // The gateway is listed as one, with the units it answered for.
    await page.goto(server.url + '/assets?role=protocol_gateway');
    const gw = page.getByTestId('assets-table').locator('tbody tr').filter({ hasText: '10.20.0.50' });
    await gw.waitFor();
    await gw.locator('.asset-link').click();
    await page.getByTestId('asset-page').waitFor();
    await page.locator('dl.facts div').filter({ hasText: 'Modbus units' }).filter({ hasText: '1, 2, 255' }).waitFor();
    await page.locator('dl.facts').filter({ hasText: 'Protocol gateway' }).waitFor();
    // It lists the devices behind it, and each leads to its page.
    const behind = page.getByTestId('behind-table');
    await behind.waitFor();
    assert.deepEqual(await behind.locator('tbody tr td.mono').allTextContents(), ['Modbus unit 1', 'Modbus unit 2']);
    // Its connections: the routed edges to them, apart from the HMI's traffic.
    const routes = page.locator('section', { has: page.locator('#s-edges') }).locator('tbody tr').filter({ hasText: 'behind it →' });
    await routes.first().waitFor();
    assert.deepEqual((await routes.locator('a.mono').allTextContents()).sort(), ['modbus:1@10.20.0.50', 'modbus:2@10.20.0.50']);
    await behind.locator('.asset-link').nth(1).click();
    await page.locator('[data-testid="asset-page"][data-asset-id="modbus:2@10.20.0.50"]').waitFor();
  });

  it('draws the map with every node, and a click on a node opens its asset', async () => {
    const { page } = b;
    await page.goto(server.url + '/map');
    const map = page.getByTestId('map');
    await page.locator('[data-testid=map][data-ready="1"]').waitFor({ timeout: 30_000 });
    const graph = decodeGraphColumns((await (await page.request.get(server.url + '/api/graph')).json()) as GraphColumns);
    assert.equal(Number(await map.getAttribute('data-nodes')), graph.nodes.length);
    await page.locator('[data-testid=map][data-layout=refined]').waitFor({ timeout: 30_000 });
    const painted = await page.evaluate('window.__palisadeMap.paintedPixels()') as number;
    assert.ok(painted > 500, `the map canvas is drawn (${painted} non-blank pixels)`);
    await page.getByRole('list', { name: /Legend/ }).getByText('PLC').waitFor();
    await shot(page, 'map');
    // Filter by protocol: only the assets on CIP edges stay visible.
    const visible = () => page.evaluate(`(() => { const m = window.__palisadeMap; return m.graph.nodes().filter((n) => m.sigma.getNodeDisplayData(n)?.visibility !== 'hidden').length; })()`) as Promise<number>;
    assert.equal(await visible(), graph.nodes.length);
    await page.getByTestId('map-protocol').selectOption('cip');
    await until(page, `window.__palisadeMap.graph.nodes().some((n) => window.__palisadeMap.sigma.getNodeDisplayData(n)?.visibility === 'hidden')`);
    const withCip = await visible();
    assert.ok(withCip > 0 && withCip < graph.nodes.length, `${withCip} of ${graph.nodes.length} assets on CIP edges`);
    await page.getByTestId('map-protocol').selectOption('');
    await until(page, `window.__palisadeMap.graph.nodes().every((n) => window.__palisadeMap.sigma.getNodeDisplayData(n)?.visibility !== 'hidden')`);
    // Hover the middle of the busiest edge: its tooltip has the protocols and operation totals.
    const edges = graph.edges as { source: string; target: string; bytes: number; protocols: string[] }[];
    const edge = [...edges].filter((e) => e.source !== e.target).sort((x, y) => y.bytes - x.bytes)[0];
    const ends = await page.evaluate(`[window.__palisadeMap.nodeOnScreen(${JSON.stringify(edge.source)}), window.__palisadeMap.nodeOnScreen(${JSON.stringify(edge.target)})]`) as { x: number; y: number }[];
    const mapBox = (await map.boundingBox())!;
    await page.mouse.move(mapBox.x + (ends[0].x + ends[1].x) / 2, mapBox.y + (ends[0].y + ends[1].y) / 2);
    await page.getByTestId('map-tooltip').filter({ hasText: '→' }).waitFor({ timeout: 10_000 });
    if (edge.protocols.length > 0) assert.match((await page.getByTestId('map-tooltip').textContent()) ?? '', new RegExp(edge.protocols[0]));
    await shot(page, 'map-edge-tooltip');
    await page.mouse.move(mapBox.x + 2, mapBox.y + 2);
    // The devices behind the Modbus gateway hang off it: routed edges, drawn in their own colour.
    const routed = graph.edges.filter((e) => e.routed && e.target.startsWith('modbus:'));
    assert.deepEqual(routed.map((e) => e.target).sort(), ['modbus:1@10.20.0.50', 'modbus:2@10.20.0.50']);
    assert.ok(graph.edges.some((e) => e.routed && e.target === 'bacnet:26001:72@192.168.0.24'), 'the BACnet device behind its router');
    const colours = await page.evaluate(`(${JSON.stringify(routed.map((e) => e.id))}).map((k) => window.__palisadeMap.graph.getEdgeAttribute(k, 'color'))`) as string[];
    const plain = await page.evaluate(`window.__palisadeMap.graph.getEdgeAttribute(${JSON.stringify(edge.source + '>' + edge.target)}, 'color')`) as string;
    assert.equal(new Set(colours).size, 1);
    assert.notEqual(colours[0], plain);
    // The gateway's tooltip lists the devices behind it.
    const gwAt = await page.evaluate(`window.__palisadeMap.nodeOnScreen(${JSON.stringify(routed[0].source)})`) as { x: number; y: number };
    await page.mouse.move(mapBox.x + gwAt.x, mapBox.y + gwAt.y);
    const gwTip = page.getByTestId('map-tooltip').filter({ hasText: 'Protocol gateway' });
    await gwTip.waitFor({ timeout: 10_000 });
    const lines = (await gwTip.locator('.tip-links > div').allTextContents()).filter((t) => t.includes('behind it'));
    assert.deepEqual(lines.map((t) => t.replace(/\s+/g, ' ').trim()).sort(), ['→ Modbus unit 1 via 10.20.0.50 · modbus · behind it', '→ Modbus unit 2 via 10.20.0.50 · modbus · behind it']);
    await page.mouse.move(mapBox.x + 2, mapBox.y + 2);
    // Hover and click the busiest node.
    const busiest = [...graph.nodes].sort((x, y) => y.bytes - x.bytes)[0];
    const at = await page.evaluate(`window.__palisadeMap.nodeOnScreen(${JSON.stringify(busiest.id)})`) as { x: number; y: number } | null;
    assert.ok(at !== null);
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + at.x, box.y + at.y);
    await page.getByTestId('map-tooltip').waitFor();
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.getByTestId('asset-page').waitFor();
    assert.equal(await page.getByTestId('asset-page').getAttribute('data-asset-id'), busiest.id);
  });

  it('lets an analyst triage alerts', async () => {
    const { page } = b;
    await page.goto(server.url + '/alerts');
    const table = page.getByTestId('alerts-table');
    const row = table.locator('tbody tr').filter({ hasText: 'PLC program download' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Assign to me' }).click();
    await row.getByText('analyst', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    // It leaves the open list; it is under Acknowledged.
    await row.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Acknowledged' }).click();
    await table.locator('tbody tr').filter({ hasText: 'PLC program download' }).getByTestId('alert-status').filter({ hasText: 'acknowledged' }).waitFor();
    await table.locator('tbody tr').filter({ hasText: 'PLC program download' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('tab', { name: 'Closed' }).click();
    await table.locator('tbody tr').filter({ hasText: 'PLC program download' }).waitFor();
    await shot(page, 'alerts-analyst');
    const api = (await (await page.request.get(server.url + '/api/alerts?status=closed')).json()) as { items: { signature: string; assignee: string }[] };
    assert.equal(api.items[0]?.assignee, 'analyst');
  });

  it('shows a viewer the alerts without triage buttons, and no admin or upload', async () => {
    const { page } = b;
    await login(page, server.url, 'viewer', PW.viewer);
    await page.getByTestId('kpi-assets').waitFor();
    await page.goto(server.url + '/alerts?status=all');
    await page.getByTestId('alerts-table').locator('tbody tr').first().waitFor();
    assert.equal(await page.getByTestId('alerts-table').locator('tbody tr').count(), 2);
    assert.equal(await page.getByTestId('triage').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Acknowledge' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0);
    await page.goto(server.url + '/captures');
    await page.getByTestId('captures-table').waitFor();
    assert.equal(await page.getByTestId('upload').count(), 0);
    await shot(page, 'alerts-viewer');
  });

  it('lets an admin add a user and see the password once, and read the audit log', async () => {
    const { page } = b;
    await login(page, server.url, 'admin', PW.admin);
    await page.getByTestId('kpi-assets').waitFor();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('New user').fill('operator1');
    await page.getByRole('button', { name: 'Add user' }).click();
    const note = page.getByTestId('new-password');
    await note.waitFor();
    assert.match((await note.locator('code').textContent()) ?? '', /^\S{10,}$/);
    await page.getByTestId('users-table').getByText('operator1').waitFor();
    await page.getByTestId('audit-table').getByText('user.add').first().waitFor();
    await shot(page, 'admin');
    assert.deepEqual(b.errors, []);
  });
});
