// Shared by the browser tests: Debian's chromium through playwright-core (never a
// downloaded browser), the console built when stale, a real `palisade serve` on a free port
// over a temporary database, accounts made with `palisade user add --password-stdin`, and
// screenshots in test-results/browser/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PALISADE_BIN, palisadeNodeFlags } from '../../src/core/node-flags.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');
export const SHOTS = join(ROOT, 'test-results', 'browser');
/** bin/palisade, and the flags of its `#!` line: this Node.js runs it with them, as the shell would. */
const PALISADE = PALISADE_BIN;
const FLAGS = palisadeNodeFlags();

/** Why the browser tests cannot run here, or null when they can. */
export function skipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does) to run the browser tests`;
  return null;
}

export function corpus(rel: string): string {
  return join(CORPUS, rel);
}

/** Builds web/dist when it is missing or older than the web sources. */
export function ensureWebBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--if-stale', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `palisade-${prefix}-`));
}

export function palisade(args: string[], input?: string): string {
  const r = spawnSync(process.execPath, [...FLAGS, PALISADE, ...args], { cwd: ROOT, encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`palisade ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function addUser(db: string, name: string, role: 'viewer' | 'analyst' | 'admin', password: string): void {
  palisade(['user', 'add', name, '--role', role, '--db', db, '--password-stdin'], password + '\n');
}

export interface Server {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(db: string): Promise<Server> {
  const proc = spawn(process.execPath, [...FLAGS, PALISADE, 'serve', '--db', db, '--host', '127.0.0.1', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`palisade serve did not start:\n${out}\n${err}`)), 30_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /console on (http:\/\/[^\s]+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`palisade serve exited ${code}:\n${out}\n${err}`));
    });
  });
  return {
    url,
    proc,
    stop: () => new Promise<void>((done) => {
      if (proc.exitCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
    }),
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged (failed requests that a test provokes are expected). */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = tempDir('chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The server's CSP allows nothing from elsewhere and no inline script: a violation is a bug.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until `expr` (JavaScript, as text) is true in the page. page.waitForFunction evaluates
 * a text predicate with eval when its first check fails, which the console's Content Security
 * Policy forbids; page.evaluate is not subject to it.
 */
export async function until(page: Page, expr: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(expr))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

export async function login(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(base + '/');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
