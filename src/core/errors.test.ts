// Pins the error registry: codes, exit codes and the documentation stay in step. A change
// here is a change users' scripts see.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS, EXIT, PalisadeError } from './errors.ts';

test('the exit codes are stable', () => {
  assert.deepEqual(EXIT, { OK: 0, INTERNAL: 1, USAGE: 2, INPUT: 3, DAMAGED: 4, CAPTURE: 5, OUTPUT: 6 });
});

test('every error code maps to its documented exit code', () => {
  const pinned: Record<string, number> = {
    E_USAGE: 2,
    E_NODE_VERSION: 2,
    E_INPUT_NOT_FOUND: 3,
    E_INPUT_UNREADABLE: 3,
    E_INPUT_EMPTY_DIR: 3,
    E_BAD_MAGIC: 3,
    E_UNSUPPORTED_VERSION: 3,
    E_TRUNCATED: 4,
    E_CORRUPT_RECORD: 4,
    E_GZIP: 4,
    E_CAPTURE_START: 5,
    E_CAPTURE_FAILED: 5,
    E_OUTPUT: 6,
    E_WORKER: 1,
    E_NO_INVENTORY: 3,
    E_STORE: 6,
    E_USER_EXISTS: 2,
    E_SERVE: 6,
    E_VENDOR_TABLE: 2,
  };
  assert.deepEqual(Object.fromEntries(Object.entries(ERRORS).map(([k, v]) => [k, v.exit])), pinned);
});

test('a PalisadeError carries code, exit code, file and offset', () => {
  const e = new PalisadeError('E_TRUNCATED', 'x.pcap: truncated at byte 10', { file: 'x.pcap', offset: 10 });
  assert.equal(e.code, 'E_TRUNCATED');
  assert.equal(e.exitCode, 4);
  assert.equal(e.file, 'x.pcap');
  assert.equal(e.offset, 10);
  assert.ok(e instanceof Error);
});

test('docs/cli.md documents every exit code', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  for (const code of Object.values(EXIT)) assert.match(doc, new RegExp(`^\\| ${code} \\|`, 'm'), `exit code ${code}`);
});
