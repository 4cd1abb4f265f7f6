// The Node.js flags bin/palisade runs with: those on its `#!/usr/bin/env -S node …` line.
// What starts the command with a Node.js of its own choosing (`process.execPath`: the
// benchmark, the tests) passes them too, so that it runs what a user runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bin/palisade. */
export const PALISADE_BIN = fileURLToPath(new URL('../../bin/palisade', import.meta.url));

/** The flags of bin/palisade's first line (`--max-semi-space-size=16`), [] when it has none. */
export function palisadeNodeFlags(): string[] {
  const first = readFileSync(PALISADE_BIN, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env(?: -S)? node((?: -[^\s]+)*)\s*$/.exec(first);
  if (m === null) throw new Error(`bin/palisade starts with "${first}", not "#!/usr/bin/env -S node [flags]"`);
  return m[1].split(' ').filter((x) => x !== '');
}
