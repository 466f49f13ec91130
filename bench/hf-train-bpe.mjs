// Trains Hugging Face tokenizers' byte-level BPE (npm `tokenizers`, native) with its defaults
// (30,000 pieces, min frequency 0, alphabet = bytes seen) and saves tokenizer.json.
// Usage: node bench/hf-train-bpe.mjs OUTPUT.json FILE...  (RAYON_NUM_THREADS sets its threads)
import { BPE, byteLevelPreTokenizer, Tokenizer } from 'tokenizers';

const [output, ...files] = process.argv.slice(2);
const tokenizer = new Tokenizer(BPE.empty());
tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
tokenizer.train(files);
tokenizer.save(output);
