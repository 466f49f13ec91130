// Worker-thread entry of BPE pre-token counting: receives line batches joined by LF, counts
// their pre-tokens with the settings in workerData, and returns its counts when asked.
// Reading the corpus and merging the counts of all workers happen in pre-token-counting.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { createLineCounter, unboxCounts, type PreTokenCounts, type PreTokenCountSettings, type WorkerReply, type WorkerRequest } from './pre-token-counting.js';

const port = parentPort!;
const count = createLineCounter(workerData as PreTokenCountSettings);
const counts: PreTokenCounts = new Map();

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (request.type === 'lines') {
      count(request.text.split('\n'), request.source, request.firstLineNumber, counts);
      reply = { type: 'done' };
    } else {
      reply = { type: 'counts', counts: unboxCounts(counts) };
    }
  } catch (error) {
    reply = { type: 'error', message: (error as Error).message };
  }
  port.postMessage(reply);
});
