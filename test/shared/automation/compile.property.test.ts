// Properties of the compiler over generated definitions: whatever the schema accepts compiles to valid ASL and
// a valid pattern, and a pattern never refuses an event whose record the run's conditions accept.
import aslValidator from 'asl-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConditions } from '#shared/automation/conditions.ts';
import { compileAutomation } from '#shared/automation/compile-asl.ts';
import { compileEventPattern } from '#shared/automation/compile-pattern.ts';
import { AutomationDefinition, Conditions, conditionOps } from '#shared/automation/definition.ts';
import { matchesPattern, validatePattern } from '#shared/events/pattern.ts';
import { anEvent, anEventInput } from './factories.ts';

const fieldPath = fc.constantFrom('amount', 'title', 'stageId', 'closeDate', 'fields.segment', 'fields.Renewal date', 'tags');
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -2000, max: 2000 }), fc.boolean(), fc.constant(null));
const duration = fc.oneof(
  fc.constantFrom('P6M', 'P1D', 'PT2H', 'P2Y', 'P11M', 'P1Y2M3DT4H5M6S', 'P1W'),
  fc.tuple(fc.nat(3), fc.nat(14), fc.nat(40)).map(([y, m, d]) => `P${y}Y${m}M${d}D`),
);
const signedDuration = fc.oneof(duration, duration.map((d) => `-${d}`), fc.constant('PT0S'));
const template = fc.oneof(
  fc.constantFrom('Renewal: {{ deal.title }}', '{{ contact.name | upcase }}', '{% if deal.amount > 5 %}big{% endif %}', 'plain'),
  fc.string({ minLength: 1, maxLength: 30 }),
);
const slug = fc.constantFrom('sales', 'won', 'new', 'in_progress', 'junk', 'x-1');
const entity = fc.constantFrom('contact', 'company', 'lead', 'deal', 'activity', 'document');
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const trigger = fc.oneof(
  fc.record({ type: fc.constantFrom('created', 'deleted', 'manual'), entity }),
  fc.record({ type: fc.constant('updated'), entity, fields: optional(fc.array(fieldPath, { minLength: 1, maxLength: 3 })) }, { requiredKeys: ['type', 'entity'] }),
  fc.record({ type: fc.constant('stageEntered'), entity: fc.constantFrom('deal', 'lead'), pipelineId: optional(slug), stageId: slug }, { requiredKeys: ['type', 'entity', 'stageId'] }),
  fc.record({ type: fc.constant('dateReached'), entity, field: fieldPath, offset: optional(signedDuration), at: optional(fc.constantFrom('08:00', '23:59')) }, { requiredKeys: ['type', 'entity', 'field'] }),
  fc.record({ type: fc.constant('documentSigned'), party: fc.constantFrom('sender', 'recipient', 'all'), templateId: optional(fc.constantFrom('contract', 'nda')) }, { requiredKeys: ['type', 'party'] }),
  fc.record({ type: fc.constantFrom('documentViewed', 'documentCreated'), templateId: optional(fc.constantFrom('contract', 'nda')) }, { requiredKeys: ['type'] }),
);

const condition = fc.record(
  { field: fieldPath, op: fc.constantFrom(...conditionOps), value: optional(fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }))) },
  { requiredKeys: ['field', 'op'] },
);
const group = (item: fc.Arbitrary<unknown>) =>
  fc.oneof(fc.record({ all: fc.array(item, { minLength: 1, maxLength: 4 }) }), fc.record({ any: fc.array(item, { minLength: 1, maxLength: 4 }) }));
const conditions = group(fc.oneof({ weight: 3, arbitrary: condition }, { weight: 1, arbitrary: group(condition) }));

const action = fc.oneof(
  fc.record({ type: fc.constant('createLead'), title: template, responsible: optional(template) }, { requiredKeys: ['type', 'title'] }),
  fc.record({ type: fc.constant('copyDeal'), title: optional(template), pipelineId: slug, stageId: slug }, { requiredKeys: ['type', 'pipelineId', 'stageId'] }),
  fc.record({
    type: fc.constant('planActivity'),
    subject: template,
    activityType: fc.constantFrom('call', 'meeting', 'task', 'email'),
    due: fc.oneof(duration, fc.constant('{{ deal.closeDate }}')),
    autoComplete: fc.boolean(),
  }),
  fc.record({ type: fc.constant('addToExceptions'), deleteEntity: fc.boolean() }),
  fc.record({ type: fc.constant('sendEmail'), to: fc.constantFrom('contact', 'responsible'), subject: template, body: template }),
  fc.record({ type: fc.constant('notify'), to: fc.constant('userId'), userId: template, message: template }),
  fc.record({ type: fc.constant('updateFields'), set: fc.dictionary(fc.constantFrom('title', 'amount', 'fields.note'), template, { minKeys: 1, maxKeys: 3 }) }),
  fc.record({ type: fc.constant('moveToStage'), stageId: slug, allowBackward: fc.boolean() }),
);

const definitionInput = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 40 }),
    status: fc.constantFrom('active', 'stopped'),
    trigger,
    conditions: optional(conditions),
    delay: optional(fc.oneof(fc.record({ after: duration }), fc.record({ until: fc.record({ field: fieldPath, offset: optional(signedDuration) }, { requiredKeys: ['field'] }) }))),
    recheck: fc.boolean(),
    onLeave: optional(fc.constantFrom('cancel', 'continue')),
    finishPending: fc.boolean(),
    timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu'),
    actions: fc.array(action, { minLength: 1, maxLength: 6 }),
  },
  { requiredKeys: ['name', 'trigger', 'actions'] },
);

const accepted = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }), definitionInput)
  .map(([id, version, input]) => ({ id, version, parsed: AutomationDefinition.safeParse(input) }))
  .filter((candidate) => candidate.parsed.success)
  .map(({ id, version, parsed }) => ({ id, version, definition: parsed.data as AutomationDefinition }));

describe('any definition the schema accepts', () => {
  it('compiles to ASL that asl-validator accepts', () => {
    fc.assert(
      fc.property(accepted, (automation) => {
        // Act
        const { asl } = compileAutomation(automation);

        // Assess
        expect(aslValidator(structuredClone(asl) as never).errors).toEqual([]);
      }),
      { numRuns: 80 },
    );
    // asl-validator takes a while per definition (each carries its cause-reading states): time, not a budget.
  }, 120_000);

  it('compiles to an event pattern PutRule accepts, or none for a manual trigger', () => {
    fc.assert(
      fc.property(accepted, (automation) => {
        // Act
        const pattern = compileEventPattern(automation);

        // Assess
        expect(pattern === null ? automation.definition.trigger.type : validatePattern(pattern)).toEqual(
          pattern === null ? 'manual' : { ok: true },
        );
      }),
      { numRuns: 80 },
    );
  });
});

describe('a compiled pattern', () => {
  const values = {
    amount: fc.constantFrom(0, 500, 1000, 1500, 6e9, -3.5, '1500', null),
    currency: fc.constantFrom('EUR', 'USD', '', null),
    closeDate: fc.constantFrom('2026-01-01', '2026-06-30'),
    tags: fc.constantFrom([], ['vip'], ['north', 'vip']),
    segment: fc.constantFrom('smb', 'mid'),
  };
  const field = fc.constantFrom('amount', 'currency', 'closeDate', 'tags', 'fields.segment');
  const value = fc.oneof(values.amount, values.currency, values.closeDate, values.segment, fc.constantFrom(true, false));
  const listValue = fc.array(fc.oneof(values.amount, values.currency, values.segment), { minLength: 1, maxLength: 3 });
  const patternCondition = fc.oneof(
    fc.record({ field, op: fc.constantFrom('eq', 'ne', 'contains'), value }),
    fc.record({ field, op: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: fc.oneof(fc.constantFrom(0, 500, 1000, 1500, 6e9), values.closeDate) }),
    fc.record({ field, op: fc.constant('in'), value: listValue }),
    fc.record({ field, op: fc.constant('exists'), value: fc.option(fc.boolean(), { nil: undefined }) }),
  );
  const record = fc
    .record(
      { amount: values.amount, currency: values.currency, closeDate: values.closeDate, tags: values.tags, fields: fc.record({ segment: values.segment }) },
      { requiredKeys: [] },
    )
    .map((fields) => JSON.parse(JSON.stringify(fields)) as Record<string, unknown>);
  const accepted = fc
    .array(patternCondition, { minLength: 1, maxLength: 4 })
    .map((all) => Conditions.safeParse({ all }))
    .filter((parsed) => parsed.success)
    .map((parsed) => parsed.data as Conditions);

  it('matches every event whose record the run would accept', () => {
    fc.assert(
      fc.property(accepted, record, (all, after) => {
        // Prepare
        const definition = AutomationDefinition.parse({
          name: 'Property',
          trigger: { type: 'created', entity: 'deal' },
          conditions: all,
          actions: [{ type: 'notify', to: 'responsible', message: 'x' }],
        });
        const pattern = compileEventPattern({ id: 'auto-1', definition }) as Record<string, unknown>;
        const event = anEventInput(anEvent({ before: undefined, after }), 'Deal Created');
        fc.pre(checkConditions(all, { record: after, after }).holds);

        // Act
        const matched = matchesPattern(pattern, event);

        // Assess
        expect(matched).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
