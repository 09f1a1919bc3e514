/**
 * The fuzz worker: runs inputs of one target (workerData.target) sent by engine.ts's Runner and answers
 * with the outcome, the time the parse took and the heap in use after it. Started with `resourceLimits`, so
 * an input that blows the heap kills only this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { targetByName } from './targets.js';

const target = targetByName((workerData as { target: string }).target);
if (!target || !parentPort) throw new Error('fuzz worker: unknown target');
const port = parentPort;
port.on('message', async (m: { id: number; input: Uint8Array }) => {
  const s = performance.now();
  let outcome: 'ok' | 'error' | 'crash';
  let message: string | undefined;
  try {
    outcome = await target.run(m.input);
  } catch (e) {
    outcome = 'crash';
    message = `${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack ?? ''}`;
  }
  port.postMessage({ id: m.id, outcome, message, ms: performance.now() - s, heap: process.memoryUsage().heapUsed });
});
port.postMessage({ ready: true });
