// `npm test` after the type check and lint: every *.test.ts under src/, test/ and bench/ with
// node:test. Arguments narrow the run: `npm test -- test/cli-analyze.test.ts`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const files = args.length > 0 ? args : ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'];
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=3', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
