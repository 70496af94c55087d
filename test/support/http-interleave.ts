// Deterministic races for the API tests: runs another write just before the app's next
// DynamoDB transaction, as if a second request had slipped in between the read and the
// conditional write of the request under test.
import type { TestApp } from './app.ts';

export interface Interleaver {
  /** Queues `write` to run right before the next record transaction (one per call). */
  beforeNextTransaction(write: () => Promise<unknown>): void;
  /** Forgets the queued writes that have not run. */
  clear(): void;
}

const installed = new WeakMap<object, Interleaver>();

export function interleaver(t: TestApp): Interleaver {
  const stack = t.table.client.middlewareStack;
  const existing = installed.get(stack);
  if (existing) return existing;
  const queue: Array<() => Promise<unknown>> = [];
  // The queued write itself runs transactions; those must pass through untouched.
  let running = false;
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const write = queue[0];
    if (!running && write && /TransactWrite/.test(context.commandName ?? '')) {
      queue.shift();
      running = true;
      try {
        await write();
      } finally {
        running = false;
      }
    }
    return next(args);
  };
  stack.add(middleware as never, { step: 'initialize', name: 'httpTestInterleaver' });
  const handle: Interleaver = {
    beforeNextTransaction: (write) => {
      queue.push(write);
    },
    clear: () => {
      queue.length = 0;
    },
  };
  installed.set(stack, handle);
  return handle;
}
