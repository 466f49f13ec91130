// Starts a worker thread from a module next to the caller. The CLI runs compiled JavaScript, so
// the worker is the `.js` file. Under vitest or tsx the caller is TypeScript, so the worker first
// registers tsx's loader (a dev dependency) and then imports the `.ts` file.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Starts the worker module `name` (without extension) that sits next to `callerUrl`. */
export function startSiblingWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  const runsFromSource = callerUrl.endsWith('.ts');
  const workerUrl = new URL(runsFromSource ? `./${name}.ts` : `./${name}.js`, callerUrl);
  if (!runsFromSource) return new Worker(workerUrl, { workerData });
  const tsxApi = createRequire(callerUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const bootstrap =
    `import(${JSON.stringify(pathToFileURL(tsxApi).href)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
