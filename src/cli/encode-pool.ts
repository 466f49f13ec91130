// Worker threads for `encode --threads N`. The main thread reads the input and hands out
// batches of lines (or whole documents) in turn. Each worker encodes and formats its batch, and
// the pool returns the outputs in input order. At most two batches per worker are in flight,
// which bounds memory on large inputs.

import type { Worker } from 'node:worker_threads';
import { ToksmithError } from '../errors.js';
import { SpecialTokenError, type SpecialPolicy } from '../pipeline/added-tokens.js';
import type { MethodName } from '../vocab.js';
import { startSiblingWorker } from '../worker-start.js';
import type { EncodeFormat } from './encode-format.js';

export interface EncodeWorkerSettings {
  vocab: string;
  pattern?: string;
  method?: MethodName;
  special: SpecialPolicy;
  addSpecialTokens: boolean;
  format: EncodeFormat;
}

export interface EncodeRequest {
  id: number;
  texts: string[];
  source: string;
  /** Line number of `texts[0]`, or undefined for a document. */
  firstLineNumber?: number;
}

export type EncodeReply =
  | { type: 'output'; id: number; text: string }
  | { type: 'error'; id: number; message: string; hint?: string; exitCode: number; line?: number }
  | { type: 'special'; id: number; content: string; byte: number; line?: number }
  | { type: 'crash'; id: number; stack: string };

interface Pending {
  request: EncodeRequest;
  promise: Promise<string>;
}

export class EncodePool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; request: EncodeRequest }>();
  private readonly queue: Pending[] = [];
  private nextId = 0;

  constructor(
    threads: number,
    settings: EncodeWorkerSettings,
    private readonly write: (text: string) => Promise<void>,
  ) {
    this.workers = Array.from({ length: threads }, () => startSiblingWorker(import.meta.url, 'encode-worker', settings));
    for (const worker of this.workers) {
      worker.on('message', (reply: EncodeReply) => this.receive(reply));
      worker.on('error', (error) => this.failAll(error));
    }
  }

  /** Queues texts for encoding, then writes finished outputs while two batches per worker are in flight. */
  async submit(texts: string[], source: string, firstLineNumber?: number): Promise<void> {
    const request: EncodeRequest = { id: this.nextId++, texts, source, firstLineNumber };
    const promise = new Promise<string>((resolve, reject) => this.waiting.set(request.id, { resolve, reject, request }));
    // The rejection is raised when this batch's turn to be written comes.
    promise.catch(() => undefined);
    this.queue.push({ request, promise });
    this.workers[request.id % this.workers.length]!.postMessage(request);
    while (this.queue.length >= 2 * this.workers.length) await this.writeOldest();
  }

  /** Writes every queued output in order. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.writeOldest();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private async writeOldest(): Promise<void> {
    const oldest = this.queue.shift()!;
    await this.write(await oldest.promise);
  }

  private receive(reply: EncodeReply): void {
    const waiter = this.waiting.get(reply.id);
    if (waiter === undefined) return;
    this.waiting.delete(reply.id);
    if (reply.type === 'output') {
      waiter.resolve(reply.text);
    } else if (reply.type === 'special') {
      waiter.reject(new SpecialTokenError(reply.content, reply.byte).locatedAt(waiter.request.source, reply.line));
    } else if (reply.type === 'error') {
      const where = reply.line === undefined ? waiter.request.source : `${waiter.request.source}:${reply.line}`;
      waiter.reject(new ToksmithError(`${where}: ${reply.message}`, { hint: reply.hint, exitCode: reply.exitCode }));
    } else {
      waiter.reject(new Error(`encode worker failed:\n${reply.stack}`));
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
