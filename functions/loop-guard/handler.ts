// The loop-guard function: CRM events too deep for any automation rule in (docs/ARCHITECTURE.md §5), a LOOP_STOPPED run out
// for each automation that would have run, and a notification for the admins.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsCore } from '#shared/aws/core.ts';
import { type GuardedEvent, createLoopGuard } from '#shared/engine/loop-guard.ts';

const { core, powertools } = awsCore('loop-guard');
const loopGuard = createLoopGuard(core);

async function onDeepEvent(event: GuardedEvent): Promise<void> {
  await loopGuard(event);
}

export const handler = middy(onDeepEvent).use(injectLambdaContext(powertools));
