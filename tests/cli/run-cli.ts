// Runs the compiled CLI (bin/toksmith.js) as a user would, for end-to-end tests.
// `npm test` compiles first, so dist/ matches the sources.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const binary = fileURLToPath(new URL('../../bin/toksmith.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs `toksmith ARGS` with optional stdin, in `cwd`. */
export function runCli(args: string[], options: { input?: string | Uint8Array; cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [binary, ...args], {
    cwd: options.cwd ?? repositoryRoot,
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout.toString('utf8'), stdoutBytes: result.stdout, stderr: result.stderr.toString('utf8') };
}
