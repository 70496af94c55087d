// What each automation step does to the CRM, always as the Butler on behalf of the
// run (DESIGN §6). Every step is idempotent: what it creates has an id derived from
// (run, step), updates that find their change made change nothing, and mail and
// notifications are keyed by the same id.
import { DateTime, Duration } from 'luxon';
import type { Caller } from '#shared/crm/context.ts';
import type { RecordService } from '#shared/crm/records.ts';
import { automationActor } from '#shared/domain/actors.ts';
import { normaliseContactPoint } from '#shared/domain/contact-points.ts';
import { type Entity, type EntityType, Pipeline, stageIndex } from '#shared/domain/entities.ts';
import { Conflict, ValidationFailed } from '#shared/errors.ts';
import { stepId } from '#shared/ids.ts';
import type { SendMail } from '#shared/mail/guarded-mailer.ts';
import type { Clock } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { WebhookSender } from '#shared/webhooks/outbound.ts';
import { createAssign } from './assign.ts';
import { createCallWebhook } from './webhook.ts';

export type ActionConfig = { type: string } & Record<string, unknown>;

export interface StepContext {
  automationId: string;
  automationName: string;
  runId: string;
  /** 1-based, as the step is named in the run log (`1 · Create lead`). */
  stepIndex: number;
  /** When the step was planned to run (the run's wake time): the time part of derived ids. */
  plannedAt: Date;
  entityType: EntityType;
  entityId: string;
  /** How many automation hops led here; this step's writes are one deeper. */
  depth: number;
  timeZone: string;
  /** Fills a Liquid template with the record, its contact, the event and the run. */
  render(template: string): Promise<string>;
}

/** What a step did, kept in the run log's step output. */
export interface StepOutcome {
  done: string;
  created?: { type: EntityType; id: string };
  skipped?: string[];
  [detail: string]: unknown;
}

export interface ActionDeps {
  store: Store;
  records: RecordService;
  sendMail: SendMail;
  clock: Clock;
  /** Outbound HTTP for callWebhook, with the runtime's address policy. */
  sendWebhook: WebhookSender;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Creates once: a retry meets its own record and reports it as made. */
async function createOnce(deps: ActionDeps, type: 'lead' | 'deal' | 'activity', data: Record<string, unknown>, caller: Caller, id: string) {
  try {
    return { record: await deps.records.create(type, data, caller, { id }), created: true };
  } catch (error) {
    if (error instanceof Conflict && error.code === 'ALREADY_EXISTS') {
      const existing = await deps.store.records.get(type, id);
      if (existing) return { record: existing, created: false };
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
    const duration = Duration.fromISO(due.replace(/^-/, ''));
    if (!duration.isValid) throw ValidationFailed.field('due', `not a duration or date: ${due}`);
    const start = DateTime.fromJSDate(now, { zone: timeZone });
    return (due.startsWith('-') ? start.minus(duration) : start.plus(duration)).toUTC().toISO() ?? now.toISOString();
  }
  const date = DateTime.fromISO(due, { zone: timeZone });
  if (!date.isValid) throw ValidationFailed.field('due', `not a duration or date: ${due}`);
  return date.toUTC().toISO() ?? now.toISOString();
}

async function responsibleOf(ctx: StepContext, configured: unknown, entity: Entity): Promise<string | undefined> {
  const rendered = typeof configured === 'string' ? (await ctx.render(configured)).trim() : '';
  return rendered || str(entity.responsibleId);
}

export function createActions(deps: ActionDeps) {
  const { store } = deps;

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
      const { record, created } = await createOnce(deps, 'lead', lead, caller, stepId(ctx.runId, ctx.stepIndex, ctx.plannedAt));
      return { done: created ? 'created a lead' : 'the lead existed already', created: { type: 'lead', id: record.id } };
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
      const { record, created } = await createOnce(deps, 'deal', copy, caller, stepId(ctx.runId, ctx.stepIndex, ctx.plannedAt));
      return { done: created ? `copied the deal to ${String(action.pipelineId)}` : 'the copy existed already', created: { type: 'deal', id: record.id } };
    },

    async planActivity(action, ctx, entity, caller) {
      const responsibleId = await responsibleOf(ctx, action.responsible, entity);
      if (!responsibleId) throw ValidationFailed.field('responsible', 'the record has no responsible user and the step names none');
      const activity = {
        subject: await ctx.render(String(action.subject)),
        activityType: action.activityType ?? 'task',
        dueAt: dueAt(await ctx.render(String(action.due)), deps.clock.now(), ctx.timeZone),
        responsibleId,
        entityType: ctx.entityType,
        entityId: ctx.entityId,
        ...(action.autoComplete ? { autoComplete: true, ...(str(entity.stageId) ? { plannedInStageId: entity.stageId } : {}) } : {}),
      };
      const { record, created } = await createOnce(deps, 'activity', activity, caller, stepId(ctx.runId, ctx.stepIndex, ctx.plannedAt));
      return { done: created ? 'planned an activity' : 'the activity existed already', created: { type: 'activity', id: record.id } };
    },

    async addToExceptions(action, ctx, entity, caller) {
      const contact = await linkedContact(deps, entity, ctx.entityType);
      const sources = [entity, ...(contact && contact !== entity ? [contact] : [])];
      const values = new Set<string>();
      for (const source of sources) {
        for (const value of [...((source.emails as string[]) ?? []), ...((source.phones as string[]) ?? [])]) values.add(value);
      }
      const actor = automationActor(ctx.automationId, ctx.runId);
      const added: string[] = [];
      for (const value of values) {
        const point = normaliseContactPoint(value);
        if (!point) continue;
        const { created } = await store.exceptions.add(point, `automation ${ctx.automationName}`, actor);
        if (created) added.push(point.value);
      }
      const deleted: string[] = [];
      if (action.deleteEntity) {
        for (const [type, record] of [[ctx.entityType, entity], ...(contact && contact !== entity ? [['contact', contact] as const] : [])] as const) {
          if (await store.records.get(type, record.id)) {
            await deps.records.remove(type as 'contact', record.id, caller);
            deleted.push(`${type} ${record.id}`);
          }
        }
      }
      return { done: `excepted ${values.size} value(s)${deleted.length ? `, deleted ${deleted.join(' and ')}` : ''}`, excepted: [...values], added, deleted };
    },

    async sendEmail(action, ctx, entity) {
      const to = await recipient(action, ctx, entity);
      if (!to) return { done: 'no recipient address', skipped: ['no address'] };
      if (!(await store.stepMarkers.claim(ctx.runId, ctx.stepIndex))) return { done: 'mailed already (a retried step)' };
      let outcome: Awaited<ReturnType<SendMail>>;
      try {
        outcome = await deps.sendMail({
          to,
          subject: await ctx.render(String(action.subject)),
          text: await ctx.render(String(action.body)),
          tags: { automation: ctx.automationId, run: ctx.runId, step: String(ctx.stepIndex) },
        });
      } catch (error) {
        await store.stepMarkers.release(ctx.runId, ctx.stepIndex);
        throw error;
      }
      return outcome.sent
        ? { done: `mailed ${outcome.to}`, messageId: outcome.messageId }
        : { done: `did not mail ${outcome.to}: it is on the exceptions list`, skipped: [outcome.to] };
    },

    async notify(action, ctx, entity) {
      const userId = action.to === 'userId' ? str(action.userId) : str(entity.responsibleId);
      if (!userId) return { done: 'nobody to notify', skipped: ['no user'] };
      const message = await ctx.render(String(action.message));
      const id = stepId(ctx.runId, ctx.stepIndex, ctx.plannedAt);
      const { created } = await store.notifications.add({ id, userId, message, from: { automationId: ctx.automationId, runId: ctx.runId } });
      const user = await store.records.get('user', userId);
      const email = str(user?.email);
      // The mail goes out with the first delivery only; a retry finds the notification stored.
      const mailed = created && email ? await deps.sendMail({ to: email, subject: message.slice(0, 120), text: message }) : undefined;
      return { done: `notified ${userId}${mailed?.sent ? ' (and mailed)' : ''}`, notificationId: id };
    },

    async updateFields(action, ctx, entity, caller) {
      const set = (action.set ?? {}) as Record<string, string>;
      const patch: Record<string, unknown> = {};
      for (const [field, template] of Object.entries(set)) {
        const rendered = await ctx.render(template);
        patch[field] = typeof entity[field] === 'number' || field === 'amount' ? Number(rendered) : rendered;
      }
      const updated = await deps.records.update(ctx.entityType as 'deal', ctx.entityId, patch, caller);
      return { done: `set ${Object.keys(patch).join(', ')}`, version: updated.version };
    },

    async moveToStage(action, ctx, entity, caller) {
      const target = String(action.stageId);
      if (entity.stageId === target) return { done: `already in ${target}` };
      if (ctx.entityType === 'deal' && !action.allowBackward) {
        const pipeline = Pipeline.parse(await store.records.require('pipeline', String(entity.pipelineId)));
        if (stageIndex(pipeline, target) < stageIndex(pipeline, String(entity.stageId))) {
          return { done: `not moved back from ${String(entity.stageId)} to ${target}`, skipped: ['backward move'] };
        }
      }
      await deps.records.update(ctx.entityType as 'deal', ctx.entityId, { stageId: target }, caller);
      return { done: `moved to ${target}` };
    },
  };

  async function recipient(action: ActionConfig, ctx: StepContext, entity: Entity): Promise<string | undefined> {
    if (action.to === 'address') return str(await ctx.render(String(action.address ?? '')));
    if (action.to === 'responsible') {
      const responsibleId = str(entity.responsibleId);
      const user = responsibleId ? await store.records.get('user', responsibleId) : undefined;
      return str(user?.email);
    }
    const contact = await linkedContact(deps, entity, ctx.entityType);
    return str((contact?.emails as string[] | undefined)?.[0]) ?? str((entity.emails as string[] | undefined)?.[0]);
  }

  /** Runs one step against the record as it is now. */
  async function runStep(action: ActionConfig, ctx: StepContext, entity: Entity): Promise<StepOutcome> {
    const executor = executors[action.type];
    if (!executor) throw ValidationFailed.field('action.type', `unknown action ${action.type}`);
    const caller: Caller = {
      kind: 'automation',
      automationId: ctx.automationId,
      runId: ctx.runId,
      cause: { automationId: ctx.automationId, depth: ctx.depth + 1 },
    };
    return executor(action, ctx, entity, caller);
  }

  return { runStep, actionTypes: Object.keys(executors) };
}

export type Actions = ReturnType<typeof createActions>;
