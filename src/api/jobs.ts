// Analysis jobs started from the console: one worker thread per job, one job at a time (the
// others wait), progress kept for polling and pushed to WebSocket listeners.
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { JobInit, JobMessage } from './analyze-job.ts';

export interface Job {
  id: number;
  name: string;
  user: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** Bytes read of the total. */
  done: number;
  total: number;
  started: string;
  finished?: string;
  result?: { packets: number; flows: number; assets: number; errors: string[] };
  error?: string;
}

type Listener = (job: Job) => void;

export class JobRunner {
  private readonly db: string;
  private readonly jobs = new Map<number, Job>();
  private readonly queue: { job: Job; files: string[] }[] = [];
  private readonly listeners = new Set<Listener>();
  private nextId = 1;
  private running = false;
  private readonly onFinish: (job: Job) => void;

  constructor(db: string, onFinish: (job: Job) => void = () => {}) {
    this.db = db;
    this.onFinish = onFinish;
  }

  /** Queues the analysis of `files` (deleted when done). */
  start(name: string, user: string, files: string[], bytes: number): Job {
    const job: Job = { id: this.nextId++, name, user, state: 'queued', done: 0, total: bytes, started: new Date().toISOString() };
    this.jobs.set(job.id, job);
    this.queue.push({ job, files });
    this.emit(job);
    this.pump();
    return job;
  }

  get(id: number): Job | undefined {
    return this.jobs.get(id);
  }

  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.id - a.id);
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Resolves when no job is queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private emit(job: Job): void {
    for (const l of this.listeners) {
      try {
        l({ ...job });
      } catch {
        // a listener's failure (a closed socket) is not the job's
      }
    }
  }

  private pump(): void {
    if (this.running) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.running = true;
    const { job, files } = next;
    job.state = 'running';
    this.emit(job);
    const init: JobInit = { inputs: files, db: this.db, name: job.name };
    const w = new Worker(new URL('./analyze-job.ts', import.meta.url), { workerData: init });
    let settled = false;
    const finish = (state: 'done' | 'failed', error?: string) => {
      if (settled) return;
      settled = true;
      job.state = state;
      job.finished = new Date().toISOString();
      if (error !== undefined) job.error = error;
      if (state === 'done') job.done = job.total;
      for (const f of files) rmSync(f, { force: true });
      this.running = false;
      this.emit(job);
      this.onFinish(job);
      this.pump();
    };
    w.on('message', (m: JobMessage) => {
      if (m.kind === 'progress') {
        job.done = m.done;
        job.total = m.total;
        this.emit(job);
      } else if (m.kind === 'done') {
        job.result = { packets: m.packets, flows: m.flows, assets: m.assets, errors: m.errors };
        finish('done');
      } else finish('failed', m.message);
    });
    w.on('error', (e) => finish('failed', `analysis failed: ${e.message}`));
    w.on('exit', (code) => {
      if (code !== 0) finish('failed', `analysis stopped (exit code ${code})`);
      else finish('failed', 'analysis ended without a result');
    });
  }
}
