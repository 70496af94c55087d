// Bootstraps a deployed stack once, in one command: the Butler, the first admin user (written straight
// into the table: POST /users needs an admin, so the first one cannot come through the API), the admin's
// Cognito login with `custom:userId` naming that user, and optionally a first integration and its key.
// Then prints how to sign in.
//
//   npx tsx scripts/create-admin.ts --table <TableName> --user-pool-id <UserPoolId> --client-id <UserPoolClientId> \
//     --name "Ada Lovelace" --email ada@example.com [--integration "Web form"]
//
// Uses the AWS credentials and region of the environment (AWS_PROFILE, AWS_REGION, …). Running it again
// changes nothing: it reports the admin and the login that exist.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { USER_ID_CLAIM } from '#shared/aws/cognito-tokens.ts';
import { createWorkspaceService } from '#shared/crm/workspace.ts';
import { integrationActor, noCause } from '#shared/domain/actors.ts';
import { createSchemas } from '#shared/domain/entities.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import type { Ids, TableRef } from '#shared/ports.ts';
import { tableRefOf } from '#shared/store/document-client.ts';
import { createStore } from '#shared/store/index.ts';
import type { WriteContext } from '#shared/store/records.ts';

interface Bootstrap {
  adminUserId: string;
}

export interface CreateAdminOptions {
  name: string;
  email: string;
  userPoolId: string;
  /** The app client, named in the sign-in commands printed at the end. */
  clientId: string;
  integration?: string;
}

export interface CreateAdminDeps {
  table: TableRef;
  ids: Ids;
  cognito: CognitoIdentityProviderClient;
  print: (line: string) => void;
}

/** Creates what is missing and says what exists; returns the admin's user id. */
export async function createAdmin({ table, ids, cognito, print }: CreateAdminDeps, options: CreateAdminOptions): Promise<string> {
  const store = createStore(table, systemClock, ids);
  const workspace = createWorkspaceService(store, ids);
  const bootstrapContext: WriteContext = { actor: integrationActor('bootstrap'), cause: noCause };

  await workspace.ensureButler();

  // Once per table: a second run reports the first admin instead of making another one.
  let adminUserId = (await store.settings.get<Bootstrap>('bootstrap'))?.adminUserId;
  if (adminUserId) {
    print(`The workspace has its first admin already: user ${adminUserId}. Further users come through POST /users.`);
  } else {
    const admin = createSchemas.user.parse({ name: options.name, email: options.email, role: 'admin' });
    const user = await store.records.create('user', { ...admin, kind: 'human' }, bootstrapContext);
    if (await store.settings.putOnce<Bootstrap>('bootstrap', { adminUserId: user.id })) {
      adminUserId = user.id;
      print(`Admin user ${adminUserId} (${options.email}) created.`);
    } else {
      // Another run got there first: its admin is the first one.
      adminUserId = (await store.settings.get<Bootstrap>('bootstrap'))?.adminUserId ?? user.id;
      print(`Another run created the first admin meanwhile: user ${adminUserId}.`);
    }
  }

  await ensureLogin(cognito, options, adminUserId, print);

  if (options.integration) {
    // As POST /integrations would do it for this admin: listed under GET /integrations, revocable there.
    const integration = await workspace.createIntegration({ name: options.integration }, { kind: 'user', userId: adminUserId, role: 'admin' });
    print(`\nIntegration "${integration.name}" (${integration.integrationId}); its key, shown this once, acts as the Butler:\n  ${integration.key}`);
  }

  print(signInHelp(options));
  return adminUserId;
}

/**
 * The admin's Cognito user, username = e-mail, with `custom:userId` (immutable, and no app client may write
 * it, so no one can make a token name someone else). Cognito mails a temporary password.
 */
async function ensureLogin(cognito: CognitoIdentityProviderClient, options: CreateAdminOptions, userId: string, print: (line: string) => void) {
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: options.userPoolId,
        Username: options.email,
        UserAttributes: [
          { Name: 'email', Value: options.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: USER_ID_CLAIM, Value: userId },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    print(`Cognito login ${options.email} created in ${options.userPoolId}: the temporary password is on its way by e-mail.`);
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw error;
    const existing = await cognito.send(new AdminGetUserCommand({ UserPoolId: options.userPoolId, Username: options.email }));
    const named = existing.UserAttributes?.find((attribute) => attribute.Name === USER_ID_CLAIM)?.Value;
    if (named !== userId) {
      throw new Error(
        `The pool has a login ${options.email} already, naming ${named ? `user ${named}` : 'no Stagecraft user'} instead of ${userId}; ` +
          'custom:userId cannot be changed: delete that login (aws cognito-idp admin-delete-user) and run this again.',
      );
    }
    print(`Cognito login ${options.email} exists already and names user ${userId}.`);
  }
}

function signInHelp({ email, clientId }: CreateAdminOptions): string {
  return `
Sign in (the README's Deploy section explains each step):

  aws cognito-idp initiate-auth --client-id ${clientId} --auth-flow USER_PASSWORD_AUTH \\
    --auth-parameters USERNAME=${email},PASSWORD='<temporary password from the mail>'
  # NEW_PASSWORD_REQUIRED, then MFA_SETUP (TOTP) once; the answer's AuthenticationResult.IdToken is the
  # bearer token:  curl -s <ApiUrl>users -H "Authorization: Bearer <IdToken>"
`;
}

const usage =
  'usage: npx tsx scripts/create-admin.ts --table <TableName> --user-pool-id <UserPoolId> --client-id <UserPoolClientId> ' +
  '--name <name> --email <email> [--integration <name>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      table: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      'user-pool-id': { type: 'string' },
      'client-id': { type: 'string' },
      integration: { type: 'string' },
    },
  });
  if (!values.table || !values.name || !values.email || !values['user-pool-id'] || !values['client-id']) throw new Error(usage);
  const dynamoClient = new DynamoDBClient({});
  const table = tableRefOf(values.table, dynamoClient);
  await createAdmin(
    { table, ids: ulidIds(), cognito: new CognitoIdentityProviderClient({}), print: (line) => console.log(line) },
    {
      name: values.name,
      email: values.email,
      userPoolId: values['user-pool-id'],
      clientId: values['client-id'],
      ...(values.integration ? { integration: values.integration } : {}),
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
