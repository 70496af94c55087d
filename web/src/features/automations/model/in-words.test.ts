import { describe, expect, it } from 'vitest';
import { actionsInWords, delayInWords, triggerInWords } from './in-words.ts';

const pipelines = [
  { id: 'sales', name: 'Sales', stages: [{ id: 'won', name: 'Won' }, { id: 'new', name: 'New' }] },
  { id: 'installation', name: 'Installation', stages: [{ id: 'new', name: 'New' }] },
];

describe('an automation in words', () => {
  it('names the stage and pipeline a deal enters', () => {
    expect(triggerInWords({ type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' }, pipelines)).toBe(
      'When a deal enters Won in Sales',
    );
  });

  it('falls back to ids when the workspace does not know them', () => {
    expect(triggerInWords({ type: 'stageEntered', entity: 'deal', pipelineId: 'gone', stageId: 'won' }, pipelines)).toBe('When a deal enters won in gone');
  });

  it('says "in any pipeline" for a stage trigger without pipeline', () => {
    expect(triggerInWords({ type: 'stageEntered', entity: 'deal', stageId: 'won' }, pipelines)).toBe('When a deal enters Won in any pipeline');
  });

  it('words every other trigger', () => {
    expect(triggerInWords({ type: 'created', entity: 'activity' })).toBe('When an activity is created');
    expect(triggerInWords({ type: 'updated', entity: 'deal', fields: ['amount'] })).toBe("When a deal's amount changes");
    expect(triggerInWords({ type: 'deleted', entity: 'contact' })).toBe('When a contact is deleted');
    expect(triggerInWords({ type: 'stageEntered', entity: 'lead', stageId: 'in_progress' })).toBe('When a lead enters In progress');
    expect(triggerInWords({ type: 'dateReached', entity: 'deal', field: 'closeDate', offset: '-P3D', at: '08:00' })).toBe(
      "On 3 days before the deal's closeDate at 08:00",
    );
    expect(triggerInWords({ type: 'documentSigned', party: 'all' })).toBe('When a document is signed by every party');
    expect(triggerInWords({ type: 'documentViewed', templateId: 'offer' })).toBe('When a document from template offer is viewed');
    expect(triggerInWords({ type: 'documentCreated' })).toBe('When a document is created');
    expect(triggerInWords({ type: 'manual', entity: 'deal' })).toBe('When someone runs it on a deal');
  });

  it('words the delay', () => {
    const trigger = { type: 'created', entity: 'deal' } as const;
    expect(delayInWords({ trigger, delay: { after: 'P6M' } })).toBe('after 6 months');
    expect(delayInWords({ trigger, delay: { after: 'P1Y2M' } })).toBe('after 1 year 2 months');
    expect(delayInWords({ trigger, delay: { until: { field: 'closeDate', offset: 'P2D' } } })).toBe('until 2 days after closeDate');
    expect(delayInWords({ trigger })).toBe('at once');
  });

  it('lists the actions by their labels', () => {
    expect(actionsInWords([{ type: 'createLead' }, { type: 'sendEmail' }])).toBe('Create lead, Send e-mail');
  });
});
