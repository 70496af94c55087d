// The EventBus port on Amazon EventBridge: PutEvents on the bus the stack names, with the
// entries EventBridge refused reported by their index in the caller's list.
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { BusEvent, EventBus, PutEventsResult } from '#shared/ports.ts';

/** PutEvents takes at most 10 entries; longer lists go in consecutive calls. */
const MAX_ENTRIES = 10;

export interface EventBridgeBusOptions {
  client: EventBridgeClient;
  /** The bus name or ARN (the stack passes it in EVENT_BUS_NAME). */
  busName: string;
}

function toEntry(event: BusEvent, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...(event.time ? { Time: event.time } : {}),
  };
}

export function createEventBridgeBus({ client, busName }: EventBridgeBusOptions): EventBus {
  return {
    async putEvents(events: BusEvent[]): Promise<PutEventsResult> {
      const failed: PutEventsResult['failed'] = [];
      for (let offset = 0; offset < events.length; offset += MAX_ENTRIES) {
        const slice = events.slice(offset, offset + MAX_ENTRIES);
        const response = await client.send(new PutEventsCommand({ Entries: slice.map((event) => toEntry(event, busName)) }));
        if (!response.FailedEntryCount) continue;
        // Result entries come back in request order; a refused one has an ErrorCode and no EventId.
        slice.forEach((_, index) => {
          const entry = response.Entries?.[index];
          if (entry?.EventId && !entry.ErrorCode) return;
          failed.push({
            index: offset + index,
            errorCode: entry?.ErrorCode ?? 'Unknown',
            errorMessage: entry?.ErrorMessage ?? 'EventBridge returned no result for this entry',
          });
        });
      }
      return { failed };
    },
  };
}
