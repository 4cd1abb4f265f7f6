// `palisade demo` (what `npm start` runs): analyses the capture bundled in demo/ and prints
// the summary, so a new user sees what Palisade does in one command.
import { fileURLToPath } from 'node:url';
import { analyze } from '../pipeline/analyze.ts';

export const DEMO_CAPTURE = fileURLToPath(new URL('../../demo/plant-demo.pcapng', import.meta.url));

export async function runDemo(outDir: string): Promise<number> {
  process.stdout.write(`Analysing the demo capture ${DEMO_CAPTURE} (see demo/SOURCES.md) ...\n\n`);
  const r = await analyze({ inputs: [DEMO_CAPTURE], outDir });
  process.stdout.write(r.summary.format(r.stats, r.files) + '\n');
  process.stdout.write(`\nNext: palisade analyze <your-capture.pcap> --out <dir>   (docs/cli.md)\n`);
  return r.exitCode;
}
