// SES feedback into the exceptions list (docs/ARCHITECTURE.md §11): an address that bounced permanently or
// complained is never mailed again. SES publishes the events of the configuration set to SNS;
// the ses-feedback function hands each SNS message here.
import type { SNSEvent } from 'aws-lambda';
import { type Actor, integrationActor } from '#shared/domain/actors.ts';
import { normaliseEmail } from '#shared/domain/contact-points.ts';
import type { Logger } from '#shared/ports.ts';
import type { Exceptions } from '#shared/store/exceptions.ts';

/** SES feedback writes as the Butler, through the `ses` integration. */
export const sesFeedbackActor: Actor = integrationActor('ses');

/** One address to put on the list, and why. */
export interface FeedbackEntry {
  email: string;
  reason: string;
}

interface SesRecipient {
  emailAddress?: unknown;
}

/** The parts of an SES event-publishing record (or an identity notification) that matter here. */
interface SesFeedbackMessage {
  eventType?: unknown;
  notificationType?: unknown;
  mail?: { messageId?: unknown };
  bounce?: { bounceType?: unknown; bounceSubType?: unknown; bouncedRecipients?: unknown };
  complaint?: { complaintFeedbackType?: unknown; complainedRecipients?: unknown };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** `Jane <jane@example.com>` and `jane@example.com` alike, normalised; undefined when it is no address. */
function addressOf(recipient: unknown): string | undefined {
  const raw = text((recipient as SesRecipient | null)?.emailAddress);
  if (!raw) return undefined;
  return normaliseEmail(/<([^>]+)>/.exec(raw)?.[1] ?? raw);
}

function recipientsOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map(addressOf).filter((address): address is string => address !== undefined);
}

/**
 * The addresses an SES feedback message puts on the exceptions list. Only permanent bounces
 * count: a transient one (a full mailbox, a greylisting server) says nothing about the address,
 * and an undetermined one is not proof either. Every complaint counts: the person said no.
 * Any other message (a delivery, a malformed one) yields nothing.
 */
export function feedbackEntries(message: unknown): FeedbackEntry[] {
  if (!message || typeof message !== 'object') return [];
  const ses = message as SesFeedbackMessage;
  // Event publishing says `eventType`; identity notifications say `notificationType`.
  const type = text(ses.eventType) ?? text(ses.notificationType);
  const messageId = text(ses.mail?.messageId);
  const about = messageId ? `, SES message ${messageId}` : '';
  if (type === 'Bounce' && ses.bounce?.bounceType === 'Permanent') {
    const subType = text(ses.bounce.bounceSubType) ?? 'General';
    return recipientsOf(ses.bounce.bouncedRecipients).map((email) => ({ email, reason: `SES permanent bounce (${subType})${about}` }));
  }
  if (type === 'Complaint') {
    const feedbackType = text(ses.complaint?.complaintFeedbackType);
    const kind = feedbackType ? ` (${feedbackType})` : '';
    return recipientsOf(ses.complaint?.complainedRecipients).map((email) => ({ email, reason: `SES complaint${kind}${about}` }));
  }
  return [];
}

export interface SesFeedbackDeps {
  exceptions: Pick<Exceptions, 'add'>;
  logger: Logger;
}

/** The ses-feedback handler: every SNS record, every address it names, onto the list. */
export function createSesFeedback({ exceptions, logger }: SesFeedbackDeps) {
  return async function recordSesFeedback(event: SNSEvent): Promise<void> {
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.Sns.Message);
      } catch {
        // Retrying cannot make it JSON: say so and move on rather than fail the whole event.
        logger.error('SES feedback that is not JSON', { messageId: record.Sns.MessageId });
        continue;
      }
      for (const entry of feedbackEntries(message)) {
        // Adding is idempotent, so SNS delivering a message twice changes nothing.
        const { created } = await exceptions.add({ kind: 'email', value: entry.email }, entry.reason, sesFeedbackActor);
        logger.info(created ? 'address added to the exceptions list' : 'address already on the exceptions list', {
          reason: entry.reason,
        });
      }
    }
  };
}

export type SesFeedback = ReturnType<typeof createSesFeedback>;
