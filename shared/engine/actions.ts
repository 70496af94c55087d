// What each automation step does to the CRM, always as the Butler on behalf of the
// run (docs/ARCHITECTURE.md §6). Every step is idempotent: what it creates has an id derived from
// (run, step), updates that find their change made change nothing, and mail and
// notifications are keyed by the same id.
import { loadedLuxon } from '#shared/automation/date-arithmetic.ts';
import { fieldSegments, fieldValue } from '#shared/automation/fields.ts';
import { type Caller, actorOf } from '#shared/crm/context.ts';
import type { RecordService } from '#shared/crm/records.ts';
import { creditedUser } from '#shared/crm/settings.ts';
import { type DocumentActionDeps, documentExecutors } from './document-actions.ts';
import { type Actor, automationActor } from '#shared/domain/actors.ts';
import { normaliseContactPoint } from '#shared/domain/contact-points.ts';
import { type Entity, type EntityType, Pipeline, leadStages, stageOf } from '#shared/domain/entities.ts';
import { Conflict, ContactExcepted, NotFound, ValidationFailed } from '#shared/errors.ts';
import { unlinkDeletedRule } from '#shared/events/system-rules.ts';
import { stepId } from '#shared/ids.ts';
import type { SendMail } from '#shared/mail/guarded-mailer.ts';
import type { Clock } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { WebhookSender } from '#shared/webhooks/outbound.ts';
import { createAssign } from './assign.ts';
import { createCallWebhook } from './webhook.ts';

export type { ActionConfig, MailRef, RecordRef, StepContext, StepOutcome } from './step-outcome.ts';
export { StepFailed, recordRef } from './step-outcome.ts';
import {
  type ActionConfig,
  type MailRef,
  type RecordRef,
  type StepContext,
  StepFailed,
  type StepOutcome,
  keptBody,
  keptSubject,
  keptText,
  recordRef,
  stepScope,
  stepWrite,
  valuesOf,
} from './step-outcome.ts';

const noop = (done: string, reason: string): StepOutcome => ({ result: 'noop', done, reason });

/** A record's title in a step's line, as a person reads it (the record itself is in the outcome's `records`). */
const quoted = (title: unknown): string => `"${String(title ?? '')}"`;

export interface ActionDeps {
  store: Store;
  records: RecordService;
  sendMail: SendMail;
  clock: Clock;
  /** Outbound HTTP for callWebhook, with the runtime's address policy. */
  sendWebhook: WebhookSender;
  /** Tracked links and SMS for createDocument/sendDocument. */
  documents?: DocumentActionDeps;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Creates once, with the step's line (`done` names what was made) and the values of `shown` as written: a retry
 * meets its own record and reports it as made by an earlier attempt.
 */
async function createOnce(
  deps: ActionDeps,
  type: 'lead' | 'deal' | 'activity',
  data: Record<string, unknown>,
  caller: Caller,
  ctx: StepContext,
  done: (record: Entity) => string,
  shown: readonly string[],
): Promise<StepOutcome> {
  const outcomeOf = (record: Entity, created: boolean): StepOutcome => ({
    result: 'changed',
    done: `${done(record)}${created ? '' : ' (by an earlier attempt)'}`,
    records: [recordRef(type, record, 'created', undefined, valuesOf(record, shown))],
  });
  const id = stepId(stepScope(ctx), ctx.stepIndex, ctx.plannedAt);
  const alongside = ctx.logWith?.((record) => outcomeOf(record, true));
  try {
    return outcomeOf(await deps.records.create(type, data, caller, { id, ...(alongside ? { alongside } : {}) }), true);
  } catch (error) {
    if (error instanceof Conflict && error.code === 'ALREADY_EXISTS') {
      const existing = await deps.store.records.get(type, id);
      if (existing) return outcomeOf(existing, false);
    }
    throw error;
  }
}

async function linkedContact(deps: ActionDeps, entity: Entity, type: EntityType): Promise<Entity | undefined> {
  if (type === 'contact') return entity;
  const contactId = str(entity.contactId);
  return contactId ? deps.store.records.get('contact', contactId) : undefined;
}

/** `due` is a duration from now ("P3D") or a date/time, possibly rendered from a template. */
function dueAt(due: string, now: Date, timeZone: string): string {
  if (due.startsWith('P') || due.startsWith('-P')) {
    const duration = loadedLuxon().Duration.fromISO(due.replace(/^-/, ''));
    if (!duration.isValid) throw ValidationFailed.field('due', `not a duration or date: ${due}`);
    const start = loadedLuxon().DateTime.fromJSDate(now, { zone: timeZone });
    return (due.startsWith('-') ? start.minus(duration) : start.plus(duration)).toUTC().toISO() ?? now.toISOString();
  }
  const date = loadedLuxon().DateTime.fromISO(due, { zone: timeZone });
  if (!date.isValid) throw ValidationFailed.field('due', `not a duration or date: ${due}`);
  return date.toUTC().toISO() ?? now.toISOString();
}

async function responsibleOf(ctx: StepContext, configured: unknown, entity: Entity): Promise<string | undefined> {
  const rendered = typeof configured === 'string' ? (await ctx.render(configured)).trim() : '';
  return rendered || str(entity.responsibleId);
}

const noResponsible = (entityType: string) => `the ${entityType} has no responsible user and the step names none`;
const noSuchUser = (userId: string) => `user ${userId} does not exist (deleted after the automation was saved?)`;
const noOneToNotify = (entityType: string) => `the ${entityType} has no responsible user to notify`;

/** Why a mail has nobody to go to: for `to: contact`, whether there is a contact at all. */
function noRecipient(action: ActionConfig, entityType: EntityType, entity: Entity, contact: Entity | undefined): string {
  const why = (text: string) => `no address to mail: ${text}`;
  if (action.to === 'address') return why('the rendered address is empty');
  if (action.to === 'responsible') return why('the responsible user has no e-mail address');
  if (contact) return why('the contact has no e-mail address');
  const contactId = str(entity.contactId);
  if (contactId) return why(`the ${entityType}'s contact ${contactId} no longer exists`);
  // A lead or a company is mailed at its own addresses.
  return why(entityType === 'deal' ? 'the deal has no contact' : `the ${entityType} has no e-mail address`);
}

/**
 * Why a step, with its templates filled, would fail on the record: what can be known by reading only (a dry run
 * reports it as the step's error). Undefined when nothing is known to stop it.
 */
export async function stepProblem(
  store: Store,
  action: ActionConfig,
  on: { entityType: EntityType; entity: Entity; now: Date; timeZone: string },
): Promise<string | undefined> {
  const { entityType, entity } = on;
  if (action.type === 'planActivity') {
    const responsibleId = str(typeof action.responsible === 'string' ? action.responsible.trim() : undefined) ?? str(entity.responsibleId);
    if (!responsibleId) return noResponsible(entityType);
    if (!(await store.records.get('user', responsibleId))) return noSuchUser(responsibleId);
    try {
      dueAt(String(action.due), on.now, on.timeZone);
    } catch (error) {
      if (error instanceof ValidationFailed) return error.message;
      throw error;
    }
  }
  if (action.type === 'sendEmail' && action.to === 'contact') {
    const contact = entityType === 'contact' ? entity : str(entity.contactId) ? await store.records.get('contact', str(entity.contactId)!) : undefined;
    if (!contactAddress(contact, entity)) return noRecipient(action, entityType, entity, contact);
  }
  if (action.type === 'sendEmail' && action.to === 'responsible') {
    const responsibleId = str(entity.responsibleId);
    const user = responsibleId ? await store.records.get('user', responsibleId) : undefined;
    if (responsibleId && !user) return `no user with id ${responsibleId} to mail (deleted since?)`;
    if (!str(user?.email)) return noRecipient(action, entityType, entity, undefined);
  }
  if (action.type === 'notify') {
    const userId = action.to === 'userId' ? str(action.userId) : str(entity.responsibleId);
    if (!userId) return action.to === 'userId' ? 'the step names no user to notify' : noOneToNotify(entityType);
    if (!(await store.records.get('user', userId))) return noSuchUser(userId);
  }
  return undefined;
}

/** The address a mail `to: contact` goes to: the contact's first, else the record's own (a lead's). */
const contactAddress = (contact: Entity | undefined, entity: Entity): string | undefined =>
  str((contact?.emails as string[] | undefined)?.[0]) ?? str((entity.emails as string[] | undefined)?.[0]);

export function createActions(deps: ActionDeps) {
  const { store } = deps;

  /**
   * The contact the system unlinked from a record because that contact was deleted: the latest change of the
   * record's `contactId`, when it was the unlink rule's. Undefined when the latest change was anyone else's (a
   * person who unlinked or relinked on purpose) or the record never had one.
   */
  async function contactUnlinkedByDeletion(type: EntityType, id: string): Promise<string | undefined> {
    const { items } = await store.records.history(type, id, { limit: 25 });
    const latest = items.find((entry) => entry.changes.contactId !== undefined);
    if (!latest?.actor.via || !('system' in latest.actor.via) || latest.actor.via.system !== unlinkDeletedRule.name) return undefined;
    return str(latest.changes.contactId?.from);
  }

  const executors: Record<string, (action: ActionConfig, ctx: StepContext, entity: Entity, caller: Caller) => Promise<StepOutcome>> = {
    assign: createAssign(deps),
    callWebhook: createCallWebhook({ store, send: deps.sendWebhook }),
    async createLead(action, ctx, entity, caller) {
      const contact = await linkedContact(deps, entity, ctx.entityType);
      const responsibleId = await responsibleOf(ctx, action.responsible, entity);
      const lead = {
        title: await ctx.render(String(action.title)),
        ...(contact ? { name: contact.name, emails: contact.emails ?? [], phones: contact.phones ?? [] } : {}),
        source: `automation:${ctx.automationName}`,
        ...(responsibleId ? { responsibleId } : {}),
        fields: { fromEntityType: ctx.entityType, fromEntityId: ctx.entityId },
      };
      // The contact's name and addresses are copied: the lead at that version shows them.
      return createOnce(deps, 'lead', lead, caller, ctx, (record) => `created lead ${quoted(record.title)}`, ['title', 'responsibleId']);
    },

    async copyDeal(action, ctx, entity, caller) {
      const { id: _id, version: _v, createdAt: _ca, updatedAt: _ua, createdBy: _cb, updatedBy: _ub, ...fields } = entity;
      const responsibleId = await responsibleOf(ctx, action.responsible, entity);
      const title = str(action.title) ? await ctx.render(String(action.title)) : `${String(entity.title)} (copy)`;
      const copy = {
        ...fields,
        title,
        pipelineId: action.pipelineId,
        stageId: action.stageId,
        ...(responsibleId ? { responsibleId } : {}),
      };
      return createOnce(deps, 'deal', copy, caller, ctx, (record) => `copied the deal to ${String(action.pipelineId)} as ${quoted(record.title)}`, [
        'title',
        'pipelineId',
        'stageId',
        'responsibleId',
      ]);
    },

    async planActivity(action, ctx, entity, caller) {
      const responsibleId = await responsibleOf(ctx, action.responsible, entity);
      if (!responsibleId) throw new StepFailed(noResponsible(ctx.entityType));
      await requireUser(responsibleId);
      const activity = {
        subject: await ctx.render(String(action.subject)),
        activityType: action.activityType ?? 'task',
        dueAt: dueAt(await ctx.render(String(action.due)), deps.clock.now(), ctx.timeZone),
        responsibleId,
        entityType: ctx.entityType,
        entityId: ctx.entityId,
        ...(action.autoComplete ? { autoComplete: true, ...(str(entity.stageId) ? { plannedInStageId: entity.stageId } : {}) } : {}),
      };
      return createOnce(deps, 'activity', activity, caller, ctx, (record) => `planned ${String(record.activityType ?? 'activity')} ${quoted(record.subject)}`, [
        'subject',
        'activityType',
        'dueAt',
        'responsibleId',
      ]);
    },

    async addToExceptions(action, ctx, entity, caller) {
      // The contact as the run saw it, even if someone deleted it meanwhile: its details still go on the list. A
      // deleted contact is also unlinked from its deals (shared/crm/unlink-deleted.ts), before or after the trigger:
      // then the contact the system unlinked for that reason is the one (a person's own unlink is left alone).
      const contactId = ctx.entityType === 'contact' ? undefined : (str(entity.contactId) ?? (await contactUnlinkedByDeletion(ctx.entityType, entity.id)));
      const contact = ctx.entityType === 'contact' ? entity : contactId ? await store.records.lastKnown('contact', contactId) : undefined;
      const sources = [entity, ...(contact && contact !== entity ? [contact] : [])];
      const values = new Set<string>();
      for (const source of sources) {
        for (const value of [...((source.emails as string[]) ?? []), ...((source.phones as string[]) ?? [])]) values.add(value);
      }
      const actor = automationActor(ctx.automationId, ctx.runId);
      const added: string[] = [];
      for (const value of values) {
        const point = await normaliseContactPoint(value);
        if (!point) continue;
        const { created } = await store.exceptions.add(point, `automation ${ctx.automationName}`, actor);
        if (created) added.push(point.value);
      }
      const deleted: RecordRef[] = [];
      if (action.deleteEntity) {
        for (const [type, record] of [[ctx.entityType, entity], ...(contact && contact !== entity ? [['contact', contact] as const] : [])] as const) {
          // Deleted by someone else meanwhile (a person's DELETE racing this step) is done, not failed.
          const current = await store.records.get(type, record.id);
          if (!current) continue;
          try {
            await deps.records.remove(type as 'contact', record.id, caller);
            // The tombstone is the next version.
            deleted.push(recordRef(type, { id: record.id, version: current.version + 1 }, 'deleted'));
          } catch (error) {
            if (!(error instanceof NotFound)) throw error;
          }
        }
      }
      const what = `excepted ${values.size} value(s)${added.length < values.size ? ` (${added.length} new)` : ''}${
        deleted.length ? `, deleted ${deleted.map((ref) => `${ref.type} ${ref.id}`).join(' and ')}` : ''
      }`;
      if (added.length === 0 && deleted.length === 0) {
        return { ...noop(what, values.size === 0 ? 'the record has no e-mail or phone' : 'every value was on the list already'), excepted: [...values], added };
      }
      return { result: 'changed', done: what, excepted: [...values], added, records: deleted };
    },

    async sendEmail(action, ctx, entity) {
      const { to, contact } = await recipient(action, ctx, entity);
      if (!to) throw new StepFailed(noRecipient(action, ctx.entityType, entity, contact));
      const subject = await ctx.render(String(action.subject));
      const text = await ctx.render(String(action.body));
      const html = typeof action.html === 'string' ? await ctx.render(action.html) : undefined;
      // The run log keeps the text body and the HTML part as rendered (their start); the marker keeps them too, so a
      // retry after a lost answer reports the mail the first attempt sent.
      const body = keptBody(text, html);
      const claim = await store.stepMarkers.claim(stepScope(ctx), ctx.stepIndex, { to, subject: keptSubject(subject), ...body });
      if (!claim.first) {
        const sent = (claim.sent as Omit<MailRef, 'status'> | undefined) ?? { to, subject: keptSubject(subject), ...body };
        return { result: 'changed', done: `mailed ${sent.to} (by an earlier attempt)`, mails: [{ ...sent, status: 'sent' }] };
      }
      let outcome: Awaited<ReturnType<SendMail>>;
      try {
        outcome = await deps.sendMail({
          to,
          subject,
          text,
          ...(html === undefined ? {} : { html }),
          tags: { automation: ctx.automationId, run: ctx.runId, step: String(ctx.stepIndex) },
        });
      } catch (error) {
        await store.stepMarkers.release(stepScope(ctx), ctx.stepIndex);
        throw error;
      }
      if (!outcome.sent) {
        const reason = `${outcome.to} is on the exceptions list`;
        return { result: 'suppressed', done: `did not mail ${outcome.to}: it is on the exceptions list`, reason, mails: [{ to: outcome.to, subject: keptSubject(subject), status: 'suppressed', reason, ...body }] };
      }
      return { result: 'changed', done: `mailed ${outcome.to}`, mails: [{ to: outcome.to, subject: keptSubject(subject), status: 'sent', messageId: outcome.messageId, ...body }] };
    },

    async notify(action, ctx, entity) {
      const userId = action.to === 'userId' ? str(action.userId) : str(entity.responsibleId);
      if (!userId) throw new StepFailed(action.to === 'userId' ? 'the step names no user to notify' : noOneToNotify(ctx.entityType));
      const user = await requireUser(userId);
      const message = await ctx.render(String(action.message));
      const id = stepId(stepScope(ctx), ctx.stepIndex, ctx.plannedAt);
      const { created } = await store.notifications.add({ id, userId, message, from: { automationId: ctx.automationId, runId: ctx.runId } });
      const email = str(user.email);
      // The mail goes out with the first delivery only; a retry finds the notification stored.
      const mailed = created && email ? await deps.sendMail({ to: email, subject: message.slice(0, 120), text: message }) : undefined;
      const kept = keptText(message);
      return {
        result: 'changed',
        done: `notified ${userId}${mailed?.sent ? ' (and mailed)' : ''}`,
        notifications: [{ userId, id, mailed: mailed?.sent === true, message: kept.text, ...(kept.truncated ? { truncated: kept.truncated } : {}) }],
        ...(mailed
          ? {
              mails: [
                {
                  to: mailed.to,
                  subject: message.slice(0, 120),
                  status: mailed.sent ? 'sent' : 'suppressed',
                  ...(mailed.sent ? {} : { reason: `${mailed.to} is on the exceptions list` }),
                  ...keptBody(message),
                },
              ],
            }
          : {}),
      };
    },

    async updateFields(action, ctx, entity, caller) {
      const set = (action.set ?? {}) as Record<string, string>;
      const patch: Record<string, unknown> = {};
      // Each field by its path as the step names it (`amount`, `fields.tier`), with its value: what the run log
      // says was set.
      const changed: string[] = [];
      const values: Record<string, unknown> = {};
      for (const [field, template] of Object.entries(set)) {
        const rendered = await ctx.render(template);
        const value = typeof fieldValue(entity, field) === 'number' || field === 'amount' ? Number(rendered) : rendered;
        if (JSON.stringify(fieldValue(entity, field)) !== JSON.stringify(value)) {
          changed.push(field);
          values[field] = value;
        }
        // A custom field travels as a merge patch of `fields`, which keeps the record's other custom fields.
        const [head, custom] = fieldSegments(field);
        if (custom === undefined) patch[head] = value;
        else patch.fields = { ...(patch.fields as Record<string, unknown> | undefined), [custom]: value };
      }
      if (changed.length === 0) return noop(`${Object.keys(set).join(', ')} already set`, 'every field already had its value');
      const outcomeOf = (record: Entity): StepOutcome => ({
        result: 'changed',
        done: `set ${changed.join(', ')}`,
        records: [recordRef(ctx.entityType, record, 'updated', changed, values)],
      });
      return outcomeOf(await deps.records.update(ctx.entityType as 'deal', ctx.entityId, patch, caller, undefined, stepWrite(ctx, outcomeOf)));
    },

    async moveToStage(action, ctx, entity, caller) {
      const target = String(action.stageId);
      const only = str(action.pipelineId);
      if (only !== undefined && entity.pipelineId !== only)
        return noop(`not moved: this step moves deals of pipeline ${only}`, `the ${ctx.entityType} is in ${String(entity.pipelineId ?? 'no pipeline')}, not ${only}`);
      const from = String(entity.stageId);
      let order: string[];
      if (ctx.entityType === 'deal') {
        const found = await store.records.get('pipeline', String(entity.pipelineId));
        if (!found) throw new StepFailed(`the deal's pipeline ${String(entity.pipelineId)} does not exist`);
        const pipeline = Pipeline.parse(found);
        if (!stageOf(pipeline, target)) {
          throw new StepFailed(`pipeline ${pipeline.id} has no stage ${target} (its stages: ${pipeline.stages.map((stage) => stage.id).join(', ')})`);
        }
        order = pipeline.stages.map((stage) => stage.id);
      } else if (ctx.entityType === 'lead') {
        if (!(leadStages as readonly string[]).includes(target)) throw new StepFailed(`leads have no stage ${target} (their stages: ${leadStages.join(', ')})`);
        order = [...leadStages];
      } else {
        throw new StepFailed(`a ${ctx.entityType} has no stages`);
      }
      if (from === target) return noop(`already in ${target}`, `the ${ctx.entityType} is in ${target} already`);
      if (!action.allowBackward && order.indexOf(target) < order.indexOf(from)) {
        return noop(`not moved back from ${from} to ${target}`, 'a backward move, and the step does not allow it');
      }
      const outcomeOf = (record: Entity): StepOutcome => ({
        result: 'changed',
        done: `moved the ${ctx.entityType} from ${from} to ${target}`,
        records: [recordRef(ctx.entityType, record, 'updated', ['stageId'], { stageId: target })],
      });
      return outcomeOf(await deps.records.update(ctx.entityType as 'deal', ctx.entityId, { stageId: target }, caller, undefined, stepWrite(ctx, outcomeOf)));
    },
    ...documentExecutors(deps, deps.documents),
  };

  async function requireUser(userId: string): Promise<Entity> {
    const user = await store.records.get('user', userId);
    if (!user) throw new StepFailed(noSuchUser(userId));
    return user;
  }

  /** Who a mail goes to, and for `to: contact` the contact it looked at (none: the record has no contact). */
  async function recipient(action: ActionConfig, ctx: StepContext, entity: Entity): Promise<{ to: string | undefined; contact?: Entity }> {
    if (action.to === 'address') return { to: str(await ctx.render(String(action.address ?? ''))) };
    if (action.to === 'responsible') {
      const responsibleId = str(entity.responsibleId);
      const user = responsibleId ? await store.records.get('user', responsibleId) : undefined;
      if (responsibleId && !user) throw ValidationFailed.field('responsibleId', `no user with id ${responsibleId} to mail (deleted since?)`);
      return { to: str(user?.email) };
    }
    const contact = await linkedContact(deps, entity, ctx.entityType);
    return { to: contactAddress(contact, entity), ...(contact ? { contact } : {}) };
  }

  /** Runs one step against the record as it is now; says who the step acted as (the Butler, or the author while it is off). */
  async function runStep(action: ActionConfig, ctx: StepContext, entity: Entity): Promise<StepOutcome & { actor: Actor }> {
    const executor = executors[action.type];
    if (!executor) throw ValidationFailed.field('action.type', `unknown action ${action.type}`);
    const creditedTo = await creditedUser(store, { automationId: ctx.automationId });
    const caller: Caller = {
      kind: 'automation',
      automationId: ctx.automationId,
      runId: ctx.runId,
      cause: { automationId: ctx.automationId, depth: ctx.depth + 1 },
      ...(creditedTo ? { creditedTo } : {}),
    };
    const actor = actorOf(caller);
    // The step's log line names who it acted as.
    const logWith = ctx.logWith;
    const acting: StepContext = logWith ? { ...ctx, logWith: (outcomeOf) => logWith(outcomeOf, actor) } : ctx;
    try {
      return { ...(await executor(action, acting, entity, caller)), actor };
    } catch (error) {
      // A record the step would create or change carries an address on the exceptions list: policy, not a fault
      // (no redrive could make it succeed), as for a mail to such an address.
      if (!(error instanceof ContactExcepted)) throw error;
      const values = (error.details as Array<{ value: string }>).map((detail) => detail.value).join(', ');
      const reason = `${values} ${values.includes(', ') ? 'are' : 'is'} on the exceptions list`;
      return { result: 'suppressed', done: `wrote nothing: ${reason}`, reason, actor };
    }
  }

  return { runStep, actionTypes: Object.keys(executors) };
}

export type Actions = ReturnType<typeof createActions>;
