// Automation test data with sensible defaults; a test names only what it cares about.
import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import { loadTemplateChecks } from '#shared/automation/template-checks.ts';
import { type AutomationDefinition, type AutomationDefinitionInput, parseAutomationDefinition } from '#shared/automation/definition.ts';
import type { AutomationToCompile } from '#shared/automation/compile-asl.ts';
import type { CrmEventDetail, RunInput } from '#shared/automation/run-steps.ts';
import { demoPipelines as seededPipelines } from '#infra/local/seed.ts';
import { Pipeline } from '#shared/domain/entities.ts';

// Waits, date conditions and due dates count in luxon, loaded on first use (date-arithmetic.ts); run-action loads it per Task.
await loadDateArithmetic();

// The definition schema's Liquid checks load on first use (template-checks.ts); the API's save loads them first.
await loadTemplateChecks();

/** One valid input of each action type, as an admin would write it. */
export const actionExamples = {
  createLead: { type: 'createLead', title: 'Renewal: {{ deal.title }}', responsible: '{{ deal.responsibleId }}' },
  copyDeal: { type: 'copyDeal', pipelineId: 'installation', stageId: 'new' },
  planActivity: { type: 'planActivity', subject: 'Call {{ contact.name }}', activityType: 'call', due: 'P2D', autoComplete: true },
  addToExceptions: { type: 'addToExceptions', deleteEntity: true },
  sendEmail: { type: 'sendEmail', to: 'contact', subject: 'Thank you', body: 'Dear {{ contact.name }}, thank you.' },
  notify: { type: 'notify', to: 'responsible', message: '{{ deal.title }} is won' },
  updateFields: { type: 'updateFields', set: { 'fields.source_note': 'won on {{ now | date: "%Y-%m-%d" }}' } },
  moveToStage: { type: 'moveToStage', stageId: 'invoice' },
} as const;

/** One valid trigger of each type (for a deal, where the trigger names an entity). */
export const triggerExamples = {
  created: { type: 'created', entity: 'deal' },
  updated: { type: 'updated', entity: 'deal', fields: ['amount', 'fields.segment'] },
  deleted: { type: 'deleted', entity: 'deal' },
  stageEntered: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
  dateReached: { type: 'dateReached', entity: 'deal', field: 'closeDate', offset: '-P3D' },
  documentSigned: { type: 'documentSigned', party: 'all', templateId: 'contract' },
  documentViewed: { type: 'documentViewed', templateId: 'offer' },
  documentCreated: { type: 'documentCreated' },
  manual: { type: 'manual', entity: 'deal' },
} as const;

/** The docs/ARCHITECTURE.md §6 example, with a second action. */
export function aDefinitionInput(overrides: Record<string, unknown> = {}): AutomationDefinitionInput {
  return {
    name: 'Renewal reminder',
    status: 'active',
    trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
    conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] },
    actions: [actionExamples.createLead],
    ...overrides,
  } as AutomationDefinitionInput;
}

export function aDefinition(overrides: Record<string, unknown> = {}): AutomationDefinition {
  return parseAutomationDefinition(aDefinitionInput(overrides));
}

export const anAutomation = (overrides: Record<string, unknown> = {}, id = 'renewal-1') => ({ id, definition: aDefinition(overrides) });

/** The demo workspace's pipelines (docs/ARCHITECTURE.md §9), as local mode seeds them. */
export const demoPipelines: Pipeline[] = seededPipelines.map((pipeline) => Pipeline.parse(structuredClone(pipeline)));

let sequence = 0;

export function anEvent(overrides: Partial<CrmEventDetail> = {}): CrmEventDetail {
  sequence += 1;
  return {
    eventId: `event-${sequence}`,
    entityType: 'deal',
    entityId: `deal-${sequence}`,
    occurredAt: '2026-03-10T12:00:00.000Z',
    actor: { kind: 'user', id: 'admin' },
    cause: { automationId: 'none', depth: 0 },
    before: { title: 'Boiler', pipelineId: 'sales', stageId: 'invoice', amount: 1500 },
    after: { title: 'Boiler', pipelineId: 'sales', stageId: 'won', amount: 1500, closeDate: '2026-06-30' },
    changedFields: ['stageId'],
    ...overrides,
  };
}

/** An execution input as EventBridge delivers a CRM event. */
export function anEventInput(detail: CrmEventDetail = anEvent(), detailType = 'Deal Stage Changed'): RunInput {
  return {
    version: '0',
    id: `eb-${detail.eventId}`,
    'detail-type': detailType,
    source: 'stagecraft.crm',
    time: detail.occurredAt,
    detail,
  };
}

/** Every trigger, delay, action and condition shape, each in an automation of its own. */
export const catalogue: Array<[string, AutomationToCompile]> = [
  ...Object.entries(triggerExamples).map(
    ([type, trigger]) => [`a ${type} trigger`, anAutomation({ trigger, conditions: undefined })] as [string, AutomationToCompile],
  ),
  ...Object.entries(actionExamples).map(
    ([type, action]) => [`a ${type} action`, anAutomation({ actions: [action] })] as [string, AutomationToCompile],
  ),
  ['every action at once', anAutomation({ actions: Object.values(actionExamples) })],
  ['twenty actions', anAutomation({ actions: Array.from({ length: 20 }, () => actionExamples.notify) })],
  ['a six-month delay', anAutomation({ delay: { after: 'P6M' }, recheck: true })],
  ['a two-year delay', anAutomation({ delay: { after: 'P2Y' } })],
  ['a delay until a date field', anAutomation({ delay: { until: { field: 'closeDate', offset: '-P3D' } } })],
  ['nested conditions', anAutomation({ conditions: { any: [{ field: 'amount', op: 'changed' }, { all: [{ field: 'title', op: 'contains', value: 'x' }] }] } })],
  ['a version', { ...anAutomation(), version: 7 }],
];

/** An event any automation of the catalogue acts on: its record changed amount, close date and a custom field. */
export function anEventFor(automation: AutomationToCompile): RunInput {
  const { trigger } = automation.definition;
  const entityType = 'entity' in trigger ? trigger.entity : 'document';
  return anEventInput(
    anEvent({
      entityType,
      occurredAt: new Date().toISOString(),
      before: { title: 'Boiler', pipelineId: 'sales', stageId: 'invoice', amount: 1000, closeDate: '2026-06-01', fields: { segment: 'smb' } },
      after: {
        title: 'Boiler',
        pipelineId: 'sales',
        stageId: 'won',
        amount: 1500,
        closeDate: '2026-06-30',
        fields: { segment: 'mid' },
        entityType: 'deal',
        entityId: 'deal-owner',
        // A document trigger limited to a template acts on that template's documents only.
        templateId: 'templateId' in trigger && trigger.templateId !== undefined ? trigger.templateId : 'contract',
      },
    }),
  );
}
