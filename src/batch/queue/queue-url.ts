/**
 * `--queue redis://[USER:PASSWORD@]HOST:PORT/NAME`: the Redis server BullMQ runs on and the queue's
 * name (the URL's path). Pure.
 */
import { LrpError } from '../../errors.js';

/** Where a queue lives. */
export interface QueueAddress {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  /** The BullMQ queue name. */
  readonly name: string;
}

/** Parses a `--queue` URL; anything else is `E_USAGE` naming `--queue`. */
export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LrpError('E_USAGE', `needs redis://HOST:PORT/NAME, got '${text}'`, '--queue');
  }
  if (url.protocol !== 'redis:') throw new LrpError('E_USAGE', `needs a redis:// URL, got '${url.protocol}'`, '--queue');
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new LrpError('E_USAGE', `the URL's path names the queue (letters, digits, . _ -), got '${name}'`, '--queue');
  const port = url.port === '' ? 6379 : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new LrpError('E_USAGE', `needs a host, got '${text}'`, '--queue');
  return {
    host,
    port,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    name,
  };
}

/** `HOST:PORT/NAME` for messages (no password). */
export function showQueue(a: QueueAddress): string {
  return `redis://${a.host}:${a.port}/${a.name}`;
}
