// The checks saving runs beyond the schema (pure, given pipelines and users): which variables,
// fields and users each kind of run provides.
import { describe, expect, it } from 'vitest';
import { saveIssues } from '#shared/automation/save-checks.ts';
import { aDefinition, demoPipelines } from './factories.ts';

const workspace = { pipelines: demoPipelines, users: ['admin', 'butler'] };
const notify = (message: string) => ({ type: 'notify', to: 'responsible', message });
const pathsOf = (overrides: Record<string, unknown>) => saveIssues(aDefinition({ conditions: undefined, ...overrides }), workspace).map((issue) => issue.path);

describe('template variables by trigger', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a contact sees its company', { type: 'created', entity: 'contact' }, '{{ company.name }} {{ contact.name }}'],
    ['a deal sees its contact and company', { type: 'created', entity: 'deal' }, '{{ contact.name }} {{ company.name }} {{ deal.amount }}'],
    ['a document trigger sees the document and its owner', { type: 'documentSigned', party: 'all' }, '{{ document.title }} {{ deal.title }} {{ lead.title }}'],
    ['every run sees entity, event, automation, run and now', { type: 'created', entity: 'lead' }, '{{ entity.title }} {{ event.occurredAt }} {{ automation.name }} {{ run.id }} {{ now }}'],
    ['a list property such as size', { type: 'created', entity: 'contact' }, '{{ contact.emails.size }}'],
  ])('accepts: %s', (_case, trigger, message) => {
    expect(pathsOf({ trigger, actions: [notify(message)] })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a lead has no contact', { type: 'created', entity: 'lead' }, '{{ contact.name }}'],
    ['an activity has no deal', { type: 'created', entity: 'activity' }, '{{ deal.title }}'],
    ['now has no properties', { type: 'created', entity: 'deal' }, '{{ now.year }}'],
    ['the event has no record field at its top', { type: 'created', entity: 'deal' }, '{{ event.title }}'],
  ])('refuses: %s', (_case, trigger, message) => {
    expect(pathsOf({ trigger, actions: [notify(message)] })).toEqual(['actions.0.message']);
  });
});

describe('fields of a document owner', () => {
  it('refuses updateFields on a field one of the owner types lacks', () => {
    expect(pathsOf({ trigger: { type: 'documentSigned', party: 'all' }, actions: [{ type: 'updateFields', set: { title: 'x' } }] })).toEqual(['actions.0.set.title']);
  });

  it('accepts a custom field on any owner', () => {
    expect(pathsOf({ trigger: { type: 'documentSigned', party: 'all' }, actions: [{ type: 'updateFields', set: { 'fields.signed': 'yes' } }] })).toEqual([]);
  });
});

describe('conditions', () => {
  it('name each unknown field inside nested groups by its path', () => {
    const conditions = { all: [{ field: 'amount', op: 'gt', value: 1 }, { any: [{ field: 'colour', op: 'eq', value: 'red' }] }] };

    expect(pathsOf({ trigger: { type: 'created', entity: 'deal' }, conditions })).toEqual(['conditions.all.1.any.0.field']);
  });
});

describe('users', () => {
  it('reads a templated responsible at run time, not at save', () => {
    expect(pathsOf({ actions: [{ type: 'createLead', title: 'x', responsible: '{{ deal.responsibleId }}' }] })).toEqual([]);
  });

  it('refuses mailing the contact of a record that has none', () => {
    expect(pathsOf({ trigger: { type: 'created', entity: 'activity' }, actions: [{ type: 'sendEmail', to: 'contact', subject: 'x', body: 'y' }] })).toEqual(['actions.0.to']);
  });
});
