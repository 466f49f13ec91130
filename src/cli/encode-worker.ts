// Worker-thread entry of `encode --threads`: loads the vocabulary named in workerData, then
// encodes each batch of lines (or one document) it receives and returns the formatted output.
// The pool that feeds it and keeps the output in order is in encode-pool.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { Encoder } from '../encoder.js';
import { ToksmithError } from '../errors.js';
import { SpecialTokenError } from '../pipeline/added-tokens.js';
import { readVocabFile } from '../tokenizer-loader.js';
import { EncodingFormatter } from './encode-format.js';
import type { EncodeReply, EncodeRequest, EncodeWorkerSettings } from './encode-pool.js';

const port = parentPort!;
const settings = workerData as EncodeWorkerSettings;
let encode: ((request: EncodeRequest) => string) | undefined;
let loadError: EncodeReply | undefined;

try {
  const vocab = readVocabFile(settings.vocab, { pattern: settings.pattern });
  const encoder = new Encoder(vocab, settings.method ?? vocab.defaultMethod, { special: settings.special, addSpecialTokens: settings.addSpecialTokens });
  const formatter = new EncodingFormatter(vocab, settings.format);
  const withOffsets = settings.format === 'jsonl';
  encode = (request) => {
    let out = '';
    for (let k = 0; k < request.texts.length; k++) {
      try {
        out += formatter.line(encoder.encode(request.texts[k]!, withOffsets)) + '\n';
      } catch (error) {
        if (error instanceof ToksmithError) throw Object.assign(error, { line: request.firstLineNumber === undefined ? undefined : request.firstLineNumber + k });
        throw error;
      }
    }
    return out;
  };
} catch (error) {
  loadError = replyForError(error, -1);
}

function replyForError(error: unknown, id: number): EncodeReply {
  if (error instanceof SpecialTokenError) {
    return { type: 'special', id, content: error.content, byte: error.byte, line: (error as SpecialTokenError & { line?: number }).line };
  }
  if (error instanceof ToksmithError) {
    return { type: 'error', id, message: error.message, hint: error.hint, exitCode: error.exitCode, line: (error as ToksmithError & { line?: number }).line };
  }
  return { type: 'crash', id, stack: (error as Error)?.stack ?? String(error) };
}

port.on('message', (request: EncodeRequest) => {
  if (loadError !== undefined) {
    port.postMessage({ ...loadError, id: request.id });
    return;
  }
  let reply: EncodeReply;
  try {
    reply = { type: 'output', id: request.id, text: encode!(request) };
  } catch (error) {
    reply = replyForError(error, request.id);
  }
  port.postMessage(reply);
});
