/**
 * Runs an asynchronous task for the latest request only: a request while the task runs marks the
 * run stale (the task checks `stale()` after each step it yields at and stops early) and starts one
 * more run when it ends. So drawing fast never queues work, and the last input is always explained.
 */

/** The task: does its work in steps, yielding between them, and returns early once `stale()` is true. */
export type StagedTask = (stale: () => boolean) => Promise<void>;

/** The handle of {@link latestOnly}. */
export interface LatestOnly {
  /** Asks for a run; resolves when the runner is idle again (no run pending). */
  request(): Promise<void>;
}

/** A runner of `task` for the latest request; errors of a run go to `onError` and do not stop later runs. */
export function latestOnly(task: StagedTask, onError: (e: unknown) => void): LatestOnly {
  let generation = 0;
  let idle: Promise<void> | null = null;
  const loop = async (): Promise<void> => {
    for (;;) {
      const mine = generation;
      try {
        await task(() => generation !== mine);
      } catch (e) {
        onError(e);
      }
      if (generation === mine) return;
    }
  };
  return {
    request() {
      generation++;
      idle ??= loop().finally(() => {
        idle = null;
      });
      return idle;
    },
  };
}

/** Lets the page draw and handle input before the next step (a macrotask, not a microtask). */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
