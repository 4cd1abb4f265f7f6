// The map at plant scale: 5,000 assets and 10,000 edges (a synthetic inventory written
// through the store API) render completely and stay interactive. The time to first render,
// the layout time and pan/zoom frame times are printed and written to
// test-results/browser/map-5000.json (for the benchmark report); no wall-clock threshold is
// asserted, since the machine and its software WebGL vary.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addUser, ensureWebBuilt, login, openBrowser, shot, SHOTS, skipReason, startServer, tempDir, type Browser, type Server } from './harness.ts';
import { writeSyntheticStore } from './synthetic.ts';

const skip = skipReason();
if (skip !== null) console.log(`# skipping the map scale test: ${skip}`);

const N = 5000;

describe('network map with 5,000 nodes', { skip: skip ?? false, timeout: 240_000 }, () => {
  let dir = '';
  let server: Server;
  let b: Browser;
  let sizes = { assets: 0, edges: 0 };

  before(async () => {
    ensureWebBuilt();
    dir = tempDir('map5k');
    const db = join(dir, 'map.db');
    sizes = writeSyntheticStore(db, N);
    addUser(db, 'admin', 'admin', 'admin-password-1');
    server = await startServer(db);
    b = await openBrowser();
  });

  after(async () => {
    await b?.close();
    await server?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('renders every node and edge and stays interactive', async () => {
    const { page } = b;
    assert.equal(sizes.assets, N);
    assert.ok(sizes.edges >= 9000, `about 10,000 edges (${sizes.edges})`);
    await login(page, server.url, 'admin', 'admin-password-1');
    await page.getByTestId('kpi-assets').waitFor();
    assert.match((await page.getByTestId('kpi-assets').textContent()) ?? '', /^5\D?000$/);
    const t0 = Date.now();
    await page.getByRole('link', { name: 'Network map' }).click();
    const map = page.getByTestId('map');
    await page.locator('[data-testid=map][data-ready="1"]').waitFor({ timeout: 60_000 });
    const clickToDrawn = Date.now() - t0;
    assert.equal(Number(await map.getAttribute('data-nodes')), N);
    assert.equal(Number(await map.getAttribute('data-edges')), sizes.edges);
    const painted = await page.evaluate('window.__palisadeMap.paintedPixels()') as number;
    assert.ok(painted > 5000, `the canvas is drawn (${painted} non-blank pixels)`);
    await page.locator('[data-testid=map][data-layout=refined]').waitFor({ timeout: 90_000 });
    const metrics = await page.evaluate('window.__palisadeMap.metrics') as Record<string, number>;
    await shot(page, 'map-5000');

    // Real input: drag to pan and wheel to zoom move the camera.
    const box = (await map.boundingBox())!;
    const cam = () => page.evaluate('window.__palisadeMap.sigma.getCamera().getState()') as Promise<{ x: number; y: number; ratio: number }>;
    const before = await cam();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width / 2 + i * 20, box.y + box.height / 2 + i * 8);
    await page.mouse.up();
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(600);
    const moved = await cam();
    assert.ok(moved.x !== before.x || moved.y !== before.y, 'dragging pans the map');
    assert.ok(moved.ratio !== before.ratio, 'the wheel zooms the map');

    // Programmatic pan and zoom, one camera step per frame: frame intervals and render times.
    const frames = await page.evaluate('window.__palisadeMap.measureFrames(12)') as { frames: number; meanFrameMs: number; p95FrameMs: number; meanRenderMs: number; maxRenderMs: number };
    assert.ok(frames.frames >= 10);
    const report = {
      nodes: N, edges: sizes.edges, viewport: '1280x800', renderer: 'headless chromium, software WebGL (SwiftShader)',
      click_to_drawn_ms: clickToDrawn, fetch_ms: Math.round(metrics.fetchMs), build_ms: Math.round(metrics.buildMs), first_render_ms: Math.round(metrics.firstRenderMs),
      layout_refine_ms: Math.round(metrics.layoutMs), layout_iterations: metrics.layoutIterations,
      pan_zoom_mean_frame_ms: Number(frames.meanFrameMs.toFixed(1)), pan_zoom_p95_frame_ms: Number(frames.p95FrameMs.toFixed(1)),
      pan_zoom_mean_render_ms: Number(frames.meanRenderMs.toFixed(1)), pan_zoom_max_render_ms: Number(frames.maxRenderMs.toFixed(1)),
    };
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, 'map-5000.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`# map 5,000 nodes: ${JSON.stringify(report)}`);
    assert.deepEqual(b.errors, []);
  });
});
