// Which Palisade a result belongs to: the git commit, whether src/ has uncommitted changes,
// and a fingerprint of the source files taken before and after the runs, so that a bench
// during which the code changed (an editor saving, a branch switch) is caught and not reported
// as one version's figures.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCapture } from './measure.ts';

/** Files that make up the Palisade that runs: its code (tests excluded), its launcher and its package manifest. */
const ROOTS = ['src', 'bin', 'package.json'];

export interface SourceState {
  /** `git rev-parse HEAD`, or undefined outside a git checkout. */
  commit: string | undefined;
  /** Uncommitted changes under src/, bin/ or package.json. */
  dirty: boolean | undefined;
  /** Hash of path, size and mtime of every source file. */
  fingerprint: string;
}

export function fingerprint(): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    const p = join(REPO, rel);
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(rel, name));
    } else if (!rel.endsWith('.test.ts')) {
      // Tests beside the code do not run in `palisade analyze`; editing them changes nothing measured.
      h.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const r of ROOTS) walk(r);
  return h.digest('hex');
}

export async function sourceState(): Promise<SourceState> {
  // Read-only git commands; without git (an unpacked tarball) only the fingerprint is kept.
  const head = await runCapture('git', ['-C', REPO, 'rev-parse', 'HEAD']);
  const status = await runCapture('git', ['-C', REPO, 'status', '--porcelain', '--', ...ROOTS]);
  return {
    commit: head.code === 0 ? head.stdout.trim() : undefined,
    dirty: status.code === 0 ? status.stdout.trim() !== '' : undefined,
    fingerprint: fingerprint(),
  };
}
