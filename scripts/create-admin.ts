// Bootstraps a deployed stack once: the Butler, the first admin user and, optionally, a first
// integration and its key, written straight into the table (POST /users needs an admin, so the first one
// cannot come through the API). Prints the Cognito commands that give the admin a login.
//
//   npx tsx scripts/create-admin.ts --table <TableName> --name "Ada Lovelace" --email ada@example.com \
//     [--user-pool-id <UserPoolId>] [--integration web-form]
//
// Uses the AWS credentials and region of the environment (AWS_PROFILE, AWS_REGION, …).
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createWorkspaceService } from '#shared/crm/workspace.ts';
import { integrationActor, noCause } from '#shared/domain/actors.ts';
import { createSchemas } from '#shared/domain/entities.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';
import type { WriteContext } from '#shared/store/records.ts';

interface Bootstrap {
  adminUserId: string;
}

const usage =
  'usage: npx tsx scripts/create-admin.ts --table <TableName> --name <name> --email <email> [--user-pool-id <id>] [--integration <name>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      table: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      'user-pool-id': { type: 'string' },
      integration: { type: 'string' },
    },
  });
  if (!values.table || !values.name || !values.email) throw new Error(usage);

  const dynamoClient = new DynamoDBClient({});
  const table = { tableName: values.table, client: DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }) };
  const ids = ulidIds();
  const store = createStore(table, systemClock, ids);
  const workspace = createWorkspaceService(store, ids);
  const bootstrapContext: WriteContext = { actor: integrationActor('bootstrap'), cause: noCause };

  await workspace.ensureButler();

  // Once per table: a second run reports the first admin instead of making another one.
  let adminUserId = (await store.settings.get<Bootstrap>('bootstrap'))?.adminUserId;
  if (adminUserId) {
    console.log(`The workspace has its first admin already: user ${adminUserId}. Further users come through POST /users.`);
  } else {
    const admin = createSchemas.user.parse({ name: values.name, email: values.email, role: 'admin' });
    const user = await store.records.create('user', { ...admin, kind: 'human' }, bootstrapContext);
    adminUserId = user.id;
    await store.settings.putOnce<Bootstrap>('bootstrap', { adminUserId });
    console.log(`Admin user ${adminUserId} (${values.email}) created.`);
  }

  if (values.integration) {
    // As POST /integrations would do it for this admin: listed under GET /integrations, revocable there.
    const integration = await workspace.createIntegration({ name: values.integration }, { kind: 'user', userId: adminUserId, role: 'admin' });
    console.log(`\nIntegration "${integration.name}" (${integration.integrationId}); its key, shown this once, acts as the Butler:\n  ${integration.key}`);
  }

  const pool = values['user-pool-id'] ?? '<UserPoolId>';
  console.log(`
Give the admin a login (the temporary password arrives by e-mail; MFA is set up at first sign-in):

  aws cognito-idp admin-create-user --user-pool-id ${pool} --username ${values.email} \\
    --user-attributes Name=email,Value=${values.email} Name=email_verified,Value=true Name=custom:userId,Value=${adminUserId} \\
    --desired-delivery-mediums EMAIL
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
