// What an automation does, in the words the list and the builder show: "When a deal enters Won in Sales",
// "after 6 months", "3 days before closeDate". Names come from the workspace's pipelines when known.
import type { AutomationDefinitionInput, Trigger } from '#shared/automation/definition.ts';
import { describeDuration, isNegativeDuration, isZeroDuration } from '#shared/automation/durations.ts';
import { actionLabels } from '#shared/automation/state-names.ts';

export interface PipelineNames {
  id: string;
  name: string;
  stages: Array<{ id: string; name: string }>;
}

const leadStageNames: Record<string, string> = { new: 'New', in_progress: 'In progress', converted: 'Converted', junk: 'Junk' };

const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

/** "3 days before closeDate", "closeDate", "2 hours after dueAt". */
export function offsetInWords(field: string, offset: string | undefined): string {
  if (!offset || isZeroDuration(offset)) return field;
  return `${describeDuration(offset.replace(/^-/, ''))} ${isNegativeDuration(offset) ? 'before' : 'after'} ${field}`;
}

function stageInWords(trigger: Extract<Trigger, { type: 'stageEntered' }>, pipelines: readonly PipelineNames[]): string {
  if (!trigger.stageId) return 'a stage';
  if (trigger.entity === 'lead') return leadStageNames[trigger.stageId] ?? trigger.stageId;
  const candidates = trigger.pipelineId ? pipelines.filter((pipeline) => pipeline.id === trigger.pipelineId) : pipelines;
  const pipeline = candidates.find((candidate) => candidate.stages.some((stage) => stage.id === trigger.stageId));
  const stage = pipeline?.stages.find((candidate) => candidate.id === trigger.stageId)?.name ?? trigger.stageId;
  if (!trigger.pipelineId) return `${stage} in any pipeline`;
  const pipelineName = pipelines.find((candidate) => candidate.id === trigger.pipelineId)?.name ?? trigger.pipelineId;
  return `${stage} in ${pipelineName}`;
}

const partyWords = { sender: 'the sender', recipient: 'the recipient', all: 'every party' } as const;

/** "When a deal enters Won in Sales". */
export function triggerInWords(trigger: Trigger, pipelines: readonly PipelineNames[] = []): string {
  const template = 'templateId' in trigger && trigger.templateId ? ` from template ${trigger.templateId}` : '';
  switch (trigger.type) {
    case 'created':
      return `When ${article(trigger.entity)} is created`;
    case 'updated':
      return trigger.fields && trigger.fields.length > 0
        ? `When ${article(trigger.entity)}'s ${trigger.fields.join(', ')} changes`
        : `When ${article(trigger.entity)} is updated`;
    case 'deleted':
      return `When ${article(trigger.entity)} is deleted`;
    case 'stageEntered':
      return `When ${article(trigger.entity)} enters ${stageInWords(trigger, pipelines)}`;
    case 'dateReached':
      return `On ${offsetInWords(`the ${trigger.entity}'s ${trigger.field}`, trigger.offset)}${trigger.at ? ` at ${trigger.at}` : ''}`;
    case 'documentSigned':
      return `When a document${template} is signed by ${partyWords[trigger.party]}`;
    case 'documentViewed':
      return `When a document${template} is viewed`;
    case 'documentCreated':
      return `When a document${template} is created`;
    case 'manual':
      return `When someone runs it on ${article(trigger.entity)}`;
  }
}

/** "after 6 months", "until 3 days before closeDate", or "at once". */
export function delayInWords(definition: Pick<AutomationDefinitionInput, 'delay' | 'trigger'>): string {
  const { delay } = definition;
  if (delay?.after) return `after ${describeDuration(delay.after)}`;
  if (delay?.until) return `until ${offsetInWords(delay.until.field, delay.until.offset)}${delay.until.at ? ` at ${delay.until.at}` : ''}`;
  return 'at once';
}

/** "Create lead, Send e-mail"; a branch reads "Branch". */
export function actionsInWords(actions: ReadonlyArray<unknown>): string {
  const labels = actionLabels as Record<string, string>;
  return actions
    .map((action) => String((action as { type?: unknown }).type ?? '?'))
    .map((type) => labels[type] ?? (type === 'branch' ? 'Branch' : type))
    .join(', ');
}
