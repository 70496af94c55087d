// The paperwork steps of an automation: createDocument makes a
// document from a template on the run's record; sendDocument mails or texts its recipient a tracked
// link. Both are idempotent like every step: the document's id derives from (run, step), and the
// message goes out once per step (a step marker), never to an address on the exceptions list.
import type { Caller } from '#shared/crm/context.ts';
import type { DocumentLinkService } from '#shared/crm/document-links.ts';
import { countryFor } from '#shared/crm/settings.ts';
import { normalisePhone } from '#shared/domain/contact-points.ts';
import { DOCUMENT_LINK_DAYS } from '#shared/domain/documents.ts';
import type { Entity } from '#shared/domain/entities.ts';
import { Conflict } from '#shared/errors.ts';
import { stepId } from '#shared/ids.ts';
import type { SendSms } from '#shared/sms/guarded-sms.ts';
import type { RecordService } from '#shared/crm/records.ts';
import type { SendMail } from '#shared/mail/guarded-mailer.ts';
import type { Store } from '#shared/store/index.ts';
import { type ActionConfig, type StepContext, type StepOutcome, StepFailed, keptBody, keptSubject, keptText, recordRef, stepScope, valuesOf } from './step-outcome.ts';

export interface DocumentActionDeps {
  links: DocumentLinkService;
  /** Absent where no SMS channel is configured: an SMS step then fails with a clear error. */
  sendSms?: SendSms;
}

type Executor = (action: ActionConfig, ctx: StepContext, entity: Entity, caller: Caller) => Promise<StepOutcome>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const first = (list: unknown): string | undefined => (Array.isArray(list) ? str(list[0]) : undefined);

/** What the document steps use of run-action's ports (actions.ts's ActionDeps has them). */
interface SharedDeps {
  store: Store;
  records: RecordService;
  sendMail: SendMail;
}

/** A document a step made, with the template and title it was made with. */
const createdDocument = (document: Entity) => recordRef('document', document, 'created', undefined, valuesOf(document, ['templateId', 'title']));

export function documentExecutors(deps: SharedDeps, documents: DocumentActionDeps | undefined): Record<string, Executor> {
  const { store } = deps;

  /** The run's document: the trigger's, or the one the nearest earlier createDocument step made. */
  async function runDocument(ctx: StepContext): Promise<Entity | undefined> {
    const event = ctx.event;
    if (event?.entityType === 'document' && typeof event.entityId === 'string') return store.records.get('document', event.entityId);
    for (let step = ctx.stepIndex - 1; step >= 1; step--) {
      const made = await store.records.get('document', stepId(stepScope(ctx), step, ctx.plannedAt));
      if (made) return made;
    }
    return undefined;
  }

  async function recipient(action: ActionConfig, ctx: StepContext, entity: Entity): Promise<string | undefined> {
    if (action.to === 'address') {
      const address = str(action.address);
      if (!address || action.channel !== 'sms') return address;
      // A national number typed in the step is the workspace's default country's, as everywhere a person types one.
      return (await normalisePhone(address, await countryFor(store, address))) ?? address;
    }
    const contactId = str(entity.contactId);
    const contact = ctx.entityType === 'contact' ? entity : contactId ? await store.records.get('contact', contactId) : undefined;
    const field = action.channel === 'sms' ? 'phones' : 'emails';
    return first(contact?.[field]) ?? first(entity[field]);
  }

  return {
    async createDocument(action, ctx, _entity, caller) {
      const id = stepId(stepScope(ctx), ctx.stepIndex, ctx.plannedAt);
      const data = {
        templateId: action.templateId,
        entityType: ctx.entityType,
        entityId: ctx.entityId,
        ...(str(action.title) ? { title: str(action.title) } : {}),
      };
      try {
        const made = await deps.records.create('document', data, caller, { id });
        return { result: 'changed', done: `created document ${id} from template ${String(action.templateId)}`, records: [createdDocument(made)] };
      } catch (error) {
        if (!(error instanceof Conflict && error.code === 'ALREADY_EXISTS')) throw error;
        const made = await store.records.require('document', id);
        return { result: 'changed', done: `created document ${id} (by an earlier attempt)`, records: [createdDocument(made)] };
      }
    },

    async sendDocument(action, ctx, entity) {
      if (!documents) throw new StepFailed('sendDocument needs the document link service; none is configured here.');
      const document = await runDocument(ctx);
      if (!document) throw new StepFailed('The run has no document to send: it was deleted, or no createDocument step made one.');
      const channel = action.channel === 'sms' ? 'sms' : 'email';
      const to = await recipient(action, ctx, entity);
      if (!to) throw new StepFailed(`Nobody to send the document to: the recipient has no ${channel === 'sms' ? 'phone' : 'e-mail address'}.`);
      if (channel === 'sms' && !documents.sendSms) throw new StepFailed('No SMS channel is configured.');
      const subject = str(action.subject) ?? String(document.title);
      const sentBefore = { result: 'changed', done: `sent ${to} a link to document ${document.id} (by an earlier attempt)` } as const;
      if (!(await store.stepMarkers.claim(stepScope(ctx), ctx.stepIndex)).first)
        return channel === 'email' ? { ...sentBefore, mails: [{ to, subject: keptSubject(subject), status: 'sent' }] } : { ...sentBefore, texts: [{ to, status: 'sent' }] };
      try {
        const { url, link } = await documents.links.issue(document.id, { channel, address: to });
        const intro = str(action.message) ?? `${String(document.title)} is ready for you.`;
        const text = `${intro}\n\n${url}\n\nThe link is valid for ${DOCUMENT_LINK_DAYS} days.`;
        // The link opens the document to whoever holds it: the run log keeps the mail or the text without it.
        const kept = text.replace(url, `[link ${link.linkId}]`);
        const tags = { automation: ctx.automationId, run: ctx.runId, step: String(ctx.stepIndex), document: document.id };
        const outcome = channel === 'sms' ? await documents.sendSms!({ to, text, tags }) : await deps.sendMail({ to, subject, text, tags });
        const sent = (status: 'sent' | 'suppressed', extra: { reason?: string; messageId?: string } = {}) => {
          if (channel === 'email') return { mails: [{ to: outcome.to, subject: keptSubject(subject), status, ...extra, ...keptBody(kept) }] };
          const { text: body, truncated } = keptText(kept);
          return { texts: [{ to: outcome.to, status, ...extra, body, ...(truncated ? { truncated } : {}) }] };
        };
        if (!outcome.sent) {
          const reason = `${outcome.to} is on the exceptions list`;
          return { result: 'suppressed', done: `did not send document ${document.id} to ${outcome.to}: it is on the exceptions list`, reason, ...sent('suppressed', { reason }) };
        }
        return { result: 'changed', done: `sent ${outcome.to} link ${link.linkId} to document ${document.id}`, ...sent('sent', { messageId: outcome.messageId }) };
      } catch (error) {
        await store.stepMarkers.release(stepScope(ctx), ctx.stepIndex);
        throw error;
      }
    },
  };
}
