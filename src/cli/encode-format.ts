// Output formats of `toksmith encode`, shared by the command and its worker threads.

import type { Encoding } from '../encoder.js';
import { displayBytes } from '../utf8.js';
import { pieceLabel, type Vocab } from '../vocab.js';

export const ENCODE_FORMATS = ['ids', 'pieces', 'jsonl', 'count'] as const;
export type EncodeFormat = (typeof ENCODE_FORMATS)[number];

/**
 * Formats a piece for the `pieces` format: a space shows as ▁, control characters (LF and CR
 * among them, so each line or document stays on one output line) and bytes that are not valid
 * UTF-8 as <0xNN>.
 */
export function displayPiece(bytes: Uint8Array): string {
  return displayBytes(bytes)
    .replace(/ /g, '\u2581')
    .replace(/[\x00-\x1f\x7f]/g, (control) => `<0x${control.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}>`);
}

/** Formats encodings in one of the output formats, caching piece labels. */
export class EncodingFormatter {
  private readonly labels: (string | undefined)[];

  constructor(
    private readonly vocab: Vocab,
    private readonly format: EncodeFormat,
  ) {
    this.labels = new Array(vocab.kinds.length);
  }

  label(id: number): string {
    let label = this.labels[id];
    if (label === undefined) {
      label = pieceLabel(this.vocab, id, displayPiece);
      this.labels[id] = label;
    }
    return label;
  }

  line(encoding: Encoding): string {
    switch (this.format) {
      case 'ids':
        return encoding.ids.join(' ');
      case 'pieces':
        return encoding.ids.map((id) => this.label(id)).join(' ');
      case 'count':
        return String(encoding.ids.length);
      case 'jsonl': {
        const offsets = encoding.offsets ?? [];
        const pairs: [number, number][] = [];
        for (let k = 0; k < offsets.length; k += 2) pairs.push([offsets[k]!, offsets[k + 1]!]);
        return JSON.stringify({ ids: encoding.ids, pieces: encoding.ids.map((id) => this.label(id)), offsets: pairs });
      }
    }
  }
}

