// Renders a segmentation for people: each token with an alternating background colour,
// whitespace inside tokens made visible, byte-fallback pieces as <0xNN>, and optionally the ids
// under the pieces. Colour is whatever the given chalk instance allows; without colour, tokens
// are separated by single spaces instead.

import type { ChalkInstance } from 'chalk';
import { displayBytes } from './utf8.js';
import { pieceLabel, type Vocab } from './vocab.js';

/** Background colours that tokens cycle through; dark text keeps each readable. */
const BACKGROUNDS = ['bgCyan', 'bgYellow', 'bgGreen', 'bgMagenta', 'bgBlue', 'bgRed'] as const;

/** Markers for whitespace inside a token; a line feed is followed by a real line break. */
export function visibleToken(text: string): string {
  return text.replace(/ /g, '▁').replace(/\t/g, '→').replace(/\r/g, '␍').replace(/\n/g, '↵\n');
}

/** Label of one id as `show` prints it. */
export function tokenLabel(vocab: Vocab, id: number): string {
  return visibleToken(pieceLabel(vocab, id, displayBytes));
}

/** Number of terminal columns a label takes, counting code points (wide characters count one). */
function columns(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Renders `ids` as coloured pieces. With `withIds`, each output line of pieces is followed by a
 * line of ids, each under the start of its piece; pieces are then padded to fit their ids.
 */
export function renderTokens(vocab: Vocab, ids: readonly number[], chalk: ChalkInstance, withIds: boolean): string {
  const lines: string[] = [];
  let pieceLine = '';
  let idLine = '';
  const flush = (): void => {
    lines.push(withIds ? pieceLine.trimEnd() : pieceLine);
    if (withIds) lines.push(chalk.dim(idLine.trimEnd()));
    pieceLine = '';
    idLine = '';
  };
  ids.forEach((id, index) => {
    const paint = chalk.black[BACKGROUNDS[index % BACKGROUNDS.length]!];
    const parts = tokenLabel(vocab, id).split('\n');
    parts.forEach((part, partIndex) => {
      if (partIndex > 0) flush();
      if (part === '') return;
      if (!withIds) {
        // Without colour, a space marks each token boundary; spaces inside tokens show as ▁.
        if (chalk.level === 0 && pieceLine !== '') pieceLine += ' ';
        pieceLine += paint(part);
        return;
      }
      const idText = partIndex === 0 ? String(id) : '';
      const width = Math.max(columns(part), idText.length) + 1;
      pieceLine += paint(part) + ' '.repeat(width - columns(part));
      idLine += idText.padEnd(width);
    });
  });
  if (pieceLine !== '' || idLine !== '' || lines.length === 0) flush();
  return lines.join('\n') + '\n';
}
