// The SNS adapter of the SMS port (against a mocked SNS client) and the guard every text goes through.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snsSms } from '#shared/aws/sms.ts';
import type { SmsMessage } from '#shared/ports.ts';
import { createGuardedSms } from '#shared/sms/guarded-sms.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';

const client = new SNSClient({ region: 'eu-west-1' });
const sns = mockClient(client);

beforeEach(() => {
  sns.reset();
});

describe('snsSms', () => {
  it('publishes to the phone number as a transactional SMS with the sender id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const sent = await snsSms(client, { senderId: 'Stagecraft' }).send({ to: '+34612345678', text: 'Your quote: https://x/d/t' });

    expect(sent).toEqual({ messageId: 'm-1' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      PhoneNumber: '+34612345678',
      Message: 'Your quote: https://x/d/t',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Stagecraft' },
      },
    });
  });
});

describe('the guarded SMS sender', () => {
  let t: TestApp;
  const sent: SmsMessage[] = [];
  const recorder = { send: async (message: SmsMessage) => (sent.push(message), { messageId: `s-${sent.length}` }) };

  beforeAll(async () => {
    t = await createTestApp();
    await t.call('POST', '/exceptions', { value: '+34 699 99 99 99', reason: 'asked not to be texted' });
  });

  it('never texts a number on the exceptions list, and says so', async () => {
    const before = sent.length;

    const outcome = await createGuardedSms(recorder, t.app.store.exceptions)({ to: '+34699999999', text: 'hello' });

    expect(outcome).toEqual({ sent: false, reason: 'excepted', to: '+34699999999' });
    expect(sent.length).toBe(before);
  });

  it('texts any other number in E.164', async () => {
    const outcome = await createGuardedSms(recorder, t.app.store.exceptions)({ to: '+34 612 34 56 78', text: 'hello' });

    expect(outcome).toMatchObject({ sent: true, to: '+34612345678' });
    expect(sent.at(-1)).toEqual({ to: '+34612345678', text: 'hello' });
  });
});
