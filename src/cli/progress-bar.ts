import type { CliIo } from './context.js';

/** How a long run reports progress on stderr: redrawn bar (terminal), plain lines, or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** Seconds as `42 s`, `3 min 20 s`, `1 h 05 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The progress text after `done` of `total` samples in `seconds`: count, percentage, rate and ETA. */
export function progressText(label: string, done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  const eta = done >= total ? `done in ${formatDuration(seconds)}` : `ETA ${rate > 0 ? formatDuration((total - done) / rate) : '?'}`;
  return `${label}: ${done}/${total} (${pct} %), ${rate >= 100 ? Math.round(rate) : rate.toPrecision(3)} samples/s, ${eta}`;
}

const BAR = 24;

/**
 * A progress reporter for `total` samples: `bar` redraws one line (`\r`, a bar, rate and ETA) at
 * most every 100 ms and at the end; `lines` writes a plain line at every tenth and at the end;
 * `off` writes nothing. `now` gives seconds (a clock for tests).
 */
export function progressBar(io: CliIo, label: string, total: number, mode: ProgressMode, now: () => number = () => performance.now() / 1000): (done: number) => void {
  const start = now();
  let lastTenth = -1;
  let lastDraw = -Infinity;
  return (done) => {
    if (mode === 'off') return;
    const t = now();
    const text = progressText(label, done, total, t - start);
    if (mode === 'bar') {
      if (done < total && t - lastDraw < 0.1) return;
      lastDraw = t;
      const filled = total > 0 ? Math.round((done / total) * BAR) : BAR;
      io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${text}\x1b[K${done >= total ? '\n' : ''}`);
      return;
    }
    const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
    if (tenth !== lastTenth || done >= total) {
      lastTenth = tenth;
      io.err(`${text}\n`);
    }
  };
}
