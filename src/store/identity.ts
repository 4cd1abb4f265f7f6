// A capture's identity in the store: the SHA-256 of each input file's contents. Analysing a
// file again replaces every earlier analysis that included it, so no record is stored twice.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';

export interface CaptureIdentity {
  /** SHA-256 over the files' hashes in order: the identity of this set of inputs. */
  sha256: string;
  name: string;
  bytes: number;
  /** SHA-256 of each file's contents. */
  files: string[];
}

export async function captureIdentity(paths: string[]): Promise<CaptureIdentity> {
  const h = createHash('sha256');
  let bytes = 0;
  const files: string[] = [];
  for (const p of paths) {
    bytes += statSync(p).size;
    const fh = createHash('sha256');
    for await (const chunk of createReadStream(p, { highWaterMark: 1 << 20 })) fh.update(chunk as Buffer);
    const d = fh.digest('hex');
    files.push(d);
    h.update(d);
  }
  const names = paths.map((p) => basename(p));
  const name = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  return { sha256: h.digest('hex'), name, bytes, files };
}
