// Writes one section of bench/RESULTS.md: replaces the body under its heading up to the next
// second-level heading, or appends the section when the heading is missing.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeResultsSection(root: string, title: string, body: string): void {
  const path = join(root, 'bench', 'RESULTS.md');
  const results = readFileSync(path, 'utf8');
  const heading = `## ${title}\n\n`;
  const start = results.indexOf(heading);
  if (start < 0) {
    writeFileSync(path, `${results.trimEnd()}\n\n${heading}${body}\n`);
  } else {
    const next = results.indexOf('\n## ', start + heading.length);
    const end = next < 0 ? results.length : next + 1;
    writeFileSync(path, `${results.slice(0, start)}${heading}${body}\n${next < 0 ? '' : '\n'}${results.slice(end)}`);
  }
  console.error(`wrote the "${title}" section of bench/RESULTS.md`);
}
