// Normalizer steps, named after Hugging Face tokenizers' normalizers: Unicode normalization
// forms and lower-casing. Each registers itself in the step registry when this file loads.

import { registerNormalizerStep } from './steps.js';

for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const) {
  registerNormalizerStep(form.toLowerCase(), () => ({ normalize: (text) => text.normalize(form), local: true }));
}

// Rust's str::to_lowercase, which Hugging Face's Lowercase uses, lower-cases a final Σ to ς as
// JavaScript's toLowerCase does.
registerNormalizerStep('lowercase', () => ({ normalize: (text) => text.toLowerCase(), local: false }));
