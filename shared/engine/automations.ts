// Automations as admins manage them: definitions validated against the schema, the
// workspace's pipelines and the compiler, stored as records (so they have history and
// their changes are events the provisioner follows), shown with their provisioning state.
import type { AutomationDefinition } from '#shared/automation/definition.ts';
import { actionsOf, triggerEntityOf } from '#shared/automation/definition-model.ts';
import { loadDefinitionSchemas } from '#shared/automation/definition-schemas.ts';
import { type Caller, requireAdmin, writeContextOf } from '#shared/crm/context.ts';
import { type Entity, Pipeline } from '#shared/domain/entities.ts';
import { ValidationFailed, VersionMismatch } from '#shared/errors.ts';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';
import type { Store } from '#shared/store/index.ts';
import type { ProvisioningStatus } from '#shared/store/provisioning.ts';
import { assignmentIssues } from './assign.ts';
import { META, definitionOf, storedDefinition } from './stored-definition.ts';
import { isDeepStrictEqual } from 'node:util';
import { webhookIssues } from './webhook.ts';

export interface AutomationView extends Record<string, unknown> {
  id: string;
  version: number;
  provisioning: ProvisioningStatus;
  provisioningError?: string;
}

/** A stage an automation needs: its trigger's, a moveToStage target, a copyDeal target. No pipeline: any with that stage. */
export interface StageReference {
  pipelineId?: string;
  stageId: string;
  /** Where in the definition, as a field path. */
  path: string;
}

export function stageReferences(definition: AutomationDefinition): StageReference[] {
  const { trigger } = definition;
  const references: StageReference[] = [];
  const dealTrigger = trigger.type === 'stageEntered' ? trigger.entity === 'deal' : triggerEntityOf(trigger) !== 'lead';
  let triggerPipeline: string | undefined;
  if (trigger.type === 'stageEntered' && trigger.entity === 'deal') {
    triggerPipeline = trigger.pipelineId;
    references.push({ ...(trigger.pipelineId ? { pipelineId: trigger.pipelineId } : {}), stageId: trigger.stageId, path: 'trigger.stageId' });
  }
  for (const { action, path } of actionsOf(definition.actions)) {
    const at = `${path.join('.')}.stageId`;
    if (action.type === 'copyDeal') references.push({ pipelineId: action.pipelineId, stageId: action.stageId, path: at });
    if (action.type === 'moveToStage' && dealTrigger) {
      const pipelineId = action.pipelineId ?? triggerPipeline;
      references.push({ ...(pipelineId ? { pipelineId } : {}), stageId: action.stageId, path: at });
    }
  }
  return references;
}

/** The automations that need one of these stages of a pipeline: removing the stage would leave them unable to run. */
export async function automationsUsingStages(store: Store, pipelineId: string, stageIds: string[]): Promise<Array<{ id: string; name: string; stageId: string; path: string }>> {
  if (stageIds.length === 0) return [];
  const users: Array<{ id: string; name: string; stageId: string; path: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await store.records.list('automation', { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const record of page.items) {
      let definition: AutomationDefinition;
      try {
        definition = storedDefinition(record);
      } catch {
        continue;
      }
      for (const reference of stageReferences(definition)) {
        if (!stageIds.includes(reference.stageId) || (reference.pipelineId !== undefined && reference.pipelineId !== pipelineId)) continue;
        users.push({ id: record.id, name: definition.name, stageId: reference.stageId, path: reference.path });
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return users;
}

/** Whether a definition names document templates, which must then exist. */
const namesTemplates = (definition: AutomationDefinition) =>
  ('templateId' in definition.trigger && definition.trigger.templateId !== undefined) ||
  definition.actions.some((action) => action.type === 'createDocument');

/** What only saving an automation runs (the schemas, their Liquid checks, the save checks, the compiler): loaded by the first save, not at the api's init. */
const loadSaving = loadedOnFirstUse(async () => {
  const [{ parseAutomationDefinition }, { saveIssues, literalValueIssues }, { compileAutomation }] = await Promise.all([
    loadDefinitionSchemas(),
    import('#shared/automation/save-checks.ts'),
    import('#shared/automation/compile-asl.ts'),
  ]);
  return { parseAutomationDefinition, saveIssues, literalValueIssues, compileAutomation };
});

export function createAutomationService(store: Store) {
  const { records } = store;

  async function pipelines(): Promise<Pipeline[]> {
    const all: Pipeline[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list('pipeline', { limit: 100, ...(cursor ? { cursor } : {}) });
      all.push(...page.items.map((item) => Pipeline.parse(item)));
      cursor = page.cursor;
    } while (cursor);
    return all;
  }

  async function userIds(): Promise<string[]> {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list('user', { limit: 100, ...(cursor ? { cursor } : {}) });
      all.push(...page.items.map((item) => item.id));
      cursor = page.cursor;
    } while (cursor);
    return all;
  }

  async function templateIds(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list('documentTemplate', { limit: 100, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((item) => item.id));
      cursor = page.cursor;
    } while (cursor);
    return ids;
  }

  /** Everything a definition must pass before it is stored: schema, workspace, and the compiler itself. */
  async function validated(input: unknown, id = 'validation', checks: 'all' | 'schema' = 'all'): Promise<AutomationDefinition> {
    const { parseAutomationDefinition, saveIssues, literalValueIssues, compileAutomation } = await loadSaving();
    const definition = parseAutomationDefinition(input);
    // Stopping changes nothing the checks look at: a user deleted since must not keep a broken automation running.
    const issues =
      checks === 'schema'
        ? []
        : [
            ...saveIssues(definition, {
              pipelines: await pipelines(),
              users: await userIds(),
              ...(namesTemplates(definition) ? { templateIds: await templateIds() } : {}),
            }),
            ...(await literalValueIssues(definition, async (type, recordId) => (await records.get(type, recordId)) !== undefined)),
            ...(await assignmentIssues(store, actionsOf(definition.actions))),
            ...(await webhookIssues(store, actionsOf(definition.actions))),
          ];
    if (issues.length > 0) throw new ValidationFailed(issues);
    try {
      compileAutomation({ id, definition });
    } catch (error) {
      throw ValidationFailed.field('(body)', `the automation cannot be compiled: ${(error as Error).message}`);
    }
    return definition;
  }

  async function view(record: Entity): Promise<AutomationView> {
    const state = await store.provisioning.get(record.id);
    const current = state !== undefined && state.automationVersion >= record.version;
    return {
      ...record,
      provisioning: current ? state.status : 'pending',
      ...(current && state.error ? { provisioningError: state.error } : {}),
    };
  }

  async function create(input: unknown, caller: Caller): Promise<AutomationView> {
    requireAdmin(caller);
    const definition = await validated(input);
    return view(await records.create('automation', definition as unknown as Record<string, unknown>, writeContextOf(caller)));
  }

  /** A top-level merge patch: named fields replace, null clears an optional one; the result is validated whole. */
  async function update(id: string, patch: unknown, caller: Caller, expectedVersion?: number): Promise<AutomationView> {
    requireAdmin(caller);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch) || Object.keys(patch).length === 0) {
      throw ValidationFailed.field('(body)', 'an object naming at least one field to change');
    }
    const current = await records.require('automation', id);
    const merged = definitionOf(current);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    const stopping = Object.keys(patch).length === 1 && (patch as Record<string, unknown>).status === 'stopped';
    const definition = await validated(merged, id, stopping ? 'schema' : 'all');
    // A save that changes nothing (the builder's Save pressed twice) writes nothing: a new version with no change
    // would start no deployment, and the automation would say "pending" until its next real change.
    if (isDeepStrictEqual(asStored(definition), asStored(definitionOf(current)))) {
      if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VersionMismatch(expectedVersion, current.version);
      return view(current);
    }
    const updated = await records.update('automation', id, (record) => ({ ...stripped(record), ...definition }), writeContextOf(caller), {
      expectedVersion: expectedVersion ?? current.version,
    });
    return view(updated);
  }

  /** A definition as the table keeps it (no undefined values), to compare one with another. */
  const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

  /** Keeps only the meta fields of the current record, so cleared definition fields stay cleared. */
  function stripped(record: Entity): Record<string, unknown> {
    return Object.fromEntries(Object.entries(record).filter(([key]) => (META as readonly string[]).includes(key)));
  }

  /** `expectedVersion` (If-Match) is checked also when the status is already so: the caller's view was stale. */
  async function setStatus(id: string, status: 'active' | 'stopped', caller: Caller, expectedVersion?: number): Promise<AutomationView> {
    requireAdmin(caller);
    const current = await records.require('automation', id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VersionMismatch(expectedVersion, current.version);
    if (current.status === status) return view(current);
    return update(id, { status }, caller, expectedVersion);
  }

  async function remove(id: string, caller: Caller, expectedVersion?: number): Promise<void> {
    requireAdmin(caller);
    await records.remove('automation', id, writeContextOf(caller), expectedVersion === undefined ? {} : { expectedVersion });
  }

  async function get(id: string): Promise<AutomationView> {
    return view(await records.require('automation', id));
  }

  async function list(options: { limit?: number; cursor?: string }): Promise<{ items: AutomationView[]; cursor?: string }> {
    const page = await records.list('automation', options);
    return { items: await Promise.all(page.items.map(view)), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  return { create, update, setStatus, remove, get, list, pipelines };
}

export type AutomationService = ReturnType<typeof createAutomationService>;
