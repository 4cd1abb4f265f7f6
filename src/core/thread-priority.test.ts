import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { v8HelperThreads, yieldV8Helpers } from './thread-priority.ts';

const skip = existsSync('/proc/self/task') ? false : 'no /proc (not Linux)';

test("V8's helper threads yield, and get their priority back", { skip }, () => {
  const ids = v8HelperThreads();
  assert.ok(ids.length > 0, 'a Node.js process has V8 helper threads');
  assert.ok(!ids.includes(process.pid), 'the main thread is not one of them');
  const before = ids.map((t) => getPriority(t));
  const main = getPriority(process.pid);
  const undo = yieldV8Helpers(10);
  for (const t of ids) assert.equal(getPriority(t), 10);
  // On Linux the main thread's id is the process id.
  assert.equal(getPriority(process.pid), main, 'the main thread keeps its own');
  undo();
  undo();
  // Lowering a niceness again takes privilege (root here and in CI); without it they stay at 10.
  if (process.getuid?.() === 0) assert.deepEqual(ids.map((t) => getPriority(t)), before);
  else for (const t of ids) assert.equal(getPriority(t), 10);
});

test('a thread already at a lower priority keeps it', { skip }, () => {
  const undo = yieldV8Helpers(12);
  try {
    const undo2 = yieldV8Helpers(10);
    for (const t of v8HelperThreads()) assert.equal(getPriority(t), 12);
    undo2();
    for (const t of v8HelperThreads()) assert.equal(getPriority(t), 12);
  } finally {
    undo();
  }
});

test('a worker thread yields by itself, and only itself', { skip }, async () => {
  const main = getPriority(process.pid);
  const helpers = v8HelperThreads().map((t) => getPriority(t));
  const src = `const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(new URL('./thread-priority.ts', import.meta.url).href)}).then((m) => {
      m.yieldThisThread(13);
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      parentPort.postMessage(tid);
      parentPort.once('message', () => process.exit(0));
    });`;
  const w = new Worker(src, { eval: true });
  try {
    const tid = await new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    assert.notEqual(tid, process.pid);
    assert.equal(getPriority(tid), 13);
    assert.equal(getPriority(process.pid), main);
    assert.deepEqual(v8HelperThreads().map((t) => getPriority(t)), helpers);
  } finally {
    w.postMessage('done');
    await new Promise((r) => w.once('exit', r));
  }
});
