// The per-container copies of settings and credentials: kept for their TTL, dropped at once by a write through
// this process, never kept when a lookup found nothing. "Another container" is a write that bypasses the store.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { createCredentials, hashSecret } from '#shared/store/credentials.ts';
import { credentialKey, settingKey } from '#shared/store/keys.ts';
import { createSettings } from '#shared/store/settings.ts';
import type { TableRef } from '#shared/ports.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

const LONG = 60_000;
const clock = manualClock();

/** A write made by another container: straight to the table, unseen by this process's caches. */
const elsewhere = {
  setSetting: (table: TableRef, name: string, value: unknown) =>
    table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...settingKey(name), itemKind: 'setting', value } })),
  deleteCredential: (table: TableRef, hash: string) => table.client.send(new DeleteCommand({ TableName: table.tableName, Key: credentialKey(hash) })),
};

describe('settings read per container', () => {
  it('serves what it read until the TTL, so a change made elsewhere is seen within it', async () => {
    const table = await createTestTable();
    const settings = createSettings(table, LONG);
    await settings.put('workspace', { defaultCountry: 'ES' });
    await settings.get('workspace');

    await elsewhere.setSetting(table, 'workspace', { defaultCountry: 'FR' });

    expect(await settings.get('workspace')).toEqual({ defaultCountry: 'ES' });
    expect(await settings.get('workspace', { fresh: true })).toEqual({ defaultCountry: 'FR' });
    expect(await settings.get('workspace')).toEqual({ defaultCountry: 'FR' });
  });

  it('reads again once the TTL is over', async () => {
    const table = await createTestTable();
    const settings = createSettings(table, 20);
    await settings.put('workspace', { defaultCountry: 'ES' });
    await settings.get('workspace');

    await elsewhere.setSetting(table, 'workspace', { defaultCountry: 'FR' });

    await vi.waitFor(async () => expect(await settings.get('workspace')).toEqual({ defaultCountry: 'FR' }));
  });

  it('sees its own writes at once, through another store over the same table too', async () => {
    const table = await createTestTable();
    const api = createSettings(table, LONG);
    const engine = createSettings(table, LONG);
    await api.putVersioned('workspace', { version: 1, defaultCountry: 'ES' }, 0);
    expect(await engine.get('workspace')).toEqual({ version: 1, defaultCountry: 'ES' });

    await api.putVersioned('workspace', { version: 2, defaultCountry: 'FR' }, 1);

    expect(await engine.get('workspace')).toEqual({ version: 2, defaultCountry: 'FR' });
  });

  it('drops its copy when a versioned write finds another version stored', async () => {
    const table = await createTestTable();
    const settings = createSettings(table, LONG);
    await settings.putVersioned('workspace', { version: 1, defaultCountry: 'ES' }, 0);
    await settings.get('workspace');
    await elsewhere.setSetting(table, 'workspace', { version: 2, defaultCountry: 'FR' });

    const wrote = await settings.putVersioned('workspace', { version: 2, defaultCountry: 'PT' }, 1);

    expect(wrote).toBe(false);
    expect(await settings.get('workspace')).toEqual({ version: 2, defaultCountry: 'FR' });
  });

  it('shares one read among concurrent readers', async () => {
    const table = await createTestTable();
    const settings = createSettings(table, LONG);
    await settings.put('workspace', { defaultCountry: 'ES' });
    const send = vi.spyOn(table.client, 'send');

    const read = await Promise.all([settings.get('workspace'), settings.get('workspace'), settings.get('workspace')]);

    expect(read).toEqual([{ defaultCountry: 'ES' }, { defaultCountry: 'ES' }, { defaultCountry: 'ES' }]);
    expect(send).toHaveBeenCalledTimes(1);
    send.mockRestore();
  });
});

describe('credentials found per container', () => {
  it('keeps a credential it found until the TTL', async () => {
    const table = await createTestTable();
    const credentials = createCredentials(table, clock, LONG);
    const { key } = await credentials.createIntegration('web-form', 'Web form', { kind: 'user', id: 'admin' });
    const found = await credentials.find(key);

    await elsewhere.deleteCredential(table, hashSecret(key));

    expect(await credentials.find(key)).toEqual(found);
  });

  it('stops accepting a key revoked in this process at once', async () => {
    const table = await createTestTable();
    const credentials = createCredentials(table, clock, LONG);
    const { key } = await credentials.createIntegration('web-form', 'Web form', { kind: 'user', id: 'admin' });
    expect(await credentials.find(key)).toMatchObject({ principal: { kind: 'integration', integrationId: 'web-form' } });

    await credentials.removeIntegration('web-form');

    expect(await credentials.find(key)).toBeUndefined();
  });

  it('stops accepting a key revoked elsewhere once the TTL is over', async () => {
    const table = await createTestTable();
    const credentials = createCredentials(table, clock, 20);
    const { key } = await credentials.createIntegration('web-form', 'Web form', { kind: 'user', id: 'admin' });
    await credentials.find(key);

    await elsewhere.deleteCredential(table, hashSecret(key));

    await vi.waitFor(async () => expect(await credentials.find(key)).toBeUndefined());
  });

  it('never keeps a lookup that found nothing', async () => {
    const table = await createTestTable();
    const credentials = createCredentials(table, clock, LONG);
    const secret = 'sc_key_not-yet-issued';
    expect(await credentials.find(secret)).toBeUndefined();

    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...credentialKey(hashSecret(secret)), itemKind: 'credential', principal: { kind: 'integration', integrationId: 'late' }, name: 'late', createdAt: clock.now().toISOString() },
      }),
    );

    expect(await credentials.find(secret)).toMatchObject({ principal: { kind: 'integration', integrationId: 'late' } });
  });

  it('never keeps a lookup that failed', async () => {
    const table = await createTestTable();
    const credentials = createCredentials(table, clock, LONG);
    const { key } = await credentials.createIntegration('web-form', 'Web form', { kind: 'user', id: 'admin' });
    const send = vi.spyOn(table.client, 'send').mockRejectedValueOnce(new Error('connection reset'));
    await expect(credentials.find(key)).rejects.toThrow('connection reset');
    send.mockRestore();

    expect(await credentials.find(key)).toMatchObject({ principal: { kind: 'integration', integrationId: 'web-form' } });
  });
});
