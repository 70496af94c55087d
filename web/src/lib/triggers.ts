// A trigger type as the console names it: in the builder's picker and in the run log's Trigger column.
import type { TriggerType } from '#shared/automation/definition.ts';

export const triggerLabels: Record<TriggerType, string> = {
  stageEntered: 'Enters a stage',
  created: 'Is created',
  updated: 'Is updated',
  deleted: 'Is deleted',
  dateReached: 'A date is reached',
  documentSigned: 'A document is signed',
  documentViewed: 'A document is viewed',
  documentCreated: 'A document is created',
  manual: 'Run by hand ("Run now")',
};

/** A trigger type's name, or the type itself for one this console does not know. */
export const triggerLabel = (type: string): string => (triggerLabels as Record<string, string>)[type] ?? type;
