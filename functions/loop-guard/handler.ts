// The loop-guard function: CRM events too deep for any automation rule in (DESIGN §5), a LOOP_STOPPED run out
// for each automation that would have run, and a notification for the admins.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsLogger, awsTable } from '#shared/aws/config.ts';
import { type GuardedEvent, createLoopGuard } from '#shared/engine/loop-guard.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';

const { powertools, logger } = awsLogger('loop-guard');
const { table } = awsTable();
const loopGuard = createLoopGuard({ store: createStore(table, systemClock, ulidIds()), clock: systemClock, logger });

async function onDeepEvent(event: GuardedEvent): Promise<void> {
  await loopGuard(event);
}

export const handler = middy(onDeepEvent).use(injectLambdaContext(powertools));
