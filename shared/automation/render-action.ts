// An action with its templates filled in: what run-action performs and what a dry run shows. Apart from
// templates.ts (the Liquid engine), which definition.ts uses to check templates when an automation is saved.
import type { Action } from './definition.ts';
import { renderTemplate } from './templates.ts';

type TemplateKey<A> = { [K in keyof A]-?: A[K] extends string | undefined ? K : never }[keyof A];
type TemplateKeys = { [T in Action['type']]: ReadonlyArray<TemplateKey<Extract<Action, { type: T }>>> };

/** Which fields of each action are templates; the schema checks the same fields with templateProblem. */
export const templateKeys: TemplateKeys = {
  createLead: ['title', 'responsible'],
  copyDeal: ['title', 'responsible'],
  planActivity: ['subject', 'due', 'responsible'],
  addToExceptions: [],
  sendEmail: ['address', 'subject', 'body'],
  notify: ['userId', 'message'],
  updateFields: [],
  moveToStage: [],
  assign: [],
  callWebhook: ['url', 'body'],
  createDocument: ['title'],
  sendDocument: ['address', 'subject', 'message'],
};

/** The action with every template filled in: what run-action performs and what a dry run shows. */
export function renderAction<A extends Action>(action: A, context: Record<string, unknown>, options: { timeZone: string }): A {
  const rendered: Record<string, unknown> = { ...action };
  for (const key of templateKeys[action.type] as readonly string[]) {
    const source = rendered[key];
    if (typeof source === 'string') rendered[key] = renderTemplate(source, context, options);
  }
  if (action.type === 'callWebhook' && action.headers) {
    rendered.headers = Object.fromEntries(
      Object.entries(action.headers).map(([name, source]) => [name, renderTemplate(source, context, options)]),
    );
  }
  if (action.type === 'updateFields') {
    rendered.set = Object.fromEntries(
      Object.entries(action.set).map(([field, source]) => [field, renderTemplate(source, context, options)]),
    );
  }
  return rendered as A;
}
