import { LrpError } from '../errors.js';

/**
 * Reads a whole file in Node or Deno (through `node:fs`, loaded lazily so browser bundles never
 * pull it in). Missing or unreadable files throw `E_IO` naming the path.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    throw new LrpError('E_IO', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
  }
}

/** Writes a whole file (creating parent folders); failures throw `E_IO` naming the path. */
export async function writeFileBytes(path: string, bytes: Uint8Array | string): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  try {
    await fs.mkdir(dirname(path), { recursive: true });
    await fs.writeFile(path, bytes);
  } catch (e) {
    throw new LrpError('E_IO', `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
  }
}
