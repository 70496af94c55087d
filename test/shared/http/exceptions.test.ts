// The exceptions list (docs/ARCHITECTURE.md §11, §8): normalised e-mails and phones that no contact
// or lead may carry; a write carrying one is refused with 409 and stores nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, errorPaths, leadBody, listAll, must, unique } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const anEmail = () => `blocked${unique()}@example.com`;
/** A possible US number, different on every call. */
const aPhone = () => `+1 415 555 ${String(1000 + unique()).slice(-4)}`;
const e164 = (phone: string) => phone.replace(/[^+\d]/g, '');

async function except(value: string) {
  return must(t, 'POST', '/exceptions', { value, reason: 'asked not to be contacted' });
}

/** The admin's created/updated counts in a window of their own, read through /stats/activity. */
async function adminFiguresDuring(act: () => Promise<unknown>) {
  t.clock.advance(24 * 3600_000);
  const from = t.clock.now().toISOString();
  await act();
  const to = new Date(t.clock.now().getTime() + 60_000).toISOString();
  const stats = await must(t, 'GET', `/stats/activity?from=${from}&to=${to}`);
  return stats.humans.find((human: { userId: string }) => human.userId === t.admin.id);
}

describe('POST /exceptions', () => {
  it('stores an e-mail lower-cased and trimmed', async () => {
    const result = await t.call('POST', '/exceptions', { value: '  Someone.Else@Example.COM ', reason: 'unsubscribed' });

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      value: 'someone.else@example.com',
      kind: 'email',
      reason: 'unsubscribed',
      addedBy: { kind: 'user', id: t.admin.id },
    });
  });

  it('stores a phone in E.164', async () => {
    const result = await t.call('POST', '/exceptions', { value: '+44 (20) 7946-0958' });

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ value: '+442079460958', kind: 'phone' });
  });

  it('is listed by GET /exceptions', async () => {
    const email = anEmail();
    await except(email);

    const all = await listAll(t, '/exceptions');

    expect(all.map((entry: { value: string }) => entry.value)).toContain(email);
  });

  it('answers 200 and keeps one entry when the value is there already in another spelling', async () => {
    const email = anEmail();
    await except(email);

    const again = await t.call('POST', '/exceptions', { value: email.toUpperCase() });
    const all = await listAll(t, '/exceptions');

    expect(again.status).toBe(200);
    expect(all.filter((entry: { value: string }) => entry.value === email)).toHaveLength(1);
  });

  it('refuses a value that is neither an e-mail nor an international phone, naming value', async () => {
    const result = await t.call('POST', '/exceptions', { value: 'call me maybe' });

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['value']);
  });

  it('refuses a missing value, naming it', async () => {
    const result = await t.call('POST', '/exceptions', { reason: 'no value' });

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['value']);
  });
});

describe('a contact carrying an excepted value', () => {
  it('is refused on create with 409 CONTACT_EXCEPTED naming the value', async () => {
    const email = anEmail();
    await except(email);

    const result = await t.call('POST', '/contacts', contactBody({ emails: [email.toUpperCase()] }));

    expect(result.status).toBe(409);
    expect(result.body.error).toMatchObject({ code: 'CONTACT_EXCEPTED', details: [{ value: email }] });
  });

  it('is refused on create when the phone is written another way', async () => {
    const phone = aPhone();
    await except(phone);

    const result = await t.call('POST', '/contacts', contactBody({ emails: [], phones: [e164(phone)] }));

    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('CONTACT_EXCEPTED');
  });

  it('is not stored when refused: the listing stays unchanged', async () => {
    const email = anEmail();
    await except(email);
    const before = await listAll(t, '/contacts?limit=100');

    await t.call('POST', '/contacts', contactBody({ emails: [email] }));
    const after = await listAll(t, '/contacts?limit=100');

    expect(after).toEqual(before);
  });

  it('leaves no history when refused on create', async () => {
    const email = anEmail();
    await except(email);

    const figures = await adminFiguresDuring(() => t.call('POST', '/contacts', contactBody({ emails: [email] })));

    expect(figures).toMatchObject({ created: 0, updated: 0 });
  });

  it('is refused on update with 409, leaving record and history as they were', async () => {
    const email = anEmail();
    const contact = await must(t, 'POST', '/contacts', contactBody());
    await except(email);

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { emails: [email] });
    const read = await must(t, 'GET', `/contacts/${contact.id}`);
    const history = await must(t, 'GET', `/contacts/${contact.id}/history`);

    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('CONTACT_EXCEPTED');
    expect(read).toEqual(contact);
    expect(history.items.map((entry: { action: string }) => entry.action)).toEqual(['created']);
  });

  it('is refused for an integration too', async () => {
    const email = anEmail();
    await except(email);

    const result = await t.call('POST', '/contacts', contactBody({ emails: [email] }), { apiKey: t.integrationKey });

    expect(result.status).toBe(409);
  });

  it('names every excepted value of the record', async () => {
    const email = anEmail();
    const phone = aPhone();
    await except(email);
    await except(phone);

    const result = await t.call('POST', '/contacts', contactBody({ emails: [email], phones: [phone] }));

    expect(result.body.error.details).toEqual(expect.arrayContaining([{ value: email }, { value: e164(phone) }]));
  });

  it('can still be deleted', async () => {
    const email = anEmail();
    const contact = await must(t, 'POST', '/contacts', contactBody({ emails: [email] }));
    await except(email);

    const result = await t.call('DELETE', `/contacts/${contact.id}`);

    expect(result.status).toBe(204);
  });
});

describe('a lead carrying an excepted value', () => {
  it('is refused on create with 409 CONTACT_EXCEPTED', async () => {
    const phone = aPhone();
    await except(phone);

    const result = await t.call('POST', '/leads', leadBody({ phones: [phone] }));

    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('CONTACT_EXCEPTED');
  });

  it('is not stored when refused: the listing stays unchanged', async () => {
    const email = anEmail();
    await except(email);
    const before = await listAll(t, '/leads?limit=100');

    await t.call('POST', '/leads', leadBody({ emails: [email] }), { apiKey: t.integrationKey });
    const after = await listAll(t, '/leads?limit=100');

    expect(after).toEqual(before);
  });

  it('is refused on update with 409, leaving the lead as it was', async () => {
    const email = anEmail();
    const lead = await must(t, 'POST', '/leads', leadBody());
    await except(email);

    const result = await t.call('PATCH', `/leads/${lead.id}`, { emails: [...lead.emails, email] });
    const read = await must(t, 'GET', `/leads/${lead.id}`);
    const history = await must(t, 'GET', `/leads/${lead.id}/history`);

    expect(result.status).toBe(409);
    expect(read).toEqual(lead);
    expect(history.items).toHaveLength(1);
  });

  it('leaves no history when refused on update', async () => {
    const email = anEmail();
    const lead = await must(t, 'POST', '/leads', leadBody());
    await except(email);

    const figures = await adminFiguresDuring(() => t.call('PATCH', `/leads/${lead.id}`, { emails: [email] }));

    expect(figures).toMatchObject({ created: 0, updated: 0 });
  });
});

describe('DELETE /exceptions/{value}', () => {
  it('takes a value off the list: 204, and it is no longer listed', async () => {
    const email = anEmail();
    await except(email);

    const result = await t.call('DELETE', `/exceptions/${encodeURIComponent(email)}`);
    const all = await listAll(t, '/exceptions');

    expect(result.status).toBe(204);
    expect(all.map((entry: { value: string }) => entry.value)).not.toContain(email);
  });

  it('lets a contact carry the value again', async () => {
    const email = anEmail();
    await except(email);
    await must(t, 'DELETE', `/exceptions/${encodeURIComponent(email)}`);

    const result = await t.call('POST', '/contacts', contactBody({ emails: [email] }));

    expect(result.status).toBe(201);
  });

  it('accepts the value in another spelling', async () => {
    const phone = aPhone();
    await except(phone);

    const result = await t.call('DELETE', `/exceptions/${encodeURIComponent(phone)}`);

    expect(result.status).toBe(204);
  });

  it('answers 404 for a value that is not on the list', async () => {
    const result = await t.call('DELETE', `/exceptions/${encodeURIComponent(anEmail())}`);

    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('NOT_FOUND');
  });
});
