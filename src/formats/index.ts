// The tokenizer file readers, in the order content detection tries them.

import { hfReader } from './hf/read.js';
import { gpt2Reader, tiktokenReader } from './tiktoken/read.js';
import { spmReader, spmVocabReader } from './spm/reader.js';
import { tokReader } from './tok.js';
import type { VocabReader } from './types.js';

export const VOCAB_READERS: readonly VocabReader[] = [tokReader, hfReader, tiktokenReader, gpt2Reader, spmReader, spmVocabReader];
