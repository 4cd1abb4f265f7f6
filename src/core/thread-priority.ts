// Scheduling priorities of single threads, for a run whose critical path is the main thread:
// the calling thread's (a worker thread that yields), and those of the threads V8 runs its
// background work on (its compiler jobs and the helpers of its garbage collector).
//
// Linux names V8's threads V8Worker (/proc/self/task/TID/comm) and takes a thread's id where
// setpriority takes a process's. Elsewhere, or where a thread cannot be read or changed,
// nothing is done.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Gives the calling thread the niceness `nice` (/proc/thread-self resolves to its id). */
export function yieldThisThread(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the thread runs at the process's priority.
  }
}

/** The name Linux shows for a thread of V8's platform (node::WorkerThreadsTaskRunner). */
export const V8_HELPER_NAME = 'V8Worker';

/** The ids of this process's V8 helper threads (none where /proc is not there). */
export function v8HelperThreads(): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return [];
  }
  const ids: number[] = [];
  for (const t of tasks) {
    try {
      if (readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === V8_HELPER_NAME) ids.push(Number(t));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ids;
}

/**
 * Gives V8's helper threads the niceness `nice` (when it is lower than theirs: raises it),
 * and returns what puts back the niceness each had. Idempotent to undo.
 */
export function yieldV8Helpers(nice: number): () => void {
  const before: [number, number][] = [];
  for (const tid of v8HelperThreads()) {
    try {
      const p = getPriority(tid);
      if (p >= nice) continue;
      setPriority(tid, nice);
      before.push([tid, p]);
    } catch {
      // Not allowed, or the thread ended: it keeps its priority.
    }
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    for (const [tid, p] of before) {
      try {
        setPriority(tid, p);
      } catch {
        // Lowering a niceness again needs CAP_SYS_NICE outside a RLIMIT_NICE allowance: it stays.
      }
    }
  };
}
