// The api function's route table, for writing its /openapi.json at build time (scripts/build.ts): the app
// composed as functions/api/handler.ts composes it, with ports that are never called (routes are data here).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApp } from '#shared/app.ts';
import type { Route } from '#shared/http/router.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import type { Logger, Workflows } from '#shared/ports.ts';
import { tableRefOf } from '#shared/store/document-client.ts';

const notCalled = () => {
  throw new Error('the route table is only read while the OpenAPI document is written');
};

export function apiRoutesForDocument(): Route[] {
  const dynamoClient = new DynamoDBClient({ region: 'us-east-1' });
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const workflows: Workflows = { start: notCalled, steps: notCalled, redrive: notCalled, stop: notCalled, input: notCalled, consoleUrl: notCalled };
  const app = createApp({ table: tableRefOf('openapi', dynamoClient), dynamoClient, clock: systemClock, ids: ulidIds(), logger: quiet, workflows });
  return app.routes;
}
