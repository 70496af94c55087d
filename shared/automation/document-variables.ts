// Checks at save for the paperwork steps: sendDocument needs a document to send, the trigger's or
// one an earlier createDocument step made. (Which `document.*` and `template.*` variables exist is
// checked with every other template variable, in save-checks.ts.)
import type { FieldIssue } from '#shared/errors.ts';
import type { Action, Trigger } from './definition.ts';

const documentTriggers = new Set(['documentSigned', 'documentViewed', 'documentCreated']);

type Issue = Omit<FieldIssue, 'path'> & { path: Array<string | number> };

export function documentIssues(definition: { trigger: Trigger; actions: Action[] }): Issue[] {
  const issues: Issue[] = [];
  const onDocument = documentTriggers.has(definition.trigger.type);
  definition.actions.forEach((action, index) => {
    if (action.type === 'sendDocument' && !onDocument && !definition.actions.slice(0, index).some((earlier) => earlier.type === 'createDocument'))
      issues.push({ path: ['actions', index, 'type'], message: 'sendDocument sends the run’s document: use a document trigger or a createDocument step before it' });
  });
  return issues;
}
