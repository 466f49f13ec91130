// Runs a command and measures its wall time and peak resident memory with GNU time
// (Debian package `time`). Used by every benchmark script that compares whole processes.

import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';

export interface Measurement {
  seconds: number;
  peakMemoryMiB: number;
}

const GNU_TIME = '/usr/bin/time';

/** Throws unless GNU time is installed, with the command that installs it. */
export function requireGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new Error(`${GNU_TIME} not found; install it with: apt-get install time`);
  }
}

/**
 * Runs `command args` once with stdout sent to `stdoutPath` (or discarded), and returns wall
 * time and peak RSS. Throws with the command's stderr when it fails.
 */
export function measure(command: string, args: string[], options: { stdoutPath?: string; stdinPath?: string; env?: NodeJS.ProcessEnv } = {}): Measurement {
  requireGnuTime();
  const stdout = options.stdoutPath === undefined ? 'ignore' : openSync(options.stdoutPath, 'w');
  const stdin = options.stdinPath === undefined ? 'ignore' : openSync(options.stdinPath, 'r');
  try {
    const result = spawnSync(GNU_TIME, ['-f', 'TIME %e %M', command, ...args], {
      stdio: [stdin, stdout, 'pipe'],
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    const stderr = result.stderr.toString('utf8');
    const line = /TIME ([\d.]+) (\d+)\s*$/.exec(stderr);
    if (result.status !== 0 || line === null) {
      throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${stderr.slice(-2000)}`);
    }
    return { seconds: Number(line[1]), peakMemoryMiB: Number(line[2]) / 1024 };
  } finally {
    if (typeof stdout === 'number') closeSync(stdout);
    if (typeof stdin === 'number') closeSync(stdin);
  }
}

/** Runs `measure` `runs` times and keeps the fastest run (and the peak memory of that run). */
export function bestOf(runs: number, run: () => Measurement): Measurement {
  let best: Measurement | undefined;
  for (let i = 0; i < runs; i++) {
    const current = run();
    if (best === undefined || current.seconds < best.seconds) best = current;
  }
  return best!;
}
