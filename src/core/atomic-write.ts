// Files that a reader may open at any moment (a live sensor's stats.json and inventory)
// are replaced whole: written to a temporary name beside them, then renamed over them.
// Other whole-text files (a run's stats.json and inventory) are written in place.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PalisadeError } from './errors.ts';

/** Writes a file so a reader never sees half of it: a temporary file, then rename; no temporary file is left. Throws E_OUTPUT. */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    // A file written but not renamed (or half written on a full disk) is not left behind.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The error below is the one to act on.
    }
    throw new PalisadeError('E_OUTPUT', `cannot write ${path} (${(e as Error).message}); check the directory's permissions and free space`, { file: path, cause: e });
  }
}

/**
 * Writes `name` in `dir` (made when missing) and returns its path. Throws E_OUTPUT naming the
 * directory and the file, with what to check.
 */
export function writeTextFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new PalisadeError('E_OUTPUT', `${dir}: cannot write ${name} (${(e as Error).message}); check the directory's permissions and free space`, { file: dir, cause: e });
  }
  return path;
}
