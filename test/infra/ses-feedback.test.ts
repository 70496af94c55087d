// SES bounces and complaints, as SNS delivers them to the ses-feedback function, against
// DynamoDB Local: what ends on the exceptions list, why, and by whom.
import type { SNSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSesFeedback, type SesFeedback } from '#shared/mail/feedback.ts';
import { type Exceptions, createExceptions } from '#shared/store/exceptions.ts';
import { createTestTable, manualClock, silentLogger, ulidIds } from '#test/support/table.ts';

const mail = (to: string[]) => ({
  timestamp: '2026-03-02T09:59:58.000Z',
  source: 'Stagecraft <crm@example.com>',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
  sendingAccountId: '123456789012',
  messageId: '0102018e0a1b2c3d-11111111-2222-3333-4444-555555555555-000000',
  destination: to,
  headersTruncated: false,
  tags: { 'ses:configuration-set': ['stagecraft-test'], automationId: ['01JAUTOMATION0000000000000'] },
});

/** SES event publishing: a bounce of `to`. */
const bounce = (bounceType: 'Permanent' | 'Transient' | 'Undetermined', to: string[], bounceSubType = 'General') => ({
  eventType: 'Bounce',
  bounce: {
    feedbackId: '0102018e0a1b2c3e-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-000000',
    bounceType,
    bounceSubType,
    bouncedRecipients: to.map((emailAddress) => ({ emailAddress, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
    timestamp: '2026-03-02T10:00:01.000Z',
    reportingMTA: 'dns; b224-13.smtp-out.eu-west-1.amazonses.com',
  },
  mail: mail(to),
});

/** SES event publishing: a complaint from `to`. */
const complaint = (to: string[]) => ({
  eventType: 'Complaint',
  complaint: {
    feedbackId: '0102018e0a1b2c3f-ffffffff-0000-1111-2222-333333333333-000000',
    complaintSubType: null,
    complainedRecipients: to.map((emailAddress) => ({ emailAddress })),
    timestamp: '2026-03-02T11:00:00.000Z',
    userAgent: 'Yahoo!-Mail-Feedback/2.0',
    complaintFeedbackType: 'abuse',
    arrivalDate: '2026-03-02T10:59:00.000Z',
  },
  mail: mail(to),
});

/** What SNS hands to a Lambda subscriber: each message JSON-encoded in `Sns.Message`. */
function snsEvent(...messages: Array<object | string>): SNSEvent {
  return {
    Records: messages.map((message, index) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:stagecraft-test-feedback:0f1e2d3c-0000-4000-8000-000000000000',
      Sns: {
        Type: 'Notification',
        MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5${index}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:stagecraft-test-feedback',
        Subject: '',
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: '2026-03-02T10:00:02.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
        UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

let exceptions: Exceptions;
let recordSesFeedback: SesFeedback;

beforeAll(async () => {
  const clock = manualClock('2026-03-02T10:00:05.000Z');
  exceptions = createExceptions(await createTestTable(), clock, ulidIds(clock));
  recordSesFeedback = createSesFeedback({ exceptions, logger: silentLogger });
});

describe('a permanent bounce', () => {
  it('puts the address on the exceptions list as the Butler, through the ses integration', async () => {
    await recordSesFeedback(snsEvent(bounce('Permanent', ['gone@example.com'], 'NoEmail')));

    expect(await exceptions.get('gone@example.com')).toEqual({
      value: 'gone@example.com',
      kind: 'email',
      reason: 'SES permanent bounce (NoEmail), SES message 0102018e0a1b2c3d-11111111-2222-3333-4444-555555555555-000000',
      addedAt: '2026-03-02T10:00:05.000Z',
      addedBy: { kind: 'butler', id: 'butler', via: { integrationId: 'ses' } },
    });
  });

  it('normalises the address as the list does (display name, case)', async () => {
    await recordSesFeedback(snsEvent(bounce('Permanent', ['Jane Roe <Jane.Roe@Example.COM>'])));

    expect(await exceptions.get('jane.roe@example.com')).toMatchObject({ value: 'jane.roe@example.com', kind: 'email' });
  });

  it('lists every bounced recipient of the message', async () => {
    await recordSesFeedback(snsEvent(bounce('Permanent', ['one@example.com', 'two@example.com'])));

    expect(await exceptions.excepted(['one@example.com', 'two@example.com'])).toEqual(['one@example.com', 'two@example.com']);
  });

  it('changes nothing when SNS delivers the same message again', async () => {
    const event = snsEvent(bounce('Permanent', ['twice@example.com']));
    await recordSesFeedback(event);
    const first = await exceptions.get('twice@example.com');

    await recordSesFeedback(event);

    expect(await exceptions.get('twice@example.com')).toEqual(first);
  });
});

describe('a transient or undetermined bounce says nothing about the address', () => {
  it.each(['Transient', 'Undetermined'] as const)('%s: the address stays off the list', async (bounceType) => {
    const address = `${bounceType.toLowerCase()}@example.com`;

    await recordSesFeedback(snsEvent(bounce(bounceType, [address], 'MailboxFull')));

    expect(await exceptions.get(address)).toBeUndefined();
  });
});

describe('a complaint', () => {
  it('puts the address on the list with the feedback type', async () => {
    await recordSesFeedback(snsEvent(complaint(['annoyed@example.com'])));

    expect(await exceptions.get('annoyed@example.com')).toMatchObject({
      reason: 'SES complaint (abuse), SES message 0102018e0a1b2c3d-11111111-2222-3333-4444-555555555555-000000',
      addedBy: { kind: 'butler', id: 'butler', via: { integrationId: 'ses' } },
    });
  });
});

describe('messages that are no bounce or complaint', () => {
  it('ignores a delivery and still handles the bounce after it in the same event', async () => {
    const delivery = { eventType: 'Delivery', mail: mail(['fine@example.com']), delivery: { recipients: ['fine@example.com'] } };

    await recordSesFeedback(snsEvent(delivery, bounce('Permanent', ['after-delivery@example.com'])));

    expect(await exceptions.get('fine@example.com')).toBeUndefined();
    expect(await exceptions.get('after-delivery@example.com')).toBeDefined();
  });

  it('skips a message that is not JSON instead of failing the event forever', async () => {
    await recordSesFeedback(snsEvent('Successfully validated SNS topic for Amazon SES event publishing.', complaint(['after-text@example.com'])));

    expect(await exceptions.get('after-text@example.com')).toBeDefined();
  });
});
