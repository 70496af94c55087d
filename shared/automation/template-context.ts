// The variables an automation's templates see (docs/ARCHITECTURE.md §6). Plain data, no Liquid: run-action builds
// the context for every action and loads the engine (templates.ts) only when the action has templates to fill.

export interface TemplateContextInput {
  /** The run's subject: the record its actions act on. */
  entityType: string;
  entity?: Record<string, unknown>;
  contact?: Record<string, unknown>;
  company?: Record<string, unknown>;
  /** The trigger event's detail. */
  event: Record<string, unknown>;
  automation: { id: string; name: string };
  run: { id: string; dueAt?: string };
  now: Date;
  /** What named steps of the run answered before (a webhook's response): `steps.<name>.response`. */
  steps?: Record<string, unknown>;
}

/**
 * The variables a template sees: the subject under its own type name (`deal`, `lead`, …) and as `entity`,
 * its contact and company when loaded, the event, the automation, the run, and `now` (ISO-8601).
 */
export function templateContext(input: TemplateContextInput): Record<string, unknown> {
  const context: Record<string, unknown> = {
    entity: input.entity ?? {},
    event: input.event,
    automation: input.automation,
    run: input.run,
    now: input.now.toISOString(),
  };
  // A document trigger's run is about the document's owner; the document itself is the event's record.
  if (input.event.entityType === 'document' && input.entityType !== 'document') {
    const document = input.event.after ?? input.event.before;
    if (document) context.document = document;
  }
  if (input.entity) context[input.entityType] = input.entity;
  if (input.contact) context.contact = input.contact;
  if (input.company) context.company = input.company;
  if (input.steps) context.steps = input.steps;
  return context;
}
