// Checks at save for the paperwork steps: sendDocument needs a document to send, the trigger's or
// one an earlier createDocument step made. (Which `document.*` and `template.*` variables exist is
// checked with every other template variable, in save-checks.ts.)
import type { FieldIssue } from '#shared/errors.ts';

const documentTriggers = new Set(['documentSigned', 'documentViewed', 'documentCreated']);

type Issue = Omit<FieldIssue, 'path'> & { path: Array<string | number> };

/** Reads only the trigger's and the steps' types, so it takes any definition (and imports none: definition.ts calls it). */
export function documentIssues(definition: { trigger: { type: string }; actions: Array<{ action: { type: string }; path: Array<string | number> }> }): Issue[] {
  const issues: Issue[] = [];
  const onDocument = documentTriggers.has(definition.trigger.type);
  // In run order across branches: a createDocument anywhere earlier may have made the run's document.
  const { actions } = definition;
  actions.forEach(({ action, path }, index) => {
    if (action.type === 'sendDocument' && !onDocument && !actions.slice(0, index).some(({ action: earlier }) => earlier.type === 'createDocument'))
      issues.push({ path: [...path, 'type'], message: 'sendDocument sends the run’s document: use a document trigger or a createDocument step before it' });
  });
  return issues;
}
