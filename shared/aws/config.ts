// Composition-root helpers for Lambda: read configuration once, fail fast when it
// is missing, and build SDK clients at module scope (no network at init).
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { powertoolsLogger } from '#shared/logging.ts';
import type { Logger, TableRef, Workflows } from '#shared/ports.ts';
import { tableRefOf } from '#shared/store/document-client.ts';
import { sfnWorkflows } from './workflows.ts';
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

export function awsWorkflows(): Workflows {
  const { partition, region, accountId, namePrefix } = automationEnv();
  return sfnWorkflows(new SFNClient({}), { partition, region, accountId, stateMachinePrefix: namePrefix });
}
