// Encoding throughput in megabytes (10^6 bytes) of UTF-8 input per second of wall time.

/** Returns bytes / 10^6 / seconds, or undefined when no time was measured. */
export function encodeMBps(bytes: number, seconds: number): number | undefined {
  return seconds > 0 ? bytes / 1e6 / seconds : undefined;
}
