// DeadLetterQueue: where whatever the system could not handle waits for a person. Every one in
// the stack gets a depth alarm (monitoring.ts finds them all), so nothing fails silently.
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What lands here and where it came from; the depth alarm repeats it. */
  readonly purpose: string;
  /**
   * SQS's maximum, so a failure noticed after a long weekend is still there to inspect and redrive.
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
}

/**
 * An SQS queue with the safe defaults of a last stop: SSE-SQS encryption, TLS-only access
 * (a queue policy denying aws:SecureTransport=false) and 14 days of retention.
 */
export class DeadLetterQueue extends sqs.Queue {
  static isDeadLetterQueue(construct: IConstruct): construct is DeadLetterQueue {
    return construct instanceof DeadLetterQueue;
  }

  readonly purpose: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    this.purpose = props.purpose;
    const lastStop =
      'This queue is itself a dead-letter queue (the last stop): nothing consumes it automatically, ' +
      'a depth alarm calls a person, and a redrive policy would only move its messages to another unwatched queue.';
    Validations.of(this).acknowledge({ id: 'AwsSolutions-SQS3', reason: lastStop });
    Validations.of(this).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: lastStop });
  }
}
