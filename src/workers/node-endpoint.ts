import type { Endpoint } from 'comlink';

/** The part of a `worker_threads` Worker or MessagePort that comlink needs. */
export interface NodeMessagePort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  off(event: 'message', listener: (data: unknown) => void): unknown;
  start?: () => void;
}

/**
 * A comlink {@link Endpoint} over a Node `worker_threads` port (comlink's node adapter, written
 * out here so the CommonJS build needs no deep import of an ES module file).
 */
export function nodeEndpoint(port: NodeMessagePort): Endpoint {
  const listeners = new WeakMap<object, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer),
    addEventListener: (_type: string, handler: EventListenerOrEventListenerObject) => {
      const listener = (data: unknown): void => {
        const event = { data } as MessageEvent;
        if ('handleEvent' in handler) handler.handleEvent(event);
        else handler(event);
      };
      port.on('message', listener);
      listeners.set(handler, listener);
    },
    removeEventListener: (_type: string, handler: EventListenerOrEventListenerObject) => {
      const listener = listeners.get(handler);
      if (!listener) return;
      port.off('message', listener);
      listeners.delete(handler);
    },
    start: port.start?.bind(port),
  };
}
