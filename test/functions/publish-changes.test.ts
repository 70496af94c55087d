// The publish-changes composition root: configured from the environment, wrapped in middy,
// sending PutEvents to the named bus (EventBridge mocked at the client).
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const eventBridge = mockClient(EventBridgeClient);
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;

beforeAll(async () => {
  vi.stubEnv('EVENT_BUS_NAME', 'stagecraft-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  ({ handler } = await import('#functions/publish-changes/handler.ts'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  eventBridge.restore();
});

const context = { functionName: 'publish-changes', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

const contactCreated: DynamoDBStreamEvent = {
  Records: [
    {
      eventID: 'stream-1',
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '000000000000000000001',
        ApproximateCreationDateTime: 1_768_467_600,
        NewImage: marshall({
          pk: 'contact#C1',
          sk: 'entity',
          itemKind: 'entity',
          recordType: 'contact',
          id: 'C1',
          version: 1,
          name: 'Jane Roe',
          lastWrite: { actor: { kind: 'user', id: 'ada' }, cause: { automationId: 'none', depth: 0 }, action: 'created', at: '2026-01-15T09:00:00.000Z' },
        }) as never,
      },
    },
  ],
};

describe('the publish-changes function', () => {
  it('puts the derived events on the bus named by EVENT_BUS_NAME and reports no failures', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });

    const reply = await handler(contactCreated, context);

    expect(reply).toEqual({ batchItemFailures: [] });
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      expect.objectContaining({ EventBusName: 'stagecraft-test', Source: 'stagecraft.crm', DetailType: 'Contact Created' }),
    ]);
  });

  it('reports the record EventBridge refused by its sequence number', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    const reply = await handler(contactCreated, context);

    expect(reply).toEqual({ batchItemFailures: [{ itemIdentifier: '000000000000000000001' }] });
  });
});
