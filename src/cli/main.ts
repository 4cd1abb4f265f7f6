// The `palisade` command line. Every command and option is documented in docs/cli.md.
// Each command loads its own modules when it runs (the pipeline, the console's server): this
// file and ./options.ts load only commander, so `--help`, `--version` and `palisade assets`
// start fast, and `analyze --workers N` starts its worker threads before the main thread
// loads the pipeline (their start-up then overlaps).
import { Command, CommanderError, Option } from 'commander';
import { EXIT, isPalisadeError, PalisadeError } from '../core/errors.ts';
import { VERSION } from '../core/version.ts';
import type { FlowConfig } from '../flow/flow-table.ts';
import type { DemoOptions } from './demo.ts';
import type { CaptureCliOptions } from './capture.ts';
import type { AssetsCliOptions } from './assets.ts';
import { ROLES } from '../assets/roles.ts';
import { DEFAULT_DB, DEMO_DB, DEMO_OUT, parseProtocolList, parseSnaplen, positiveInt, positiveIntOrZero, positiveNumber, seconds } from './options.ts';

interface AnalyzeCliOptions {
  out?: string;
  db?: string;
  format: 'ndjson' | 'zeek';
  workers: number;
  maxFlows?: number;
  tcpTimeout?: number;
  udpTimeout?: number;
  icmpTimeout?: number;
  progress: boolean;
  summary: boolean;
  assets: boolean;
  protocols?: string[];
  profinetVendors?: string;
}

export function flowConfigFrom(o: { maxFlows?: number; tcpTimeout?: number; udpTimeout?: number; icmpTimeout?: number }): Partial<FlowConfig> {
  const c: Partial<FlowConfig> = {};
  if (o.maxFlows !== undefined) c.maxFlows = o.maxFlows;
  if (o.tcpTimeout !== undefined) c.tcpInactivity = o.tcpTimeout;
  if (o.udpTimeout !== undefined) c.udpInactivity = o.udpTimeout;
  if (o.icmpTimeout !== undefined) c.icmpInactivity = o.icmpTimeout;
  return c;
}

export function addFlowOptions(cmd: Command): Command {
  return cmd
    .option('--max-flows <n>', 'flows held in memory at once; beyond it the flow nearest its timeout is ended early (counted in stats.json flows.evicted)', positiveInt('--max-flows'))
    .option('--tcp-timeout <seconds>', 'inactivity after which an established TCP connection ends (default 300)', seconds('--tcp-timeout'))
    .option('--udp-timeout <seconds>', 'inactivity after which a UDP flow ends (default 60)', seconds('--udp-timeout'))
    .option('--icmp-timeout <seconds>', 'inactivity after which an ICMP flow ends (default 60)', seconds('--icmp-timeout'));
}

async function runAnalyze(inputs: string[], o: AnalyzeCliOptions): Promise<number> {
  if (o.out === undefined && o.db === undefined) {
    throw new PalisadeError('E_USAGE', 'say where the results go: --out DIR (record files), --db FILE (a database for the console), or both');
  }
  if (o.protocols !== undefined) {
    const known = new Set((await import('../protocols/catalog.ts')).protocolIds());
    const bad = o.protocols.filter((i) => !known.has(i));
    if (bad.length > 0) throw new PalisadeError('E_USAGE', `--protocols: unknown protocol${bad.length > 1 ? 's' : ''} ${bad.join(', ')}; known: ${[...known].join(', ')}, or none`);
  }
  // The worker threads start now, and load their modules (and the run's protocols) while this
  // thread loads its own.
  const prestarted = o.workers > 1 ? (await import('../pipeline/worker-pool.ts')).prestartWorkers(o.workers - 1, o.protocols) : [];
  try {
    const [{ analyze }, { loadProfinetVendors }, { makeProgress }] = await Promise.all([
      import('../pipeline/analyze.ts'),
      import('../assets/profinet-vendors.ts'),
      import('./progress.ts'),
    ]);
    const profinetVendors = o.profinetVendors !== undefined ? loadProfinetVendors(o.profinetVendors).names : undefined;
    const progress = makeProgress(o.progress);
    let result;
    try {
      result = await analyze({
        inputs,
        outDir: o.out,
        db: o.db,
        format: o.format,
        workers: o.workers,
        flow: flowConfigFrom(o),
        assets: o.assets,
        protocols: o.protocols,
        profinetVendors,
        prestarted,
        // The inventory's files are all the command shows of it: the inventory stays on its thread.
        keepInventory: false,
        // The process ends with the run: helpers left at nice 10 (where it cannot be undone) affect nothing after it.
        yieldV8Helpers: true,
        onProgress: (d, t) => progress.update(d, t),
      });
    } finally {
      progress.stop();
    }
    for (const e of result.errors) process.stderr.write(`palisade: ${e.message}\n`);
    if (o.summary) process.stdout.write(result.summary.format(result.stats, result.files) + '\n');
    return result.exitCode;
  } finally {
    // Those the run did not take (it stopped before) wait for an init that will not come.
    for (const s of prestarted) void s.worker.terminate();
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('palisade')
    .description('Palisade: passive OT/ICS network security monitoring. See docs/cli.md.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run palisade <command> --help for usage)')
    .exitOverride();

  addFlowOptions(
    program
      .command('analyze')
      .description('analyse captures (pcap, pcapng, gzip-compressed; directories are searched recursively) and write records')
      .argument('<inputs...>', 'capture files or directories')
      .option('-o, --out <dir>', 'output directory for records, stats.json and the inventory (at least one of --out and --db)')
      .option('--db <file>', 'SQLite database to write records, inventory and stats into, for `palisade serve` (created if missing; the same captures analysed again replace their earlier records)')
      .addOption(new Option('-f, --format <format>', 'record format: ndjson (one JSON record per line) or zeek (Zeek TSV logs)').choices(['ndjson', 'zeek']).default('ndjson'))
      .option('-w, --workers <n>', 'worker threads; flows are spread over them by a symmetric hash', positiveInt('--workers'), 1)
      .option('--no-progress', 'never show the progress bar (it is shown only when stderr is a terminal)')
      .option('--no-summary', 'do not print the summary on stdout')
      .option('--no-assets', 'do not build the asset inventory and graph (assets.json, assets.csv, graph.json, graph.graphml, asset_changes)')
      .option('--profinet-vendors <file>', "PI's Manufacturer ID Table (Man_ID_Table.xml): names the vendor ids of PROFINET devices in the inventory (built in: Siemens only; see docs/assets.md)")
      .option('--protocols <ids>', 'dissect only these protocols, comma-separated (`none` for no dissector: flows only); see docs/protocols/', parseProtocolList),
  ).action(async (inputs: string[], o: AnalyzeCliOptions) => {
    process.exitCode = await runAnalyze(inputs, o);
  });

  addFlowOptions(
    program
      .command('capture')
      .description('capture live traffic through tcpdump as a sensor: records, rotating pcap files and stats.json in --out (docs/capture.md)')
      .requiredOption('-i, --interface <iface>', 'interface to capture on (list them with `tcpdump -D`)')
      .requiredOption('-o, --out <dir>', 'output directory for records, stats.json and pcap/')
      .option('--filter <bpf>', 'capture filter, BPF syntax as tcpdump (e.g. "tcp port 502 or udp port 20000")')
      .addOption(new Option('-f, --format <format>', 'record format: ndjson or zeek').choices(['ndjson', 'zeek']).default('ndjson'))
      .option('--snaplen <bytes>', 'bytes kept of each packet (default 262144: all)', parseSnaplen)
      .option('--rotate-seconds <seconds>', 'start a new pcap file after this many seconds (default 3600 unless only --rotate-mb is given)', seconds('--rotate-seconds'))
      .option('--rotate-mb <mb>', 'start a new pcap file once it reaches this many MB (1 MB = 1,000,000 bytes)', positiveNumber('--rotate-mb', 'MB'))
      .option('--keep-files <k>', 'keep the newest K pcap files, delete older ones', positiveInt('--keep-files'), 24)
      .option('--no-pcap', 'do not write pcap files')
      .option('--buffer-mb <mb>', 'kernel capture buffer (tcpdump -B); raise it when the kernel drops packets', positiveNumber('--buffer-mb', 'MB'))
      .option('--tcpdump <path>', 'the tcpdump binary (default: found on PATH or in /usr/sbin)')
      .option('--profinet-vendors <file>', "PI's Manufacturer ID Table (Man_ID_Table.xml): names the vendor ids of PROFINET devices in the inventory (built in: Siemens only; see docs/assets.md)")
      .option('--inventory-every <seconds>', 'rewrite the inventory files (assets.json, assets.csv, graph.json, graph.graphml) this often while capturing (default 300), and once at the end', seconds('--inventory-every'))
      .option('--no-summary', 'do not print the summary on stdout at the end'),
  ).action(async (o: CaptureCliOptions & Parameters<typeof flowConfigFrom>[0]) => {
    process.exitCode = await (await import('./capture.ts')).runCapture(o, flowConfigFrom(o));
  });

  program
    .command('assets')
    .description('print the asset inventory that `palisade analyze` wrote to DIR (assets.json)')
    .argument('<dir>', 'the --out directory of a palisade analyze run')
    .option('-r, --role <roles...>', `only these roles (comma- or space-separated): ${ROLES.join(', ')}`)
    .addOption(new Option('-f, --format <format>', 'table (for people), csv or json').choices(['table', 'csv', 'json']).default('table'))
    .action(async (dir: string, o: AssetsCliOptions) => {
      process.exitCode = (await import('./assets.ts')).runAssets(dir, o);
    });

  program
    .command('serve')
    .description('serve the web console and API on a database written by `palisade analyze --db` (docs/console.md)')
    .option('--db <file>', 'the database', DEFAULT_DB)
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--port <n>', 'TCP port', positiveIntOrZero('--port'), 8080)
    .option('--secure-cookies', 'mark the session cookie Secure (when the console is served behind TLS)')
    .action(async (o: { db: string; host: string; port: number; secureCookies?: boolean }) => {
      process.exitCode = await (await import('./serve.ts')).runServe(o);
    });

  const user = program.command('user').description('manage console accounts in a database');
  user
    .command('add')
    .description('add an account; prints a generated password (to be changed at first login) unless --password-stdin')
    .argument('<name>', 'user name: letters, digits and . _ @ -')
    .addOption(new Option('--role <role>', 'viewer (read), analyst (read, triage alerts, upload captures) or admin (everything)').choices(['viewer', 'analyst', 'admin']).makeOptionMandatory())
    .option('--db <file>', 'the database', DEFAULT_DB)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(async (name: string, o: { role: string; db: string; passwordStdin?: boolean }) => {
      process.exitCode = await (await import('./serve.ts')).runUserAdd(name, o);
    });
  user
    .command('list')
    .description('list the accounts')
    .option('--db <file>', 'the database', DEFAULT_DB)
    .action(async (o: { db: string }) => {
      process.exitCode = (await import('./serve.ts')).runUserList(o);
    });
  user
    .command('remove')
    .description('remove an account and end its sessions')
    .argument('<name>')
    .option('--db <file>', 'the database', DEFAULT_DB)
    .action(async (name: string, o: { db: string }) => {
      process.exitCode = (await import('./serve.ts')).runUserRemove(name, o);
    });
  user
    .command('passwd')
    .description('set a new password (generated and printed once, or read from stdin) and end the account\'s sessions')
    .argument('<name>')
    .option('--db <file>', 'the database', DEFAULT_DB)
    .option('--password-stdin', 'read the password from stdin')
    .action(async (name: string, o: { db: string; passwordStdin?: boolean }) => {
      process.exitCode = await (await import('./serve.ts')).runUserPasswd(name, o);
    });

  program
    .command('demo')
    .description('analyse the bundled demo capture into a database, make a first-run admin account, and serve the console on it (what `npm start` runs)')
    .option('-o, --out <dir>', 'output directory for the record files', DEMO_OUT)
    .option('--db <file>', 'the database (the demo capture analysed again replaces its records)', DEMO_DB)
    .option('--host <address>', 'address the console listens on', '127.0.0.1')
    .option('--port <n>', 'TCP port of the console', positiveIntOrZero('--port'), 8080)
    .option('--no-serve', 'only analyse and print the summary (and the first-run account)')
    .action(async (o: DemoOptions) => {
      process.exitCode = await (await import('./demo.ts')).runDemo(o);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (isPalisadeError(e)) {
      process.stderr.write(`palisade: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`palisade: internal error (a bug; please report it with the command you ran):\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
}

if (import.meta.main || process.argv[1]?.endsWith('palisade')) {
  const code = await main(process.argv);
  process.exitCode = code;
}

export { PalisadeError };
