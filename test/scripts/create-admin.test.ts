// The first admin in one command (scripts/create-admin.ts): the user in the table (DynamoDB Local), the
// Cognito login with custom:userId (asserted on the AdminCreateUser input: no local Cognito), how to sign in.
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';
import { type CreateAdminOptions, createAdmin } from '../../scripts/create-admin.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const options: CreateAdminOptions = { name: 'Ada Lovelace', email: 'ada@example.com', userPoolId: 'eu-west-1_Pool', clientId: 'client123' };

// The mocks replace send on the clients' classes: put it back for the next file in this worker.
afterAll(() => {
  cognito.restore();
});

beforeEach(() => {
  cognito.reset();
  cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'ada@example.com' } });
});

async function run(table: Awaited<ReturnType<typeof createTestTable>>, overrides: Partial<CreateAdminOptions> = {}) {
  const printed: string[] = [];
  const userId = await createAdmin(
    { table, ids: ulidIds(), cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }), print: (line) => printed.push(line) },
    { ...options, ...overrides },
  );
  return { userId, output: printed.join('\n') };
}

describe('a first run', () => {
  it('creates the admin user in the table', async () => {
    // Prepare
    const table = await createTestTable();

    // Act
    const { userId } = await run(table);

    // Assess
    const user = await createStore(table, manualClock(), ulidIds()).records.get('user', userId);
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin', kind: 'human' });
  });

  it('creates the Cognito login naming that user in custom:userId, mailed a temporary password', async () => {
    // Prepare
    const table = await createTestTable();

    // Act
    const { userId } = await run(table);

    // Assess
    expect(cognito.commandCalls(AdminCreateUserCommand).map((call) => call.args[0].input)).toEqual([
      {
        UserPoolId: 'eu-west-1_Pool',
        Username: 'ada@example.com',
        UserAttributes: [
          { Name: 'email', Value: 'ada@example.com' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:userId', Value: userId },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    ]);
  });

  it('prints how to sign in with the app client', async () => {
    // Act
    const { output } = await run(await createTestTable());

    // Assess
    expect(output).toContain('aws cognito-idp initiate-auth --client-id client123 --auth-flow USER_PASSWORD_AUTH');
    expect(output).toContain('USERNAME=ada@example.com');
  });

  it('prints an integration key when asked for one', async () => {
    // Act
    const { output } = await run(await createTestTable(), { integration: 'Web form' });

    // Assess
    expect(output).toMatch(/Integration "Web form" \(\w+\); its key, shown this once, acts as the Butler:\n {2}sc_key_\S+/);
  });
});

describe('a second run', () => {
  it('keeps the first admin and finds its login in place', async () => {
    // Prepare
    const table = await createTestTable();
    const first = await run(table);
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ada@example.com', UserAttributes: [{ Name: 'custom:userId', Value: first.userId }] });

    // Act
    const second = await run(table, { name: 'Someone Else' });

    // Assess
    expect(second.userId).toBe(first.userId);
    expect(second.output).toContain(`exists already and names user ${first.userId}`);
  });

  it('refuses a login of that e-mail naming another user', async () => {
    // Prepare
    const table = await createTestTable();
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ada@example.com', UserAttributes: [{ Name: 'custom:userId', Value: 'someone-else' }] });

    // Act
    const running = run(table);

    // Assess
    await expect(running).rejects.toThrow(/naming user someone-else instead of .*custom:userId cannot be changed/);
  });
});
