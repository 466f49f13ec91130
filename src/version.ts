// The toksmith version, read once from the package's own package.json. Works from the
// compiled `dist/` tree and from the TypeScript sources run by tsx or vitest.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageVersion(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'toksmith' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No readable package.json here: look one folder up.
    }
    folder = dirname(folder);
  }
  return '0.0.0-unknown';
}

export const TOKSMITH_VERSION = findPackageVersion();

/** Returns the folder that contains package.json, for locating shipped data such as `bench/corpora`. */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === 'toksmith') return folder;
    } catch {
      // Keep looking upward.
    }
    folder = dirname(folder);
  }
  return process.cwd();
}
