// Files that a reader may open at any moment (a live sensor's stats.json and inventory)
// are replaced whole: written to a temporary name beside them, then renamed over them.
import { renameSync, writeFileSync } from 'node:fs';
import { PalisadeError } from './errors.ts';

/** Writes a file so a reader never sees half of it: a temporary file, then rename. Throws E_OUTPUT. */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw new PalisadeError('E_OUTPUT', `cannot write ${path} (${(e as Error).message}); check the directory's permissions and free space`, { file: path, cause: e });
  }
}
