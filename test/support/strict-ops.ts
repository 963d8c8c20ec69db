import { JsOps, type JsTensor } from '../../src/backends/js/ops.js';
import type { Ops } from '../../src/engine/ops.js';

/** A js backend that checks how the engine frees tensors; see {@link strictOps}. */
export interface StrictOps {
  readonly ops: Ops<JsTensor>;
  /** Number of `dispose` calls so far. */
  disposed(): number;
  /** Run tensors (not parameters) created and not disposed yet; every reshape is a handle of its own, as in tfjs. */
  readonly live: ReadonlySet<JsTensor>;
  /** Calls of backend method `name` so far; for `unary` and `binary` also by operation, `unary:neg`. */
  calls(name: string): number;
}

const isTensor = (v: unknown): v is JsTensor => !!v && typeof v === 'object' && 'data' in v && 'shape' in v;

/**
 * A js backend that remembers what was disposed and fails on any later use of it, or on a second
 * dispose, and keeps the set of live run tensors: the backward walk must free what it no longer
 * needs (a backend such as tfjs frees by handle), and never free what is still gathered elsewhere,
 * the caller's initial relevance or a trace activation.
 */
export function strictOps(): StrictOps {
  const base = new JsOps();
  const dead = new WeakSet<JsTensor>();
  const live = new Set<JsTensor>();
  let count = 0;
  const calls = new Map<string, number>();
  const called = (name: string): void => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
  };
  const check = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(check);
    else if (isTensor(v) && dead.has(v)) throw new Error('a disposed tensor was used');
  };
  const ops = new Proxy(base, {
    get(target, key, receiver) {
      const f = Reflect.get(target, key, receiver) as unknown;
      if (typeof f !== 'function') return f;
      if (key === 'dispose') {
        return (t: JsTensor) => {
          check(t);
          dead.add(t);
          live.delete(t);
          count++;
        };
      }
      return (...args: unknown[]) => {
        args.forEach(check);
        called(String(key));
        if (key === 'unary' || key === 'binary') called(`${String(key)}:${String(args[0])}`);
        const r = (f as (...a: unknown[]) => unknown).apply(target, args);
        if (isTensor(r) && key !== 'param') live.add(r);
        return r;
      };
    },
  }) as Ops<JsTensor>;
  return { ops, disposed: () => count, live, calls: (name) => calls.get(name) ?? 0 };
}
