// An action with its templates filled in: what run-action performs and what a dry run shows. Apart from
// templates.ts (the Liquid engine, which definition.ts uses to check templates when an automation is saved): it is
// imported here only when an action has a template to fill, so a run-action that plans a wait, checks conditions
// or runs an action without templates never loads liquidjs (docs/ARCHITECTURE.md §12).
import { loadedOnFirstUse } from '#shared/lazy-module.ts';
import type { Action } from './definition.ts';

// Once, not per action: an `import()` goes through the module loader's resolution on every call.
const loadTemplates = loadedOnFirstUse(() => import('./templates.ts'));

type TemplateKey<A> = { [K in keyof A]-?: A[K] extends string | undefined ? K : never }[keyof A];
type TemplateKeys = { [T in Action['type']]: ReadonlyArray<TemplateKey<Extract<Action, { type: T }>>> };

/** Which fields of each action are templates; the schema checks the same fields with templateProblem. */
export const templateKeys: TemplateKeys = {
  createLead: ['title', 'responsible'],
  copyDeal: ['title', 'responsible'],
  planActivity: ['subject', 'due', 'responsible'],
  addToExceptions: [],
  sendEmail: ['address', 'subject', 'body', 'html'],
  notify: ['userId', 'message'],
  updateFields: [],
  moveToStage: [],
  assign: [],
  callWebhook: ['url', 'body'],
  createDocument: ['title'],
  sendDocument: ['address', 'subject', 'message'],
};

/** The action with every template filled in: what run-action performs and what a dry run shows. */
export async function renderAction<A extends Action>(action: A, context: Record<string, unknown>, options: { timeZone: string }): Promise<A> {
  const keys = (templateKeys[action.type] as readonly string[]).filter((key) => typeof (action as Record<string, unknown>)[key] === 'string');
  const headers = action.type === 'callWebhook' ? action.headers : undefined;
  if (keys.length === 0 && !headers && action.type !== 'updateFields') return action;
  const { renderTemplate } = await loadTemplates();
  const render = (source: string, html = false) => renderTemplate(source, context, { ...options, html });
  const each = (sources: Record<string, string>) => Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, render(source)]));
  const rendered: Record<string, unknown> = { ...action };
  // A mail's `html` is the one HTML template: its values are escaped as they are written in.
  for (const key of keys) rendered[key] = render(rendered[key] as string, key === 'html' && action.type === 'sendEmail');
  if (headers) rendered.headers = each(headers);
  if (action.type === 'updateFields') rendered.set = each(action.set);
  return rendered as A;
}
