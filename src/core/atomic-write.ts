// Files that a reader may open at any moment (a live sensor's stats.json and inventory)
// are replaced whole: written to a temporary name beside them, then renamed over them.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
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
