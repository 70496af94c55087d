// The track-runs function: Step Functions status changes of automation state machines
// in, run records closed for executions that ended outside their own Catch (timeouts, aborts).
// The status change is read by createTrackStatusChanges, as the local runner's reports are.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { automationEnv } from '#shared/aws/config.ts';
import { awsCore } from '#shared/aws/core.ts';
import { createTrackStatusChanges } from '#shared/engine/track-runs.ts';

interface StatusChangeDetail {
  executionArn: string;
  stateMachineArn: string;
  status: string;
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}

const { core, powertools } = awsCore('track-runs');
const trackRuns = createTrackStatusChanges({ ...core, namePrefix: automationEnv().namePrefix });

async function onStatusChange(event: EventBridgeEvent<'Step Functions Execution Status Change', StatusChangeDetail>): Promise<void> {
  const { stateMachineArn, status, input, error, cause } = event.detail;
  await trackRuns({ stateMachine: stateMachineArn, status, input, error, cause });
}

export const handler = middy(onStatusChange).use(injectLambdaContext(powertools));
