// The SES v2 adapter of the Mailer port, against a mocked SES client: what it asks SES to send.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#shared/aws/mailer.ts';

const client = new SESv2Client({ region: 'eu-west-1' });
const ses = mockClient(client);
const mailer = sesMailer(client, { from: 'crm@example.com', configurationSetName: 'stagecraft-dev' });

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

afterAll(() => {
  ses.restore();
});

describe('sesMailer', () => {
  it('sends the HTML beside the text, both UTF-8: SES makes it multipart/alternative', async () => {
    // Act
    const sent = await mailer.send({ to: 'ada@example.com', subject: 'Grüße', text: 'Dear Ada', html: '<p>Dear <b>Ada</b></p>', tags: { automation: 'a1' } });

    // Assess
    expect(sent).toEqual({ messageId: 'ses-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      FromEmailAddress: 'crm@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Grüße', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Dear Ada', Charset: 'UTF-8' }, Html: { Data: '<p>Dear <b>Ada</b></p>', Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'stagecraft-dev',
      EmailTags: [{ Name: 'automation', Value: 'a1' }],
    });
  });

  it('sends text only when the mail has no HTML', async () => {
    // Act
    await mailer.send({ to: 'ada@example.com', subject: 'Hi', text: 'Dear Ada' });

    // Assess
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body).toEqual({ Text: { Data: 'Dear Ada', Charset: 'UTF-8' } });
  });
});
