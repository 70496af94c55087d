// Composition-root helpers for Lambda: read configuration once, fail fast when it
// is missing, and build SDK clients at module scope (no network at init).
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { powertoolsLogger } from '#shared/logging.ts';
import type { Logger, TableRef, Workflows } from '#shared/ports.ts';
import { tableRefOf } from '#shared/store/document-client.ts';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';
import { executionConsoleUrl } from './execution-links.ts';
import { ENV } from './env.ts';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}: the stack sets it on every function.`);
  return value;
}

export function awsTable(): { table: TableRef; dynamoClient: DynamoDBClient } {
  const dynamoClient = new DynamoDBClient({});
  return { dynamoClient, table: tableRefOf(requiredEnv(ENV.tableName), dynamoClient) };
}

/** The Powertools logger, and the same logger seen through the Logger port. */
export function awsLogger(serviceName: string): { powertools: PowertoolsLogger; logger: Logger } {
  return powertoolsLogger({ serviceName });
}

/** The automation names and where they live; the stack sets these on every function that needs them. */
export function automationEnv() {
  return {
    partition: requiredEnv(ENV.partition),
    region: requiredEnv(ENV.region),
    accountId: requiredEnv(ENV.accountId),
    /** State machines and rules are `<prefix><automationId>`. */
    namePrefix: requiredEnv(ENV.automationNamePrefix),
  };
}

/**
 * Step Functions, whose client (and the adapter's SDK commands) is built by the first call that reaches it — a
 * manual run, a run's steps, a redrive, a provisioning — not at init, which most API requests never need.
 */
export function awsWorkflows(): Workflows {
  const { partition, region, accountId, namePrefix } = automationEnv();
  const options = { partition, region, accountId, stateMachinePrefix: namePrefix };
  const load = loadedOnFirstUse(async () => {
    const { SFNClient, sfnWorkflows } = await import('./workflows.ts');
    return sfnWorkflows(new SFNClient({}), options);
  });
  return {
    start: async (stateMachine, name, input) => (await load()).start(stateMachine, name, input),
    steps: async (executionId) => (await load()).steps(executionId),
    redrive: async (executionId) => (await load()).redrive(executionId),
    stop: async (executionId, reason) => (await load()).stop(executionId, reason),
    input: async (executionId) => (await load()).input(executionId),
    consoleUrl: (executionId) => executionConsoleUrl(options, executionId),
  };
}
