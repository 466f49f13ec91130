// The tokenizer file readers, in the order content detection tries them.

import { tokReader } from './tok.js';
import type { VocabReader } from './types.js';

export const VOCAB_READERS: readonly VocabReader[] = [tokReader];
