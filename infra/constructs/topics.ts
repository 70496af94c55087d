// EncryptedTopic: an SNS topic that AWS services publish to (CloudWatch alarms, SES feedback),
// encrypted with a key of its own — the AWS-managed aws/sns key cannot be granted to them.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface EncryptedTopicProps {
  readonly displayName: string;
  /** The services that publish, e.g. `cloudwatch.amazonaws.com`; the key lets them encrypt. */
  readonly publishingServices: string[];
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
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the SNS topic "${props.displayName}"`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPublishingServicesToEncrypt',
        principals: props.publishingServices.map((service) => new iam.ServicePrincipal(service)),
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}
