// A system rule end to end in local mode, for its tests: a test app over DynamoDB Local, its stream read by the
// local poller, the local bus delivering to the rule's target. Registers the file's beforeAll / afterAll; the
// returned object is filled in before the file's own hooks and tests run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { createLocalEventBus } from '#infra/local/event-bus.ts';
import { type LocalEvents, startLocalEvents } from '#infra/local/events.ts';
import type { CrmEvent } from '#shared/crm/complete-activities.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import type { SystemTarget } from '#shared/events/system-rules.ts';
import { type TestApp, createTestApp } from './app.ts';
import { silentLogger } from './table.ts';

export interface SystemRuleUnderTest {
  t: TestApp;
  events: LocalEvents;
}

/** `targets`: the rule's target by its name in the local runtime (e.g. `unlinkDeleted`), made from the app. */
export function systemRuleUnderTest(name: string, targets: (t: TestApp) => Partial<Record<SystemTarget, (event: CrmEvent) => Promise<unknown>>>): SystemRuleUnderTest {
  const state = {} as SystemRuleUnderTest;
  let home: string;
  beforeAll(async () => {
    state.t = await createTestApp();
    home = mkdtempSync(join(tmpdir(), `stagecraft-${name}-`));
    const bus = createLocalEventBus({ logger: silentLogger, clock: state.t.clock });
    const byName = targets(state.t);
    state.events = await startLocalEvents({
      core: { table: state.t.table, logger: silentLogger },
      dynamoClient: state.t.table.dynamoClient,
      dynamoEndpoint: inject('dynamoEndpoint'),
      home,
      bus,
      runtime: {
        publishChanges: createPublishChanges({ bus, logger: silentLogger }),
        targets: Object.fromEntries(Object.entries(byName).map(([target, run]) => [target, (event: unknown) => run(event as CrmEvent)])),
      },
      poller: { idleMs: 20 },
    });
  });
  afterAll(async () => {
    await state.events?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  return state;
}
