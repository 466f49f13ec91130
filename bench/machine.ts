// Describes the machine a benchmark ran on, for the record next to its figures.

import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** One line: CPU model and count, memory, Node version, load average at the time of the call. */
export function describeMachine(): string {
  const cpuList = cpus();
  const model = cpuList[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  return `${cpuList.length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${process.version}, load average ${load}`;
}
