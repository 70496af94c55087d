// Users (with the Butler), pipelines, the exceptions list and activity statistics:
// the workspace around the CRM records.
import { z } from 'zod';
import { BUTLER_ID } from '#shared/domain/actors.ts';
import { normaliseContactPoint } from '#shared/domain/contact-points.ts';
import { type Entity, Id, Pipeline, createSchemas, patchSchemas } from '#shared/domain/entities.ts';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '#shared/errors.ts';
import type { Ids } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import { automationsUsingStages } from '#shared/engine/automations.ts';
import type { ActionCounts } from '#shared/store/lookups.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { type Caller, actorOf, requireAdmin, writeContextOf } from './context.ts';
import { mergePatch } from './records.ts';
import { countryFor, phoneFormat } from './settings.ts';

export const ButlerPatch = z
  .strictObject({ name: z.string().trim().min(1).max(200).optional(), icon: z.string().max(2000).optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');

export const ExceptionInput = z.strictObject({ value: z.string().min(1).max(320), reason: z.string().max(500).optional() });

export const ExceptionRemoval = z.strictObject({ reason: z.string().max(500).optional() });

/** A value as the list keeps it; a path segment longer than any e-mail names nothing. */
const exceptionValue = async (store: Store, raw: string) => (raw.length <= 320 ? await normaliseContactPoint(raw, await countryFor(store, raw)) : undefined);
const shortened = (raw: string) => (raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);

export const StatsQuery = z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) });

/** An admin who can act: the Butler and deactivated users cannot manage the workspace. */
const isActiveAdmin = (user: Record<string, unknown>) => user.kind !== 'butler' && user.role === 'admin' && user.active !== false;

const assertNotButler = (id: string) => {
  if (id === BUTLER_ID) throw new Conflict('BUTLER_UNDELETABLE', 'The Butler cannot be deleted.');
};

export const butlerRecord = { name: 'Butler', kind: 'butler', role: 'member', icon: '🤵' } as const;

export function createWorkspaceService(store: Store, ids: Ids) {
  const { records } = store;
  const system = writeContextOf({ kind: 'integration', integrationId: 'system' });

  /** The Butler exists from the first start; creating it again is harmless. */
  async function ensureButler(): Promise<Entity> {
    const existing = await records.get('user', BUTLER_ID);
    if (existing) return existing;
    try {
      return await records.create('user', { ...butlerRecord }, system, { id: BUTLER_ID });
    } catch (error) {
      if (error instanceof Conflict) return records.require('user', BUTLER_ID);
      throw error;
    }
  }

  async function createUser(input: unknown, caller: Caller): Promise<Entity> {
    requireAdmin(caller);
    const data = parseWith(createSchemas.user, input);
    return records.create('user', { ...data, kind: 'human' }, writeContextOf(caller));
  }

  /**
   * A merge patch (RFC 7396) of a user: null clears an optional field. Roles are an admin's to change, and no
   * change may leave the workspace without an active admin, as nobody could then manage users again.
   */
  async function updateUser(id: string, input: unknown, caller: Caller, expectedVersion?: number): Promise<Entity> {
    const isSelf = caller.kind === 'user' && caller.userId === id;
    if (!isSelf) requireAdmin(caller);
    const patch: Record<string, unknown> = id === BUTLER_ID ? parseWith(ButlerPatch, input) : parseWith(patchSchemas.user, input);
    if (isSelf && caller.kind === 'user' && caller.role !== 'admin' && 'role' in patch) {
      throw new Forbidden('Only an admin may change roles.');
    }
    const current = await records.require('user', id);
    const next = mergePatch(current, patch);
    if (isActiveAdmin(current) && !isActiveAdmin(next)) await requireAnotherActiveAdmin(id);
    return records.update('user', id, () => next, writeContextOf(caller), {
      expectedVersion: expectedVersion ?? current.version,
      current,
    });
  }

  /** Checked before the write, not in its transaction: two admins demoting each other at the same moment both pass. */
  async function requireAnotherActiveAdmin(id: string): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await records.list('user', { limit: 100, ...(cursor ? { cursor } : {}) });
      if (page.items.some((user) => user.id !== id && isActiveAdmin(user))) return;
      cursor = page.cursor;
    } while (cursor);
    throw new Conflict('LAST_ADMIN', 'The workspace needs an active admin: make another user an admin before demoting, deactivating or deleting this one.', [{ userId: id }]);
  }

  async function deleteUser(id: string, caller: Caller, expectedVersion?: number): Promise<void> {
    requireAdmin(caller);
    assertNotButler(id);
    if (caller.kind === 'user' && caller.userId === id) throw new Conflict('CANNOT_DELETE_SELF', 'You cannot delete your own user.');
    // Only a deactivated admin's call can get here with nobody else left to manage the workspace.
    const target = await records.get('user', id);
    if (target && isActiveAdmin(target)) await requireAnotherActiveAdmin(id);
    await records.remove('user', id, writeContextOf(caller), expectedVersion === undefined ? {} : { expectedVersion });
  }

  async function createPipeline(input: unknown, caller: Caller): Promise<Entity> {
    requireAdmin(caller);
    const data = parseWith(createSchemas.pipeline, input);
    const { id, ...rest } = data;
    // Pipeline ids are slugs (deals and automations name them): a generated one is a lower-cased ULID.
    return records.create('pipeline', rest, writeContextOf(caller), { id: id ?? ids.next().toLowerCase() });
  }

  /** Stages may be renamed, reordered and added; a stage that still holds deals, or that an automation needs, cannot be removed. */
  async function updatePipeline(id: string, input: unknown, caller: Caller, expectedVersion?: number): Promise<Entity> {
    requireAdmin(caller);
    const patch = parseWith(patchSchemas.pipeline, input);
    const current = Pipeline.parse(await records.require('pipeline', id));
    if (patch.stages) {
      const kept = new Set(patch.stages.map((stage) => stage.id));
      for (const stage of current.stages) {
        if (kept.has(stage.id)) continue;
        const deals = await records.list('deal', { filter: { by: 'board', pipelineId: id, stageId: stage.id }, limit: 1 });
        if (deals.items.length > 0) {
          throw new Conflict('STAGE_IN_USE', `Stage ${stage.id} still holds deals; move them before removing it.`, [{ stageId: stage.id }]);
        }
      }
      const removed = current.stages.filter((stage) => !kept.has(stage.id)).map((stage) => stage.id);
      const automations = await automationsUsingStages(store, id, removed);
      if (automations.length > 0) {
        const named = [...new Set(automations.map((automation) => `"${automation.name}" (${automation.id})`))].join(', ');
        throw new Conflict('STAGE_IN_USE', `Automations use the stage(s) being removed: ${named}; change or delete them first.`, automations.map((automation) => ({
          stageId: automation.stageId,
          automationId: automation.id,
          automationName: automation.name,
          path: automation.path,
        })));
      }
    }
    const record = await records.require('pipeline', id);
    return records.update('pipeline', id, () => ({ ...record, ...patch }), writeContextOf(caller), {
      expectedVersion: expectedVersion ?? record.version,
    });
  }

  async function addException(input: unknown, caller: Caller) {
    const data = parseWith(ExceptionInput, input);
    // A national number is the workspace's default country's, as on contacts and leads.
    const country = await countryFor(store, data.value);
    const point = await normaliseContactPoint(data.value, country);
    if (!point) throw ValidationFailed.field('value', `neither an e-mail address nor ${phoneFormat(country)}`);
    return store.exceptions.add(point, data.reason, actorOf(caller));
  }

  /** Members and integrations add to the list; only an admin takes a value off it, and the log keeps who and why. */
  async function removeException(raw: string, input: unknown, caller: Caller): Promise<void> {
    requireAdmin(caller);
    const { reason } = parseWith(ExceptionRemoval, input ?? {});
    const point = await exceptionValue(store, raw);
    const removed = point ? await store.exceptions.remove(point.value, actorOf(caller), reason) : false;
    if (!removed) throw new NotFound('exception', shortened(raw));
  }

  /** Every addition and removal of a value, newest first, also after it left the list. */
  async function exceptionHistory(raw: string, query: { limit?: number; cursor?: string }) {
    const point = await exceptionValue(store, raw);
    const page = point ? await store.exceptions.history(point.value, query) : { items: [] };
    if (page.items.length === 0 && !query.cursor) throw new NotFound('exception', shortened(raw));
    return page;
  }

  /** Humans and the Butler counted apart, so automation never inflates a person's figures. */
  async function activityStats(query: unknown) {
    const { from, to } = parseWith(StatsQuery, query, 'query');
    const fromIso = new Date(from).toISOString();
    const toIso = new Date(to).toISOString();
    if (fromIso >= toIso) throw ValidationFailed.field('to', 'must be after from');
    const users: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list('user', { limit: 100, ...(cursor ? { cursor } : {}) });
      users.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    const humans = await Promise.all(
      users
        .filter((user) => user.kind === 'human')
        .map(async (user) => ({
          userId: user.id,
          name: user.name as string,
          ...(typeof user.icon === 'string' ? { icon: user.icon } : {}),
          ...toFigures(await store.lookups.actionCounts(user.id, fromIso, toIso)),
        })),
    );
    const butlerUser = users.find((user) => user.id === BUTLER_ID);
    const butler = {
      name: typeof butlerUser?.name === 'string' ? butlerUser.name : butlerRecord.name,
      icon: typeof butlerUser?.icon === 'string' ? butlerUser.icon : butlerRecord.icon,
      ...toFigures(await store.lookups.actionCounts(BUTLER_ID, fromIso, toIso)),
    };
    return { from: fromIso, to: toIso, humans, butler };
  }

  async function createIntegration(input: unknown, caller: Caller) {
    requireAdmin(caller);
    const { name } = parseWith(z.strictObject({ name: z.string().trim().min(1).max(200) }), input);
    const { integration, key } = await store.credentials.createIntegration(ids.next(), name, actorOf(caller));
    return { ...integration, key };
  }

  async function listIntegrations(caller: Caller) {
    requireAdmin(caller);
    return store.credentials.listIntegrations();
  }

  async function removeIntegration(id: string, caller: Caller): Promise<void> {
    requireAdmin(caller);
    // An id this API never issues names nothing (and a 3,000-character one is no DynamoDB key).
    const known = Id.safeParse(id).success && (await store.credentials.removeIntegration(id));
    if (!known) throw new NotFound('integration', id.length > 80 ? `${id.slice(0, 80)}…` : id);
  }

  return { createIntegration, listIntegrations, removeIntegration, ensureButler, createUser, updateUser, deleteUser, createPipeline, updatePipeline, addException, removeException, exceptionHistory, activityStats };
}

function toFigures(counts: ActionCounts) {
  return { created: counts.created, updated: counts.updated, deleted: counts.deleted, stageChanges: counts.stageChanged };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
