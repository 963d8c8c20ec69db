import { LrpError } from '../errors.js';

/** A file named on the command line, with the option that named it (for messages). */
export interface NamedFile {
  /** The option, e.g. `--input`. */
  readonly flag: string;
  /** The path as given. */
  readonly path: string;
}

/** The files a command reads, identified by device and inode (so links and `./x` vs `x` are seen through). */
export interface InputFiles {
  /**
   * Refuses (`E_USAGE`, naming both options) to write `output` when it is one of the input files,
   * whatever path leads there: the same name, a different spelling, a symbolic or a hard link.
   */
  assertNotInput(output: NamedFile): Promise<void>;
}

interface Identity {
  readonly file: NamedFile;
  readonly dev: number;
  readonly ino: number;
}

async function identityOf(path: string): Promise<{ dev: number; ino: number } | undefined> {
  const fs = await import('node:fs/promises');
  try {
    const s = await fs.stat(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

/**
 * Records the identities of a command's input files. Inputs that do not exist are skipped (reading
 * them fails later with `E_IO`); an output that does not exist yet cannot be an input.
 */
export async function inputFiles(files: readonly (NamedFile | undefined)[]): Promise<InputFiles> {
  const ids: Identity[] = [];
  for (const file of files) {
    if (!file) continue;
    const id = await identityOf(file.path);
    if (id) ids.push({ file, ...id });
  }
  return {
    async assertNotInput(output) {
      if (ids.length === 0) return;
      const id = await identityOf(output.path);
      const hit = id && ids.find((i) => i.dev === id.dev && i.ino === id.ino);
      if (hit) {
        throw new LrpError('E_USAGE', `'${output.path}' is the ${hit.file.flag} file '${hit.file.path}'; refusing to overwrite an input`, output.flag);
      }
    },
  };
}

/** Lists the files of a folder (for inputs given as a folder, such as `lrp demo --models DIR`). */
export async function filesIn(dir: string, flag: string): Promise<NamedFile[]> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  try {
    return (await fs.readdir(dir)).map((name) => ({ flag, path: join(dir, name) }));
  } catch {
    return [];
  }
}
