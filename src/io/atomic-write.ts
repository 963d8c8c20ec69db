import { LrpError } from '../errors.js';

/** What {@link writeFileAtomic} writes: bytes, text, or chunks of either written in order (streamed, possibly produced asynchronously). */
export type FileContent = Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Flush the temporary file to the disk before renaming it into place (default `false`). */
  readonly fsync?: boolean;
}

/** Temporary files being written right now, so that a signal handler can remove them. */
const pending = new Set<string>();

/**
 * The temporary files {@link writeFileAtomic} is writing at this moment. An interrupted process
 * (SIGINT, SIGTERM) removes these before it exits; the CLI does.
 */
export function pendingTemporaryFiles(): readonly string[] {
  return [...pending];
}

/** True for the temporary names {@link writeFileAtomic} uses: `.NAME.PID.RANDOM.tmp`. */
export function isTemporaryName(fileName: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/.test(fileName);
}

function temporaryName(dir: string, base: string, pid: number, join: (a: string, b: string) => string): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return join(dir, `.${base}.${pid}.${random}.tmp`);
}

function chunksOf(content: FileContent): Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string> {
  return typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
}

/** A file-system failure (it carries an errno code), as opposed to a bug or an LrpError. */
function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Writes a file so that it is never seen half-written: the content goes to a temporary file beside
 * the target (`.NAME.PID.RANDOM.tmp`, created exclusively), which is then renamed over the target.
 * A failed or interrupted write leaves the previous file as it was and removes the temporary file.
 * Parent folders are created; an existing target keeps its permission bits; a symbolic link is
 * written through (the file it points to is replaced, the link stays). `content` may be an
 * iterable of chunks, or an async iterable (chunks written as they are produced; a failure while
 * producing them removes the temporary file), so large outputs are streamed rather than built in memory.
 *
 * @throws LrpError `E_IO` naming the path when the file system refuses; an `LrpError` thrown while
 * producing the chunks is passed on unchanged (after the clean-up)
 */
export async function writeFileAtomic(path: string, content: FileContent, options: AtomicWriteOptions = {}): Promise<void> {
  if (path === '') throw new LrpError('E_IO', 'cannot write: empty file name');
  const fs = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const { pid } = await import('node:process');
  const failed = (e: unknown): never => {
    if (e instanceof LrpError || errnoCode(e) === undefined) throw e;
    throw new LrpError('E_IO', `cannot write: ${errnoCode(e)}`, path);
  };
  let target = path;
  let mode: number | undefined;
  try {
    target = await fs.realpath(path);
    mode = (await fs.stat(target)).mode & 0o7777;
  } catch {
    // no such file yet: write a new one at `path`
  }
  await fs.mkdir(dirname(target), { recursive: true }).catch((e: unknown) => {
    if (errnoCode(e) === 'EEXIST' || errnoCode(e) === 'ENOTDIR') throw new LrpError('E_IO', `cannot write: ${dirname(path)} is not a folder`, path);
    failed(e);
  });
  const temp = temporaryName(dirname(target), basename(target), pid, join);
  pending.add(temp);
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(temp, 'wx', mode ?? 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    const encoder = new TextEncoder();
    for await (const chunk of chunksOf(content)) {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    }
    if (options.fsync) await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    failed(e);
  } finally {
    pending.delete(temp);
  }
}
