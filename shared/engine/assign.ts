// Round-robin assignment (`assign`): the record's responsible becomes the next user of a list or a role.
// Fair across concurrent runs: the turn is an atomic counter per automation step, and a retried step keeps
// the user it chose. Deactivated and deleted users are passed over.
import type { Caller } from '#shared/crm/context.ts';
import type { RecordService } from '#shared/crm/records.ts';
import type { Entity, EntityType } from '#shared/domain/entities.ts';
import type { FieldIssue } from '#shared/errors.ts';
import type { Store } from '#shared/store/index.ts';
import { type ActionConfig, type StepContext, StepFailed, type StepOutcome, recordRef, stepScope, stepWrite } from './step-outcome.ts';

/** Records that have a responsible user. */
export const assignableTypes: readonly EntityType[] = ['contact', 'lead', 'deal', 'activity'];

const isAssignable = (user: Entity | undefined): user is Entity => user !== undefined && user.kind !== 'butler' && user.active !== false;

async function allUsers(store: Store): Promise<Entity[]> {
  const users: Entity[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.records.list('user', { limit: 100, ...(cursor ? { cursor } : {}) });
    users.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return users;
}

/** The users in turn order: the list as the admin wrote it, or the role's users by id. */
async function candidates(store: Store, action: ActionConfig): Promise<Entity[]> {
  if (Array.isArray(action.users)) {
    const users = await Promise.all((action.users as string[]).map((id) => store.records.get('user', id)));
    return users.filter(isAssignable);
  }
  return (await allUsers(store)).filter((user) => isAssignable(user) && user.role === action.role).sort((a, b) => a.id.localeCompare(b.id));
}

export function createAssign(deps: { store: Store; records: RecordService }) {
  const { store } = deps;

  return async function assign(action: ActionConfig, ctx: StepContext, entity: Entity, caller: Caller): Promise<StepOutcome> {
    const { value: userId, first } = await store.counters.chooseOnce(stepScope(ctx), ctx.stepIndex, async () => {
      const users = await candidates(store, action);
      if (users.length === 0) {
        throw new StepFailed(Array.isArray(action.users) ? 'none of the listed users is active' : `no active user has the role ${String(action.role)}`);
      }
      const turn = await store.counters.next(`assign#${ctx.automationId}#${ctx.stepIndex}`);
      return (users[(turn - 1) % users.length] as Entity).id;
    });
    if (entity.responsibleId === userId) {
      return { result: 'noop', done: `${userId} is responsible already`, reason: first ? 'the turn fell on the current responsible' : 'a retried step', assignedTo: userId };
    }
    const outcomeOf = (record: Entity): StepOutcome => ({
      result: 'changed',
      done: `assigned to ${userId}`,
      assignedTo: userId,
      records: [recordRef(ctx.entityType, record, 'updated', ['responsibleId'], { responsibleId: userId })],
    });
    return outcomeOf(await deps.records.update(ctx.entityType as 'deal', ctx.entityId, { responsibleId: userId }, caller, undefined, stepWrite(ctx, outcomeOf)));
  };
}

/** Save-time check: the listed users exist and are people (a deactivated one may be listed: the turn skips them). */
export async function assignmentIssues(store: Store, actions: ReadonlyArray<{ action: { type: string }; path: Array<string | number> }>): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const { action, path } of actions) {
    if (action.type !== 'assign') continue;
    const users = (action as { users?: string[] }).users ?? [];
    for (const [position, id] of users.entries()) {
      const user = await store.records.get('user', id);
      const at = [...path, 'users', position].join('.');
      if (!user) issues.push({ path: at, message: `no user with id ${id}` });
      else if (user.kind === 'butler') issues.push({ path: at, message: 'the Butler cannot be responsible for a record' });
    }
  }
  return issues;
}
