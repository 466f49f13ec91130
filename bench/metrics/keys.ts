// The figures the bench reports, in display order, with their JSON keys, labels and which
// direction is better. Definitions follow the bench metric definitions in the toksmith docs:
// the KL3M tokenizer paper (tokens per character, baseline gains, domain terms), the Turkish
// tokenization benchmark of Bayram et al. 2025 (%TR, %Pure) and Zouhar et al. 2023 (Rényi).

/** JSON key of every figure. */
export const FIGURE_KEYS = [
  'vocabSize',
  'vocabSizeNoSpecials',
  'tokens',
  'tokensPerChar',
  'fewerTokensPercent',
  'efficiencyGainPercent',
  'bytesPerToken',
  'charsPerToken',
  'fertility',
  'continuedWordRate',
  'uniqueTokens',
  'vocabUtilization',
  'renyiEfficiency',
  'termTokensMean',
  'trPercent',
  'purePercent',
  'trPercentTokens',
  'purePercentTokens',
  'roundTripFailures',
  'encodeSeconds',
  'encodeMBps',
  'encodeDecodeSeconds',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** Figures of one tokenizer on one corpus; a figure that does not apply is absent. */
export type Figures = Partial<Record<FigureKey, number>>;

export interface FigureInfo {
  key: FigureKey;
  /** Row label in tables. */
  label: string;
  /** Direction in which a value is better; `none` for figures that describe rather than rank. */
  better: 'higher' | 'lower' | 'none';
  /** True when the figure is a percentage, so absolute thresholds are percentage points. */
  percent: boolean;
  /** Decimal places shown in tables. */
  digits: number;
}

const info = (key: FigureKey, label: string, better: FigureInfo['better'], digits: number, percent = false): FigureInfo => ({
  key,
  label,
  better,
  percent,
  digits,
});

export const FIGURES: readonly FigureInfo[] = [
  info('vocabSize', 'vocab size', 'none', 0),
  info('vocabSizeNoSpecials', 'vocab size, no specials', 'none', 0),
  info('tokens', 'tokens', 'lower', 0),
  info('tokensPerChar', 'tokens per char', 'lower', 4),
  info('fewerTokensPercent', '% fewer tokens', 'higher', 2, true),
  info('efficiencyGainPercent', '% more efficient', 'higher', 2, true),
  info('bytesPerToken', 'bytes per token', 'higher', 3),
  info('charsPerToken', 'chars per token', 'higher', 3),
  info('fertility', 'fertility', 'lower', 3),
  info('continuedWordRate', 'continued-word rate', 'lower', 4),
  info('uniqueTokens', 'unique tokens', 'none', 0),
  info('vocabUtilization', 'vocab utilisation', 'higher', 4),
  info('renyiEfficiency', 'Rényi efficiency', 'higher', 4),
  info('termTokensMean', 'tokens per term', 'lower', 3),
  info('trPercent', '%TR', 'higher', 2, true),
  info('purePercent', '%Pure', 'higher', 2, true),
  info('trPercentTokens', '%TR, by occurrence', 'higher', 2, true),
  info('purePercentTokens', '%Pure, by occurrence', 'higher', 2, true),
  info('roundTripFailures', 'round-trip failures', 'lower', 0),
  info('encodeSeconds', 'encode seconds', 'lower', 3),
  info('encodeMBps', 'encode MB/s', 'higher', 2),
  info('encodeDecodeSeconds', 'encode + decode-each s', 'lower', 3),
];

const BY_KEY = new Map(FIGURES.map((figure) => [figure.key, figure]));

/** Returns the description of `key`, or undefined for a key that is not a figure. */
export function figureInfo(key: string): FigureInfo | undefined {
  return BY_KEY.get(key as FigureKey);
}
