// Step Functions adapter of the Workflows port: starts executions, reads their
// history as run steps, redrives failed ones.
import {
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  RedriveExecutionCommand,
  type SFNClient,
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  ExecutionDoesNotExist,
} from '@aws-sdk/client-sfn';
import type { RunStep, Workflows } from '#shared/ports.ts';
import { executionConsoleUrl } from './execution-links.ts';

// For config.ts, which imports this module on first use: a namespace import of the package would keep every command.
export { SFNClient } from '@aws-sdk/client-sfn';

export interface SfnWorkflowsOptions {
  /** aws, aws-cn, aws-us-gov: the stack's partition. */
  partition: string;
  region: string;
  accountId: string;
  /** State machines are named `<prefix><automationId>`; the provisioner creates them. */
  stateMachinePrefix: string;
}

/** Folds the execution history into one entry per state visit, in order. */
export function stepsFromHistory(events: HistoryEvent[]): RunStep[] {
  const steps: RunStep[] = [];
  let current: RunStep | undefined;
  for (const event of events) {
    const at = event.timestamp?.toISOString() ?? '';
    if (event.stateEnteredEventDetails?.name) {
      current = { name: event.stateEnteredEventDetails.name, status: event.type === 'WaitStateEntered' ? 'WAITING' : 'RUNNING', startedAt: at };
      steps.push(current);
    } else if (event.stateExitedEventDetails && current) {
      current.status = current.status === 'FAILED' ? 'CAUGHT' : 'SUCCEEDED';
      current.endedAt = at;
    } else if (current && (event.taskFailedEventDetails || event.lambdaFunctionFailedEventDetails || event.executionFailedEventDetails)) {
      const details = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails ?? event.executionFailedEventDetails;
      current.status = 'FAILED';
      current.endedAt = at;
      if (details?.error) current.error = details.error;
      if (details?.cause) current.cause = details.cause;
    }
  }
  return steps;
}

export function sfnWorkflows(client: SFNClient, options: SfnWorkflowsOptions): Workflows {
  const stateMachineArn = (name: string) =>
    `arn:${options.partition}:states:${options.region}:${options.accountId}:stateMachine:${options.stateMachinePrefix}${name}`;
  return {
    async start(stateMachine, name, input) {
      try {
        const result = await client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn(stateMachine), name, input: JSON.stringify(input) }));
        return { executionId: result.executionArn ?? '' };
      } catch (error) {
        // Same name, other input: the run exists already, which is what a retry wants.
        if (error instanceof ExecutionAlreadyExists) {
          return { executionId: stateMachineArn(stateMachine).replace(':stateMachine:', ':execution:') + `:${name}` };
        }
        throw error;
      }
    },
    async steps(executionId) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn: executionId, nextToken, maxResults: 1000 }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return stepsFromHistory(events);
    },
    async redrive(executionId) {
      await client.send(new RedriveExecutionCommand({ executionArn: executionId }));
    },
    async stop(executionId, reason) {
      try {
        await client.send(new StopExecutionCommand({ executionArn: executionId, error: 'Stagecraft.RunCancelled', cause: reason.slice(0, 32_000) }));
      } catch (error) {
        // Ended already: nothing to stop.
        if (!(error instanceof ExecutionDoesNotExist) && (error as Error).name !== 'ValidationException') throw error;
      }
    },
    async input(executionId) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn: executionId }));
      return described.input ? JSON.parse(described.input) : undefined;
    },
    consoleUrl(executionId) {
      return executionConsoleUrl(options, executionId);
    },
  };
}
