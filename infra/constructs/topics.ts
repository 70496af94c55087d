// EncryptedTopic: an SNS topic that AWS services publish to (CloudWatch alarms, SES feedback),
// encrypted with a key of its own — the AWS-managed aws/sns key cannot be granted to them.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** An AWS service that publishes to the topic, on behalf of resources of this account only. */
export interface TopicPublisher {
  /** e.g. `cloudwatch.amazonaws.com`. */
  readonly service: string;
  /** The ARNs (wildcards allowed) of the resources it publishes for, e.g. this account's alarms. */
  readonly sourceArn: string;
}

export interface EncryptedTopicProps {
  readonly displayName: string;
  /** The services that publish; the key lets them encrypt and the topic policy lets them publish. */
  readonly publishers: TopicPublisher[];
}

/**
 * A customer-managed key (rotated yearly; removed with the stack after a 7-day waiting period,
 * since SNS keeps no message once delivered) and a topic that accepts TLS requests only.
 */
export class EncryptedTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const principals = props.publishers.map((publisher) => new iam.ServicePrincipal(publisher.service));
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the SNS topic "${props.displayName}"`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPublishingServicesToEncrypt',
        principals,
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, which let the account's services publish: with only
    // enforceSSL's Deny, CloudWatch and SES would be refused. Each publisher is allowed for resources of
    // this account (aws:SourceArn, aws:SourceAccount), so no other account's alarm can use the topic.
    props.publishers.forEach((publisher, index) =>
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `AllowPublisher${index}`,
          principals: [new iam.ServicePrincipal(publisher.service)],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { ArnLike: { 'aws:SourceArn': publisher.sourceArn }, StringEquals: { 'aws:SourceAccount': account } },
        }),
      ),
    );
  }
}
