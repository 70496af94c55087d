// Every mail goes through here: an address on the exceptions list is never mailed,
// whatever sent it, and the caller learns that it was skipped.
import { normaliseEmail } from '#shared/domain/contact-points.ts';
import { ValidationFailed } from '#shared/errors.ts';
import type { Mailer, MailMessage } from '#shared/ports.ts';
import type { Exceptions } from '#shared/store/exceptions.ts';

export type MailOutcome = { sent: true; messageId: string; to: string } | { sent: false; reason: 'excepted'; to: string };

export function createGuardedMailer(mailer: Mailer, exceptions: Pick<Exceptions, 'excepted'>) {
  return async function sendMail(message: MailMessage): Promise<MailOutcome> {
    const to = normaliseEmail(message.to);
    if (!to) throw ValidationFailed.field('to', `not an e-mail address: ${message.to}`);
    const excepted = await exceptions.excepted([to]);
    if (excepted.length > 0) return { sent: false, reason: 'excepted', to };
    const { messageId } = await mailer.send({ ...message, to });
    return { sent: true, messageId, to };
  };
}

export type SendMail = ReturnType<typeof createGuardedMailer>;
