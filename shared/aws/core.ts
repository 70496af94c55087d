// The core of a Lambda function (shared/runtime/core.ts) on AWS: the table from TABLE_NAME, the system
// clock, ULIDs and the Powertools logger, built once at module scope.
import { systemClock, ulidIds } from '#shared/ids.ts';
import { type Core, createCore } from '#shared/runtime/core.ts';
import { awsLogger, awsTable } from './config.ts';

export function awsCore(serviceName: string) {
  const { powertools, logger } = awsLogger(serviceName);
  const { table, dynamoClient } = awsTable();
  const core: Core = createCore({ table, clock: systemClock, ids: ulidIds(), logger });
  return { core, powertools, dynamoClient };
}
