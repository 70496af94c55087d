// Text messages through Amazon SNS (direct publish to a phone number), as transactional SMS.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from '#shared/ports.ts';

export interface SnsSmsOptions {
  /** Sender ID shown where carriers allow one (alphanumeric, up to 11 characters). */
  senderId?: string;
}

export function snsSms(client: SNSClient, options: SnsSmsOptions = {}): SmsSender {
  return {
    async send(message) {
      const result = await client.send(
        new PublishCommand({
          PhoneNumber: message.to,
          Message: message.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(options.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.senderId } } : {}),
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}

export { SNSClient };
