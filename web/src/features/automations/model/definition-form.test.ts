import { loadTemplateChecks } from '#shared/automation/template-checks.ts';
import { describe, expect, it } from 'vitest';
import {
  type Action,
  type AutomationDefinitionInput,
  type Trigger,
  AutomationDefinition,
  actionTypes,
  triggerTypes,
} from '#shared/automation/definition.ts';
import { blankAction, blankForm, toDefinition, toForm, toPatch } from './definition-form.ts';

// The definition schema's Liquid checks load on first use (template-checks.ts); the API's save loads them first.
await loadTemplateChecks();

// A definition as the API stores it after parsing: the defaults it fills are explicit.
const definitionWith = (parts: Partial<AutomationDefinitionInput>): AutomationDefinitionInput => ({
  name: 'Under test',
  status: 'active',
  trigger: { type: 'created', entity: 'deal' },
  recheck: false,
  finishPending: false,
  timeZone: 'UTC',
  actions: [{ type: 'notify', to: 'responsible', message: 'Hi' }],
  ...parts,
});

const triggers: Record<Trigger['type'], Trigger[]> = {
  created: [{ type: 'created', entity: 'contact' }],
  updated: [
    { type: 'updated', entity: 'deal' },
    { type: 'updated', entity: 'deal', fields: ['amount', 'fields.renewal_date'] },
  ],
  deleted: [{ type: 'deleted', entity: 'company' }],
  stageEntered: [
    { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
    { type: 'stageEntered', entity: 'deal', stageId: 'won' },
    { type: 'stageEntered', entity: 'lead', stageId: 'junk' },
  ],
  dateReached: [
    { type: 'dateReached', entity: 'deal', field: 'closeDate' },
    { type: 'dateReached', entity: 'deal', field: 'fields.renewal_date', offset: '-P30D', at: '08:30' },
  ],
  documentSigned: [
    { type: 'documentSigned', party: 'all' },
    { type: 'documentSigned', party: 'recipient', templateId: 'contract' },
    { type: 'documentSigned', party: 'all', pipelineId: 'sales', templateId: 'contract' },
  ],
  documentViewed: [{ type: 'documentViewed' }, { type: 'documentViewed', templateId: 'offer' }, { type: 'documentViewed', pipelineId: 'installation' }],
  documentCreated: [{ type: 'documentCreated' }, { type: 'documentCreated', pipelineId: 'sales', templateId: 'offer' }],
  manual: [{ type: 'manual', entity: 'lead' }],
};

const actions: Record<Action['type'], Action[]> = {
  createLead: [
    { type: 'createLead', title: 'Renewal: {{ deal.title }}' },
    { type: 'createLead', title: 'Renewal: {{ deal.title }}', responsible: '{{ deal.responsibleId }}' },
  ],
  copyDeal: [
    { type: 'copyDeal', pipelineId: 'installation', stageId: 'new' },
    { type: 'copyDeal', title: 'Install {{ deal.title }}', pipelineId: 'installation', stageId: 'new', responsible: 'admin' },
  ],
  planActivity: [
    { type: 'planActivity', subject: 'Call {{ deal.title }}', activityType: 'call', due: 'P1D' },
    { type: 'planActivity', subject: 'Meet', activityType: 'meeting', due: '{{ deal.closeDate }}', responsible: 'admin', autoComplete: true },
  ],
  addToExceptions: [{ type: 'addToExceptions' }, { type: 'addToExceptions', deleteEntity: true }],
  sendEmail: [
    { type: 'sendEmail', to: 'contact', subject: 'Thanks', body: 'Dear {{ contact.name }}' },
    { type: 'sendEmail', to: 'address', address: 'ops@example.com', subject: 'Won', body: '{{ deal.title }}' },
    { type: 'sendEmail', to: 'contact', subject: 'Thanks', body: 'Dear {{ contact.name }}', html: '<p>Dear <b>{{ contact.name }}</b></p>' },
  ],
  notify: [
    { type: 'notify', to: 'responsible', message: 'Look at {{ deal.title }}' },
    { type: 'notify', to: 'userId', userId: 'admin', message: 'Hi' },
  ],
  updateFields: [{ type: 'updateFields', set: { amount: '{{ deal.amount | times: 2 }}', 'fields.note': 'renewed' } }],
  moveToStage: [
    { type: 'moveToStage', stageId: 'invoice' },
    { type: 'moveToStage', stageId: 'contract', allowBackward: true },
    { type: 'moveToStage', stageId: 'new', pipelineId: 'sales' },
  ],
  assign: [
    { type: 'assign', role: 'member' },
    { type: 'assign', role: 'admin' },
    { type: 'assign', users: ['maria', 'admin', '01JUSER'] },
  ],
  callWebhook: [
    { type: 'callWebhook', url: 'https://example.org/hooks' },
    { type: 'callWebhook', name: 'crm', url: 'https://example.org/hooks/{{ deal.id }}', method: 'PUT', headers: { 'X-Source': 'stagecraft' }, timeoutSeconds: 5 },
    {
      type: 'callWebhook',
      url: 'https://example.org/hooks',
      method: 'POST',
      headers: { 'X-Source': 'stagecraft', Authorization: 'Bearer {{ deal.fields.token }}' },
      body: '{"title": {{ deal.title | json }}}',
      secretId: '01JSECRET',
    },
    { type: 'callWebhook', url: 'https://example.org/hooks', headers: {} },
  ],
  createDocument: [{ type: 'createDocument', templateId: 'quote' }, { type: 'createDocument', templateId: 'quote', title: 'Quote for {{ deal.title }}' }],
  sendDocument: [
    { type: 'sendDocument', channel: 'email', to: 'contact' },
    { type: 'sendDocument', channel: 'sms', to: 'address', address: '+34600000000', message: 'Your quote: {{ link }}' },
    { type: 'sendDocument', channel: 'email', to: 'address', address: '{{ contact.emails[0] }}', subject: 'Your quote', message: 'Hello' },
  ],
};

describe('builder form ↔ definition', () => {
  it('has an example of every trigger type and every action type', () => {
    // Prepare / Act / Assess: the fixture tables cover the schema's lists, so a new type cannot go untested.
    expect(Object.keys(triggers).sort()).toEqual([...triggerTypes].sort());
    expect(Object.keys(actions).sort()).toEqual([...actionTypes].sort());
  });

  const triggerCases = Object.values(triggers).flat();
  it.each(triggerCases.map((trigger) => [JSON.stringify(trigger), trigger] as const))('round-trips the trigger %s', (_, trigger) => {
    const definition = definitionWith({ trigger });
    expect(AutomationDefinition.safeParse(definition).success).toBe(true);

    const back = toDefinition(toForm(definition));

    expect(back).toEqual(definition);
  });

  const dealActions = Object.values(actions).flat();
  it.each(dealActions.map((action) => [JSON.stringify(action), action] as const))('round-trips the action %s', (_, action) => {
    // sendDocument sends the run's document: one made by a createDocument step before it.
    const steps = action.type === 'sendDocument' ? [{ type: 'createDocument' as const, templateId: 'quote' }, action] : [action];
    const definition = definitionWith({ trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' }, actions: steps });
    expect(AutomationDefinition.safeParse(definition).success).toBe(true);

    const back = toDefinition(toForm(definition));

    expect(back).toEqual(definition);
  });

  it('round-trips conditions with a nested group and typed values, the delay and the run options', () => {
    const definition = definitionWith({
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      conditions: {
        all: [
          { field: 'amount', op: 'gte', value: 1000 },
          { field: 'currency', op: 'in', value: ['EUR', 'USD'] },
          { field: 'fields.vip', op: 'eq', value: true },
          { field: 'closeDate', op: 'exists' },
          { field: 'companyId', op: 'exists', value: false },
          { field: 'responsibleId', op: 'ne', value: null },
          { any: [{ field: 'title', op: 'contains', value: 'roof' }, { field: 'amount', op: 'changed' }] },
        ],
      },
      delay: { after: 'P6M' },
      recheck: true,
      onLeave: 'continue',
      finishPending: true,
      timeZone: 'Europe/Berlin',
      status: 'stopped',
    });
    expect(AutomationDefinition.safeParse(definition).success).toBe(true);

    expect(toDefinition(toForm(definition))).toEqual(definition);
  });

  it('round-trips branches nested three deep, with names, condition groups and every kind of step in their arms', () => {
    const definition = definitionWith({
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      actions: [
        { type: 'notify', to: 'responsible', message: 'Won' },
        {
          type: 'branch',
          name: 'big deal',
          if: { any: [{ field: 'amount', op: 'gte', value: 10000 }, { all: [{ field: 'fields.vip', op: 'eq', value: true }, { field: 'closeDate', op: 'exists' }] }] },
          then: [
            { type: 'assign', users: ['maria', 'admin'] },
            {
              type: 'branch',
              if: { all: [{ field: 'currency', op: 'in', value: ['EUR', 'USD'] }] },
              then: [],
              else: [
                { type: 'callWebhook', name: 'fx', url: 'https://example.org/fx', headers: { 'X-Source': 'stagecraft' } },
                { type: 'branch', name: 'still open', if: { all: [{ field: 'stageId', op: 'ne', value: 'new' }] }, then: [{ type: 'moveToStage', stageId: 'contract' }], else: [] },
              ],
            },
          ],
          else: [{ type: 'planActivity', subject: 'Call {{ deal.title }}', activityType: 'call', due: 'P1D' }],
        },
      ] as never,
    });
    const parsed = AutomationDefinition.safeParse(definition);
    expect(parsed.error?.issues ?? []).toEqual([]);

    expect(toDefinition(toForm(definition))).toEqual(definition);
  });

  it('sends a branch without conditions with an empty list, so the API names its conditions', () => {
    const form = toForm(definitionWith({}));
    form.actions = [{ ...blankAction('branch'), thenSteps: [blankAction('addToExceptions')] }];

    const definition = toDefinition(form);

    expect(definition.actions).toEqual([{ type: 'branch', if: { all: [] }, then: [{ type: 'addToExceptions' }], else: [] }]);
    expect(AutomationDefinition.safeParse(definition).error?.issues.map((issue) => issue.path.join('.'))).toEqual(['actions.0.if.all']);
  });

  it('keeps a step of a type this console does not know as its JSON', () => {
    const step = { type: 'sendFax', to: '+34600000000' };
    const form = toForm(definitionWith({ actions: [step] as never }));

    const definition = toDefinition(form);

    expect(form.actions[0]?.raw).toBe(JSON.stringify(step, null, 2));
    expect(definition.actions).toEqual([step]);
  });

  it('round-trips a branch and the options the builder has no inputs for', () => {
    const definition = definitionWith({
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        { type: 'branch', if: { all: [{ field: 'amount', op: 'gte', value: 1000 }] }, then: [{ type: 'notify', to: 'responsible', message: 'Big' }], else: [] },
      ] as never,
      delay: { after: 'PT4H', workingTime: true } as never,
      allowMembers: true,
    } as never);
    const parsed = AutomationDefinition.safeParse(definition);
    expect(parsed.error?.issues ?? []).toEqual([]);

    expect(toDefinition(toForm(definition))).toEqual(definition);
  });

  it('round-trips a delay until a date field with offset and time of day', () => {
    const definition = definitionWith({ delay: { until: { field: 'closeDate', offset: '-P3D', at: '07:00' } } });
    expect(AutomationDefinition.safeParse(definition).success).toBe(true);

    expect(toDefinition(toForm(definition))).toEqual(definition);
  });

  it('sends only what the chosen types read, after switching types in the form', () => {
    const form = blankForm();
    form.name = 'Switched';
    form.trigger = { ...form.trigger, type: 'stageEntered', pipelineId: 'sales', stageId: 'won', field: 'closeDate', offset: 'P1D' };
    form.trigger.type = 'documentSigned';
    form.trigger.party = 'recipient';
    form.delay = { kind: 'none', after: 'P6M', untilField: 'closeDate', untilOffset: '', untilAt: '' };
    form.actions = [{ ...blankAction('sendEmail'), title: 'left over', emailTo: 'contact', address: 'typed@example.com', subject: 'S', body: 'B' }];

    const definition = toDefinition(form);

    // A document trigger reads the pipeline too (deals of that pipeline), not the stage nor the date field.
    expect(definition.trigger).toEqual({ type: 'documentSigned', party: 'recipient', pipelineId: 'sales' });
    expect(definition.delay).toBeUndefined();
    expect(definition.actions).toEqual([{ type: 'sendEmail', to: 'contact', subject: 'S', body: 'B' }]);
    expect(AutomationDefinition.safeParse(definition).success).toBe(true);
  });

  it('leaves out the delay of a dateReached trigger, which waits for its own date', () => {
    const form = toForm(definitionWith({ delay: { after: 'P1D' } }));
    form.trigger = { ...form.trigger, type: 'dateReached', field: 'closeDate' };

    const definition = toDefinition(form);

    expect(definition.delay).toBeUndefined();
    expect(AutomationDefinition.safeParse(definition).success).toBe(true);
  });

  it('keeps a number that does not parse as typed, so the API names the field', () => {
    const form = toForm(definitionWith({}));
    form.conditions.rows = [{ kind: 'condition', field: 'amount', op: 'gt', value: 'lots', valueKind: 'number' }];

    const definition = toDefinition(form);

    expect(definition.conditions).toEqual({ all: [{ field: 'amount', op: 'gt', value: 'lots' }] });
    expect(AutomationDefinition.safeParse(definition).success).toBe(false);
  });

  it('clears removed optional parts in a PATCH body', () => {
    const form = toForm(definitionWith({ delay: { after: 'P1D' }, conditions: { all: [{ field: 'amount', op: 'exists' }] } }));
    form.delay.kind = 'none';
    form.conditions.rows = [];

    const patch = toPatch(form);

    expect(patch).toMatchObject({ delay: null, conditions: null, onLeave: null, name: 'Under test' });
  });
});
