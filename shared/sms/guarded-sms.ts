// Every text message goes through here: a number on the exceptions list is never texted,
// whatever sent it, and the caller learns that it was skipped.
import { normalisePhone } from '#shared/domain/contact-points.ts';
import { ValidationFailed } from '#shared/errors.ts';
import type { SmsMessage, SmsSender } from '#shared/ports.ts';
import type { Exceptions } from '#shared/store/exceptions.ts';

export type SmsOutcome = { sent: true; messageId: string; to: string } | { sent: false; reason: 'excepted'; to: string };

export function createGuardedSms(sender: SmsSender, exceptions: Pick<Exceptions, 'excepted'>) {
  return async function sendSms(message: SmsMessage): Promise<SmsOutcome> {
    const to = await normalisePhone(message.to);
    if (!to) throw ValidationFailed.field('to', `not a phone number in international format: ${message.to}`);
    if ((await exceptions.excepted([to])).length > 0) return { sent: false, reason: 'excepted', to };
    const { messageId } = await sender.send({ ...message, to });
    return { sent: true, messageId, to };
  };
}

export type SendSms = ReturnType<typeof createGuardedSms>;
