// The single DynamoDB table (docs/ARCHITECTURE.md §3), declared from shared/store/table.ts so the key schema
// and indexes are the ones local mode creates; and the only way functions get access to it.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { indexes, keyAttributes, ttlAttribute } from '#shared/store/table.ts';
import { ENV } from '#shared/aws/env.ts';

export interface DataProps {
  /**
   * The table holds every record and its history: deleting the stack must not delete it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuses DeleteTable, whoever asks (console, CLI or a stack replacement).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** Item-level reads. No Scan: every access pattern is served by a key or an index (docs/ARCHITECTURE.md §3). */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * The table: on-demand, streaming NEW_AND_OLD_IMAGES (the publisher derives events from both),
 * point-in-time recovery, deletion protection, retained on stack deletion, TTL on `expiresAt`.
 */
export class Data extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: keyAttributes.pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: keyAttributes.sk, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      timeToLiveAttribute: ttlAttribute,
    });
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sk, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** Item reads on the table and its indexes, named one by one (no `index/*`). */
  grantReadData(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: this.resourceArns() });
  }

  /** Item reads and writes (transactions are made of these) on the table and its indexes. */
  grantReadWriteData(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: [...READ_ACTIONS, ...WRITE_ACTIONS], resourceArns: this.resourceArns() });
  }

  /** What a function needs to reach the table through shared/aws/config.ts awsTable(). */
  get environment(): Record<string, string> {
    return { [ENV.tableName]: this.table.tableName };
  }

  private resourceArns(): string[] {
    return [this.table.tableArn, ...indexes.map((index) => `${this.table.tableArn}/index/${index.name}`)];
  }
}
