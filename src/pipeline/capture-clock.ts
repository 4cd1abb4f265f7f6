// The capture's clock, kept by whoever sees every packet (the engine with --workers 1, the
// reader thread otherwise) and handed to the flow tables, so that timeouts end the same
// flows whatever the number of workers.
//
// `now` is the newest packet time so far; a flow ends when its deadline is at or before
// `now`. When time jumps back by more than EPOCH_JUMP_BACK (the next input is an older,
// unrelated capture, or a clock glitch), a new epoch starts: every open flow ends and the
// clock restarts, so packets of one capture never join flows of another and a late capture
// is not aged by the one before it. Rotated files of one capture run forward in time and
// keep their flows. Packets up to EPOCH_JUMP_BACK late (interfaces with skewed clocks in
// one pcapng) stay in the epoch; only the 5-second TCP states (unanswered SYN, closing) can
// end early for them.

/** Seconds time must jump back before a new epoch starts. */
export const EPOCH_JUMP_BACK = 30;

export class CaptureClock {
  now = -Infinity;
  epoch = 0;

  /** Takes one packet time; returns true when it starts a new epoch. */
  observe(ts: number): boolean {
    if (ts < this.now - EPOCH_JUMP_BACK) {
      this.epoch++;
      this.now = ts;
      return true;
    }
    if (ts > this.now) this.now = ts;
    return false;
  }
}
