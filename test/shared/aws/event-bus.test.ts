// The EventBridge adapter of the EventBus port, against a mocked EventBridge client.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEventBridgeBus } from '#shared/aws/event-bus.ts';
import type { BusEvent } from '#shared/ports.ts';

const client = new EventBridgeClient({ region: 'eu-west-1' });
const eventBridge = mockClient(client);
const bus = createEventBridgeBus({ client, busName: 'stagecraft' });

const anEvent = (entityId: string): BusEvent => ({
  source: 'stagecraft.crm',
  detailType: 'Deal Updated',
  detail: { eventId: `e-${entityId}`, entityId },
  time: new Date('2026-01-15T09:00:00.000Z'),
});

beforeEach(() => {
  eventBridge.reset();
});

describe('PutEvents', () => {
  it('sends each event as an entry on the named bus with its JSON detail and time', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });

    await bus.putEvents([anEvent('D1')]);

    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: 'stagecraft',
          Source: 'stagecraft.crm',
          DetailType: 'Deal Updated',
          Detail: JSON.stringify({ eventId: 'e-D1', entityId: 'D1' }),
          Time: new Date('2026-01-15T09:00:00.000Z'),
        },
      ],
    });
  });

  it('reports nothing failed when EventBridge accepted every entry', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] });

    const result = await bus.putEvents([anEvent('D1'), anEvent('D2')]);

    expect(result).toEqual({ failed: [] });
  });

  it('reports refused entries by their index with EventBridge’s error', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: '1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal error' }, { EventId: '3' }],
    });

    const result = await bus.putEvents([anEvent('D1'), anEvent('D2'), anEvent('D3')]);

    expect(result).toEqual({ failed: [{ index: 1, errorCode: 'InternalFailure', errorMessage: 'Internal error' }] });
  });

  it('splits more than 10 events into calls of 10 and reports failures by their index in the whole list', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: Array.from({ length: 10 }, (_, index) => ({ EventId: String(index) })) })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: '10' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] });

    const result = await bus.putEvents(Array.from({ length: 12 }, (_, index) => anEvent(`D${index}`)));

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(result.failed).toEqual([{ index: 11, errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' }]);
  });

  it('lets a failed call throw, so the publisher retries the records behind it', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('AccessDeniedException'));

    await expect(bus.putEvents([anEvent('D1')])).rejects.toThrow('AccessDeniedException');
  });
});
