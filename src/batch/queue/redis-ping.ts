/**
 * A reachability check before BullMQ connects: its client retries forever, so an unreachable
 * server would be a hang; this refuses it within a few seconds instead.
 */
import { connect } from 'node:net';
import { LrpError } from '../../errors.js';
import { type QueueAddress, showQueue } from './queue-url.js';

/** How long the check waits for the server (ms). */
export const REDIS_PING_TIMEOUT_MS = 5000;

/**
 * Opens a TCP connection and sends `PING`; any Redis reply (`+PONG`, or `-NOAUTH` before the
 * client authenticates) means a server is there.
 * @throws LrpError `E_IO` naming the queue when nothing answers in time.
 */
export async function pingRedis(a: QueueAddress, timeoutMs = REDIS_PING_TIMEOUT_MS): Promise<void> {
  await new Promise<void>((done, fail) => {
    const socket = connect({ host: a.host, port: a.port });
    const refuse = (why: string) => {
      socket.destroy();
      fail(new LrpError('E_IO', `cannot reach Redis: ${why}`, showQueue(a)));
    };
    const timer = setTimeout(() => refuse(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      refuse(e.code ?? e.message);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      clearTimeout(timer);
      socket.destroy();
      if (d[0] === 0x2b || d[0] === 0x2d) done();
      else fail(new LrpError('E_IO', 'the server there does not speak Redis', showQueue(a)));
    });
  });
}
