// Who made a write. Humans act as themselves; integrations and automations act as
// the Butler, a virtual user kept apart in history and statistics (docs/ARCHITECTURE.md §4).

export const BUTLER_ID = 'butler';

/**
 * What the actor wrote for: an automation's run, an integration, a tracked document link, or one of the system's own
 * rules (`system`: the rule's name, shared/events/system-rules.ts) handling the event `eventId`.
 */
export type Via = { automationId: string; runId: string } | { integrationId: string } | { documentLink: string } | { system: string; eventId: string };

/**
 * A person carries `via` when an integration or automation wrote on their behalf: while the
 * Butler is not activated, such writes are credited to the key's owner or the automation's author.
 */
export type Actor = { kind: 'user'; id: string; via?: Via } | { kind: 'butler'; id: typeof BUTLER_ID; via?: Via };

/** How many automation hops led to a write; `automationId: "none"` for people and integrations. */
export interface Cause {
  automationId: string;
  depth: number;
}

export const noCause: Cause = { automationId: 'none', depth: 0 };

export const humanActor = (userId: string): Actor => ({ kind: 'user', id: userId });

export const integrationActor = (integrationId: string): Actor => ({
  kind: 'butler',
  id: BUTLER_ID,
  via: { integrationId },
});

export const automationActor = (automationId: string, runId: string): Actor => ({
  kind: 'butler',
  id: BUTLER_ID,
  via: { automationId, runId },
});

/** The Butler tidying up after an event, for one of the system's rules (never credited to a person). */
export const systemActor = (rule: string, eventId: string): Actor => ({
  kind: 'butler',
  id: BUTLER_ID,
  via: { system: rule, eventId },
});
