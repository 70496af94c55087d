// The track-runs function: Step Functions status changes of automation state machines
// in, run records closed for executions that ended outside their own Catch (timeouts, aborts).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { automationEnv, awsLogger, awsTable } from '#shared/aws/config.ts';
import { createTrackRuns } from '#shared/engine/track-runs.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';

interface StatusChange {
  executionArn: string;
  stateMachineArn: string;
  status: string;
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}

const { powertools, logger } = awsLogger('track-runs');
const { table } = awsTable();
const { namePrefix } = automationEnv();
const trackRuns = createTrackRuns({ store: createStore(table, systemClock, ulidIds()), clock: systemClock, logger });

async function onStatusChange(event: EventBridgeEvent<'Step Functions Execution Status Change', StatusChange>): Promise<void> {
  const name = event.detail.stateMachineArn.split(':stateMachine:').pop() ?? '';
  if (!name.startsWith(namePrefix)) return;
  await trackRuns({
    automationId: name.slice(namePrefix.length),
    status: event.detail.status,
    input: event.detail.input ? JSON.parse(event.detail.input) : undefined,
    ...(event.detail.error ? { error: event.detail.error } : {}),
    ...(event.detail.cause ? { cause: event.detail.cause } : {}),
  });
}

export const handler = middy(onStatusChange).use(injectLambdaContext(powertools));
