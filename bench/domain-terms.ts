// The legal and financial term lists of the domain benches, from the LexPredict dictionary in
// the shared data set.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TermListInput } from './runner.js';

/** Splits the LexPredict term list by its source: US GAAP/FASB/GASB lists are financial, the rest legal. */
export function domainTermLists(data: string): TermListInput[] {
  const file = join(data, 'lexicons', 'en-legal-financial-terms-lexpredict.tsv');
  const legal: string[] = [];
  const financial: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [term, source] = line.split('\t');
    if (term === undefined || term.trim() === '' || source === undefined) continue;
    (source.includes('/accounting/') ? financial : legal).push(term.trim());
  }
  return [
    { name: 'legal-terms', file, column: 'term', terms: legal },
    { name: 'financial-terms', file, column: 'term', terms: financial },
  ];
}
