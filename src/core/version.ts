// Palisade's version (package.json), for stats.json, the CLI and the console. Its own module
// so that commands which analyse nothing need not load the pipeline to print it.
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
