// SES v2 adapter of the Mailer port; the configuration set carries bounce and
// complaint suppression and feedback (infra/constructs/email).
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '#shared/ports.ts';

export function sesMailer(client: SESv2Client, options: { from: string; configurationSetName?: string }): Mailer {
  return {
    async send(message) {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [message.to] },
          ...(message.replyTo ? { ReplyToAddresses: [message.replyTo] } : {}),
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              // With Html, SES sends multipart/alternative: the text part for clients that show no HTML.
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                ...(message.html !== undefined ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
              },
            },
          },
          ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
          // SES tag values allow only [A-Za-z0-9_.@-]; ids are ULIDs, so they pass as they are.
          EmailTags: Object.entries(message.tags ?? {}).map(([Name, Value]) => ({ Name, Value: Value.replace(/[^\w.@-]/g, '_') })),
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}

export { SESv2Client };
