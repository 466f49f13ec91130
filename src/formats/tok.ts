// Reader of toksmith's own `.tok` vocabulary files, for the reader registry.

import { extname } from 'node:path';
import { MAGIC, loadVocab } from '../vocab-file.js';
import type { VocabReader } from './types.js';

export const tokReader: VocabReader = {
  format: '.tok (toksmith vocabulary)',
  prefix: 'tok',
  accepts: (path, head) => extname(path) === '.tok' || new TextDecoder().decode(head.subarray(0, MAGIC.length)) === MAGIC,
  read: (path) => loadVocab(path),
};
