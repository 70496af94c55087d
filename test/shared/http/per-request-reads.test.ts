// What an API write reads besides its record: the caller's credential and the workspace settings, each at most once
// per request and then from the container's short-lived copy; a change made through the API counts at once.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  // Butler off: an integration's write reads the settings (to credit the key's owner) and so does a national phone.
  t = await createTestApp({ butlerActive: false });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The items read with GetItem during `act`, by the kind of their key (`workspace`, `credential`, …). */
async function itemsRead(act: () => Promise<unknown>): Promise<string[]> {
  const send = vi.spyOn(t.table.client, 'send');
  await act();
  return send.mock.calls.flatMap(([command]) => (command instanceof GetCommand ? [String(command.input.Key?.pk).split('#')[0]!] : []));
}

describe('POST /contacts through an API key', () => {
  it('reads the settings and the key\'s integration at most once, and the credential once, over several writes', async () => {
    const { key } = await must(t, 'POST', '/integrations', { name: 'Web form' });
    await must(t, 'PATCH', '/settings', { defaultCountry: 'ES' });

    const read = await itemsRead(async () => {
      for (const name of ['Ana', 'Bea', 'Carla']) {
        const created = await must(t, 'POST', '/contacts', { name, phones: ['612 34 56 78'] }, { apiKey: key, expected: 201 });
        expect(created.phones).toEqual(['+34612345678']);
      }
    });

    expect(read.filter((kind) => kind === 'workspace').length).toBeLessThanOrEqual(1);
    expect(read.filter((kind) => kind === 'credential')).toHaveLength(1);
    expect(read.filter((kind) => kind === 'integration')).toHaveLength(1);
  });

  it('uses a default country changed a moment ago', async () => {
    const { key } = await must(t, 'POST', '/integrations', { name: 'Import' });
    await must(t, 'PATCH', '/settings', { defaultCountry: 'ES' });
    await must(t, 'POST', '/contacts', { name: 'Dora', phones: ['612 34 56 78'] }, { apiKey: key, expected: 201 });

    await must(t, 'PATCH', '/settings', { defaultCountry: 'FR' });
    const created = await must(t, 'POST', '/contacts', { name: 'Elsa', phones: ['06 12 34 56 78'] }, { apiKey: key, expected: 201 });

    expect(created.phones).toEqual(['+33612345678']);
  });

  it('credits the write to the Butler as soon as it is activated', async () => {
    const { key } = await must(t, 'POST', '/integrations', { name: 'Sync' });
    const before = await must(t, 'POST', '/contacts', { name: 'Fay' }, { apiKey: key, expected: 201 });
    expect(before.createdBy).toBe(t.admin.id);

    await must(t, 'PATCH', '/settings', { butlerActive: true });
    const after = await must(t, 'POST', '/contacts', { name: 'Gia' }, { apiKey: key, expected: 201 });
    await must(t, 'PATCH', '/settings', { butlerActive: false });

    expect(after.createdBy).toBe('butler');
  });

  it('refuses a key revoked a moment after it was used', async () => {
    const { integrationId, key } = await must(t, 'POST', '/integrations', { name: 'Old sync' });
    await must(t, 'POST', '/contacts', { name: 'Hana' }, { apiKey: key, expected: 201 });

    await must(t, 'DELETE', `/integrations/${integrationId}`, undefined, { expected: 204 });
    const reply = await t.call('POST', '/contacts', { name: 'Ida' }, { apiKey: key });

    expect(reply.status).toBe(401);
  });
});
