// A literal value in a step is known at save: one that would fail every run (or break a rule the API keeps
// elsewhere) is a 400 at its field path, not a FAILED run later. Templates are filled at run time and pass.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, contactBody, errorPaths, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const MISSING_ID = '01NOSUCH00000000000000000A';

async function save(action: Record<string, unknown>) {
  return t.call('POST', '/automations', { name: 'Under test', trigger: { type: 'created', entity: 'deal' }, actions: [action] });
}

/** The message of the issue at `path`. */
const messageAt = (reply: { body: any }, path: string): string =>
  String((reply.body?.error?.details ?? []).find((detail: { path: string }) => detail.path === path)?.message ?? '');

describe('refused at save', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['a responsible that is no user', { type: 'updateFields', set: { responsibleId: 'ghost' } }, 'actions.0.set.responsibleId', 'no user with id ghost'],
    ['the Butler as responsible of the record', { type: 'updateFields', set: { responsibleId: 'butler' } }, 'actions.0.set.responsibleId', 'the Butler cannot be responsible'],
    ['the Butler as responsible of a lead', { type: 'createLead', title: 'x', responsible: 'butler' }, 'actions.0.responsible', 'the Butler cannot be responsible'],
    ['the Butler as responsible of an activity', { type: 'planActivity', subject: 'x', activityType: 'call', due: 'P1D', responsible: 'butler' }, 'actions.0.responsible', 'the Butler cannot be responsible'],
    ['a contact that does not exist', { type: 'updateFields', set: { contactId: MISSING_ID } }, 'actions.0.set.contactId', `no contact with id ${MISSING_ID}`],
    ['a company that does not exist', { type: 'updateFields', set: { companyId: MISSING_ID } }, 'actions.0.set.companyId', `no company with id ${MISSING_ID}`],
    ['an address that is not an e-mail', { type: 'sendEmail', to: 'address', address: 'not-an-email', subject: 's', body: 'b' }, 'actions.0.address', 'not an e-mail address'],
    ['a due that is neither a duration nor a date', { type: 'planActivity', subject: 'x', activityType: 'call', due: 'tomorrow' }, 'actions.0.due', 'not a duration or date'],
  ])('%s', async (_case, action, path, message) => {
    // Act
    const reply = await save(action);

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual([path]);
    expect(messageAt(reply, path)).toContain(message);
  });
});

describe('accepted at save', () => {
  it('names a contact and a company that exist', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody());
    const company = await must(t, 'POST', '/companies', companyBody());

    // Act
    const reply = await save({ type: 'updateFields', set: { contactId: contact.id, companyId: company.id, responsibleId: t.member.id } });

    // Assess
    expect(reply.status).toBe(201);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a templated responsible', { type: 'updateFields', set: { responsibleId: '{{ deal.responsibleId }}' } }],
    ['a templated contact', { type: 'updateFields', set: { contactId: '{{ deal.contactId }}' } }],
    ['a templated address', { type: 'sendEmail', to: 'address', address: '{{ deal.fields.mail }}', subject: 's', body: 'b' }],
    ['a literal address', { type: 'sendEmail', to: 'address', address: 'Office@Example.com', subject: 's', body: 'b' }],
    ['a templated due', { type: 'planActivity', subject: 'x', activityType: 'call', due: '{{ deal.closeDate }}' }],
    ['a date as due', { type: 'planActivity', subject: 'x', activityType: 'call', due: '2027-03-01' }],
    ['a date and time as due', { type: 'planActivity', subject: 'x', activityType: 'call', due: '2027-03-01T10:00' }],
  ])('%s', async (_case, action) => {
    // Act
    const reply = await save(action);

    // Assess
    expect([reply.status, errorPaths(reply)]).toEqual([201, []]);
  });
});
