// The automation definition schema: what it accepts, its defaults, and a field path for every refusal.
import { describe, expect, it } from 'vitest';
import {
  AutomationDefinition,
  onLeaveOf,
  parseAutomationDefinition,
  subjectOf,
  validateAgainstWorkspace,
  waitOf,
  workspaceIssues,
} from '#shared/automation/definition.ts';
import { ValidationFailed } from '#shared/errors.ts';
import { aDefinition, aDefinitionInput, actionExamples, demoPipelines, triggerExamples } from './factories.ts';

/** The field paths a refusal names. */
function refusedPaths(input: unknown): string[] {
  try {
    parseAutomationDefinition(input);
  } catch (error) {
    if (error instanceof ValidationFailed) return (error.details as Array<{ path: string }>).map((issue) => issue.path);
    throw error;
  }
  return [];
}

const withAction = (action: unknown, before: unknown[] = []) => aDefinitionInput({ actions: [...before, action] });

describe('accepted definitions', () => {
  it('accepts the DESIGN example', () => {
    // Prepare
    const input = {
      name: 'Renewal reminder',
      status: 'active',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] },
      delay: { after: 'P6M' },
      recheck: true,
      actions: [{ type: 'createLead', title: 'Renewal: {{ deal.title }}', responsible: '{{ deal.responsibleId }}' }],
    };

    // Act
    const definition = parseAutomationDefinition(input);

    // Assess
    expect(definition).toMatchObject({ delay: { after: 'P6M' }, recheck: true, actions: [{ type: 'createLead' }] });
  });

  it.each(Object.entries(triggerExamples))('accepts a %s trigger', (_type, trigger) => {
    // Prepare
    const input = aDefinitionInput({ trigger, actions: [actionExamples.createLead], conditions: undefined });

    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toEqual([]);
  });

  it.each(Object.entries(actionExamples))('accepts a %s action', (_type, action) => {
    // Prepare
    const input = withAction(action);

    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toEqual([]);
  });

  it('fills the defaults: active, UTC, no recheck, pending runs cancelled with the automation', () => {
    // Prepare
    const input = { name: 'Thanks', trigger: triggerExamples.created, actions: [actionExamples.sendEmail] };

    // Act
    const definition = parseAutomationDefinition(input);

    // Assess
    expect(definition).toMatchObject({ status: 'active', timeZone: 'UTC', recheck: false, finishPending: false });
  });

  it('accepts one level of nested condition groups', () => {
    // Prepare
    const conditions = {
      all: [
        { field: 'amount', op: 'gt', value: 0 },
        { any: [{ field: 'currency', op: 'eq', value: 'EUR' }, { field: 'fields.segment', op: 'in', value: ['smb', 'mid'] }] },
      ],
    };

    // Act
    const paths = refusedPaths(aDefinitionInput({ conditions }));

    // Assess
    expect(paths).toEqual([]);
  });

  it.each([
    ['after', { after: 'P1Y2M10DT2H30M' }],
    ['until with a backward offset', { until: { field: 'closeDate', offset: '-P3D', at: '08:30' } }],
    ['until a custom field', { until: { field: 'fields.renewal_date' } }],
  ])('accepts a delay %s', (_case, delay) => {
    // Prepare
    const input = aDefinitionInput({ delay });

    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toEqual([]);
  });
});

describe('refused definitions name the field', () => {
  it.each<[string, unknown, string]>([
    ['no name', aDefinitionInput({ name: '  ' }), 'name'],
    ['an unknown status', aDefinitionInput({ status: 'paused' }), 'status'],
    ['an unknown trigger type', aDefinitionInput({ trigger: { type: 'stageLeft', entity: 'deal' } }), 'trigger.type'],
    ['a trigger on users', aDefinitionInput({ trigger: { type: 'created', entity: 'user' } }), 'trigger.entity'],
    ['stageEntered on a contact', aDefinitionInput({ trigger: { type: 'stageEntered', entity: 'contact', stageId: 'won' } }), 'trigger.entity'],
    ['a lead stage that does not exist', aDefinitionInput({ trigger: { type: 'stageEntered', entity: 'lead', stageId: 'won' } }), 'trigger.stageId'],
    [
      'a pipeline on a lead trigger',
      aDefinitionInput({ trigger: { type: 'stageEntered', entity: 'lead', pipelineId: 'sales', stageId: 'new' } }),
      'trigger.pipelineId',
    ],
    ['an updated field that is no field path', aDefinitionInput({ trigger: { type: 'updated', entity: 'deal', fields: ['a.b.c'] } }), 'trigger.fields.0'],
    ['a dateReached offset that is no duration', aDefinitionInput({ trigger: { ...triggerExamples.dateReached, offset: '3 days' } }), 'trigger.offset'],
    ['a dateReached time of day out of range', aDefinitionInput({ trigger: { ...triggerExamples.dateReached, at: '25:00' } }), 'trigger.at'],
    ['an unknown signing party', aDefinitionInput({ trigger: { type: 'documentSigned', party: 'witness' } }), 'trigger.party'],
    ['a dateReached trigger with a delay', aDefinitionInput({ trigger: triggerExamples.dateReached, delay: { after: 'P1D' } }), 'delay'],
    ['an unknown key', aDefinitionInput({ retries: 3 }), 'retries'],
  ])('refuses %s', (_case, input, path) => {
    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toContain(path);
  });

  it.each<[string, unknown, string]>([
    ['an unknown op', { all: [{ field: 'amount', op: 'between', value: 1 }] }, 'conditions.all.0.op'],
    ['eq without a value', { all: [{ field: 'amount', op: 'eq' }] }, 'conditions.all.0.value'],
    ['eq with a list', { all: [{ field: 'amount', op: 'eq', value: [1, 2] }] }, 'conditions.all.0.value'],
    ['gt with a word', { all: [{ field: 'amount', op: 'gt', value: 'big' }] }, 'conditions.all.0.value'],
    ['in with one value', { all: [{ field: 'stageId', op: 'in', value: 'won' }] }, 'conditions.all.0.value'],
    ['changed with a value', { all: [{ field: 'stageId', op: 'changed', value: 'won' }] }, 'conditions.all.0.value'],
    ['exists with a text', { all: [{ field: 'closeDate', op: 'exists', value: 'yes' }] }, 'conditions.all.0.value'],
    ['a field path with "$"', { all: [{ field: 'fields.a$', op: 'exists' }] }, 'conditions.all.0.field'],
    ['a group with both all and any', { all: [{ field: 'a', op: 'exists' }], any: [{ field: 'b', op: 'exists' }] }, 'conditions'],
    ['an empty group', { all: [] }, 'conditions.all'],
    ['a bad condition in a nested group', { any: [{ all: [{ field: 'amount', op: 'lt' }] }] }, 'conditions.any.0.all.0.value'],
    ['nesting deeper than one level', { all: [{ any: [{ all: [{ field: 'a', op: 'exists' }] }] }] }, 'conditions.all.0.any.0.field'],
  ])('refuses conditions with %s', (_case, conditions, path) => {
    // Act
    const paths = refusedPaths(aDefinitionInput({ conditions }));

    // Assess
    expect(paths).toContain(path);
  });

  it.each<[string, unknown, string]>([
    ['after that is no ISO-8601 duration', { after: '6 months' }, 'delay.after'],
    ['after with a fraction', { after: 'P1.5M' }, 'delay.after'],
    ['after in lower case', { after: 'p6m' }, 'delay.after'],
    ['a negative after', { after: '-P3D' }, 'delay.after'],
    ['a zero after', { after: 'PT0S' }, 'delay.after'],
    ['after beyond ten years', { after: 'P11Y' }, 'delay.after'],
    ['both after and until', { after: 'P1D', until: { field: 'closeDate' } }, 'delay'],
    ['neither after nor until', {}, 'delay'],
    ['until with a bad offset', { until: { field: 'closeDate', offset: 'P3X' } }, 'delay.until.offset'],
    ['until with a bad field', { until: { field: '1st date' } }, 'delay.until.field'],
  ])('refuses a delay with %s', (_case, delay, path) => {
    // Act
    const paths = refusedPaths(aDefinitionInput({ delay }));

    // Assess
    expect(paths).toContain(path);
  });

  it.each<[string, unknown, string]>([
    ['an unknown action type', { type: 'sendSms', to: 'contact' }, 'actions.2.type'],
    ['a template that does not parse', { type: 'createLead', title: 'Renewal: {{ deal.title ' }, 'actions.2.title'],
    ['an unknown Liquid filter', { type: 'notify', to: 'responsible', message: '{{ deal.title | shout }}' }, 'actions.2.message'],
    ['a file-reading tag', { type: 'sendEmail', to: 'contact', subject: 'x', body: "{% include '/etc/passwd' %}" }, 'actions.2.body'],
    ['an e-mail to an address without one', { type: 'sendEmail', to: 'address', subject: 'x', body: 'y' }, 'actions.2.address'],
    ['an address for the contact', { type: 'sendEmail', to: 'contact', address: 'a@b.c', subject: 'x', body: 'y' }, 'actions.2.address'],
    ['a notification to a user without the id', { type: 'notify', to: 'userId', message: 'x' }, 'actions.2.userId'],
    ['an activity due in no duration', { ...actionExamples.planActivity, due: 'P2X' }, 'actions.2.due'],
    ['an activity due in the past', { ...actionExamples.planActivity, due: '-P2D' }, 'actions.2.due'],
    ['an unknown activity type', { ...actionExamples.planActivity, activityType: 'visit' }, 'actions.2.activityType'],
    ['updating the stage', { type: 'updateFields', set: { stageId: 'won' } }, 'actions.2.set.stageId'],
    ['updating a system field', { type: 'updateFields', set: { version: '1' } }, 'actions.2.set.version'],
    ['updating nothing', { type: 'updateFields', set: {} }, 'actions.2.set'],
    ['a bad template among the fields', { type: 'updateFields', set: { title: '{% if %}' } }, 'actions.2.set.title'],
    ['an unknown key on an action', { ...actionExamples.createLead, priority: 'high' }, 'actions.2.priority'],
  ])('refuses %s', (_case, action, path) => {
    // Prepare
    const input = withAction(action, [actionExamples.createLead, actionExamples.notify]);

    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toContain(path);
  });

  it.each([
    ['no action', []],
    ['more than twenty actions', Array.from({ length: 21 }, () => actionExamples.notify)],
  ])('refuses %s', (_case, actions) => {
    // Act
    const paths = refusedPaths(aDefinitionInput({ actions }));

    // Assess
    expect(paths).toContain('actions');
  });

  it('refuses a time zone that is not IANA', () => {
    // Act
    const paths = refusedPaths(aDefinitionInput({ timeZone: 'Mars/Olympus' }));

    // Assess
    expect(paths).toContain('timeZone');
  });

  it.each<[string, unknown, unknown, string]>([
    ['copying a deal on a contact trigger', { type: 'created', entity: 'contact' }, actionExamples.copyDeal, 'actions.0.type'],
    ['moving a company', { type: 'updated', entity: 'company' }, actionExamples.moveToStage, 'actions.0.type'],
    ['moving a deleted deal', triggerExamples.deleted, actionExamples.moveToStage, 'actions.0.type'],
    ['updating a deleted deal', triggerExamples.deleted, actionExamples.updateFields, 'actions.0.type'],
    ['planning an activity on an activity', { type: 'created', entity: 'activity' }, actionExamples.planActivity, 'actions.0.type'],
    ['moving a lead to a deal stage', { type: 'created', entity: 'lead' }, actionExamples.moveToStage, 'actions.0.stageId'],
  ])('refuses %s', (_case, trigger, action, path) => {
    // Prepare
    const input = aDefinitionInput({ trigger, conditions: undefined, actions: [action] });

    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toContain(path);
  });

  it('names every problem at once', () => {
    // Prepare
    const input = aDefinitionInput({ name: '', delay: { after: 'soon' }, actions: [{ type: 'createLead', title: '{{' }] });

    // Act
    const paths = refusedPaths(input);

    // Assess
    expect(paths).toEqual(expect.arrayContaining(['name', 'delay.after', 'actions.0.title']));
  });
});

describe('what a definition means', () => {
  it.each([
    ['stageEntered', triggerExamples.stageEntered, 'cancel'],
    ['created', triggerExamples.created, 'continue'],
  ])('a waiting %s run defaults to onLeave %s', (_type, trigger, onLeave) => {
    // Prepare
    const definition = aDefinition({ trigger, conditions: undefined });

    // Act
    const result = onLeaveOf(definition);

    // Assess
    expect(result).toBe(onLeave);
  });

  it('a dateReached trigger waits until its field and offset', () => {
    // Prepare
    const definition = aDefinition({ trigger: { ...triggerExamples.dateReached, at: '08:00' }, conditions: undefined });

    // Act
    const wait = waitOf(definition);

    // Assess
    expect(wait).toEqual({ until: { field: 'closeDate', offset: '-P3D', at: '08:00' } });
  });

  it.each([
    ['documentSigned', triggerExamples.documentSigned, 'documentOwner'],
    ['stageEntered', triggerExamples.stageEntered, 'deal'],
  ])('the subject of a %s run is the %s', (_type, trigger, subject) => {
    // Prepare
    const definition = aDefinition({ trigger, conditions: undefined });

    // Act
    const result = subjectOf(definition.trigger);

    // Assess
    expect(result).toBe(subject);
  });

  it('the schema generates a JSON Schema for /openapi.json', () => {
    // Act
    const schema = AutomationDefinition.toJSONSchema({ io: 'input', unrepresentable: 'any' });

    // Assess
    expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['name', 'trigger', 'actions']) });
  });
});

describe('validateAgainstWorkspace', () => {
  const workspace = { pipelines: demoPipelines };

  it('accepts pipelines and stages that exist', () => {
    // Prepare
    const definition = aDefinition({ actions: [actionExamples.copyDeal, actionExamples.moveToStage] });

    // Act
    const issues = workspaceIssues(definition, workspace);

    // Assess
    expect(issues).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown trigger pipeline', { trigger: { ...triggerExamples.stageEntered, pipelineId: 'rentals' } }, 'trigger.pipelineId'],
    ['a stage of another pipeline', { trigger: { ...triggerExamples.stageEntered, stageId: 'scheduled' } }, 'trigger.stageId'],
    ['a stage of no pipeline', { trigger: { type: 'stageEntered', entity: 'deal', stageId: 'paid' } }, 'trigger.stageId'],
    ['copying into an unknown pipeline', { actions: [{ ...actionExamples.copyDeal, pipelineId: 'rentals' }] }, 'actions.0.pipelineId'],
    ['copying into a stage of another pipeline', { actions: [{ ...actionExamples.copyDeal, stageId: 'won' }] }, 'actions.0.stageId'],
    ['moving to a stage outside the trigger pipeline', { actions: [actionExamples.createLead, { type: 'moveToStage', stageId: 'done' }] }, 'actions.1.stageId'],
    ['a condition on an unknown pipeline', { conditions: { all: [{ field: 'pipelineId', op: 'eq', value: 'rentals' }] } }, 'conditions.all.0.value'],
    ['a condition listing an unknown stage', { conditions: { any: [{ field: 'stageId', op: 'in', value: ['won', 'paid'] }] } }, 'conditions.any.0.value.1'],
  ])('refuses %s', (_case, overrides, path) => {
    // Prepare
    const definition = aDefinition(overrides);

    // Act
    const issues = workspaceIssues(definition, workspace);

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('throws ValidationFailed with the paths', () => {
    // Prepare
    const definition = aDefinition({ actions: [{ ...actionExamples.copyDeal, pipelineId: 'rentals' }] });

    // Act
    const act = () => validateAgainstWorkspace(definition, workspace);

    // Assess
    expect(act).toThrow(ValidationFailed);
  });
});
