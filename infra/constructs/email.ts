// Mail through SES: a configuration set that keeps the sender's reputation (metrics, account
// suppression of bounces and complaints) and feeds bounces and complaints back into the
// exceptions list through the ses-feedback function (docs/ARCHITECTURE.md §11).
import { Arn, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Data } from './data.ts';
import { DeadLetterQueue } from './dead-letters.ts';
import { StagecraftFunction } from './functions.ts';
import { EncryptedTopic } from './topics.ts';
import { ENV } from '#shared/aws/env.ts';

export interface EmailProps {
  /** Names the configuration set `stagecraft-<stage>`. */
  readonly stage: string;
  /** The From address; it, or its domain, must be a verified SES identity in the stack's region. */
  readonly sender: string;
  readonly data: Data;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The stack does not create the SES identity: one identity serves every stage and stack of an
 * account, and a domain identity needs DNS records only its owner can publish. It only sends as it.
 */
export class Email extends Construct {
  readonly sender: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly feedback: EncryptedTopic;
  readonly feedbackHandler: StagecraftFunction;
  /** SNS deliveries and invocations of ses-feedback that failed. */
  readonly feedbackDeadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.sender = props.sender;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `stagecraft-${props.stage}`,
      reputationMetrics: true,
      sendingEnabled: true,
      // SES itself stops mailing an address that bounced or complained, on top of our own list.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    this.feedback = new EncryptedTopic(this, 'Feedback', {
      displayName: `Stagecraft ${props.stage} SES bounces and complaints`,
      publishers: [
        {
          service: 'ses.amazonaws.com',
          sourceArn: Arn.format({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }, Stack.of(this)),
        },
      ],
    });
    this.configurationSet.addEventDestination('FeedbackDestination', {
      destination: ses.EventDestination.snsTopic(this.feedback.topic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    this.feedbackHandler = new StagecraftFunction(this, 'FeedbackHandler', {
      name: 'ses-feedback',
      description: 'Puts permanently bounced and complaining addresses on the exceptions list',
      logRetention: props.logRetention,
      memorySize: 256,
      timeout: Duration.seconds(15),
      environment: props.data.environment,
    });
    props.data.grantReadWriteData(this.feedbackHandler);
    this.feedbackDeadLetters = new DeadLetterQueue(this, 'FeedbackDeadLetters', {
      purpose: 'SES bounce and complaint notifications that did not reach the exceptions list',
    });
    this.feedback.topic.addSubscription(new LambdaSubscription(this.feedbackHandler, { deadLetterQueue: this.feedbackDeadLetters }));
    this.feedbackHandler.sendAsyncFailuresTo(this.feedbackDeadLetters);
  }

  /**
   * Lets a function send mail from the sender, through this configuration set only. In the SES sandbox,
   * SES authorizes a send against the sender's identity and also against each verified recipient's
   * identity, so the resource is every identity of the account (`identity/*`); what may be sent stays
   * bound by `ses:FromAddress` to the sender.
   */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [
        this.anyIdentityArn,
        Arn.format({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }, stack),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': this.sender } },
    });
  }

  /** Every SES identity of the account and region: the resource of grantSend. */
  get anyIdentityArn(): string {
    return Arn.format({ service: 'ses', resource: 'identity', resourceName: '*' }, Stack.of(this));
  }

  /** What shared/aws/mailer.ts needs: the From address and the configuration set. */
  get environment(): Record<string, string> {
    return { [ENV.mailFrom]: this.sender, [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName };
  }
}
