import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LrpError } from '../errors.js';

/** The package whose version `lrp --version` prints. */
const PACKAGE_NAME = 'lrpjs';

/**
 * The version in lrpjs's `package.json`, found by walking up from this module's file (`dist/cli.js`
 * in the package, `src/cli/` in a checkout). A missing or unreadable `package.json` is `E_IO`.
 */
export function packageVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not JSON): look further up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new LrpError('E_IO', `no package.json of ${PACKAGE_NAME} above ${fileURLToPath(from)}`, '--version');
    dir = parent;
  }
}
