// Webhook secrets: what webhook steps sign their requests with. A new secret's value is shown once; deleting one
// makes the steps that sign with it fail until they are changed.
import { Alert, Anchor, Button, Code, CopyButton, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { WebhookSecret } from '#shared/crm/webhook-secrets.ts';
import { EmptyState, QueryState } from '../../../components/States';
import { CreateByName, useCreateByName } from './CreateByName';
import { paths } from '../../../lib/paths';
import { keys } from '../../../lib/query';
import { useWebhookSecrets, useWebhookSecretSigners } from '../../automations';
import { useSettingsWrite } from '../api/settings';

type Signers = ReturnType<typeof useWebhookSecretSigners>;

export function WebhookSecretsSettings() {
  const secrets = useWebhookSecrets();
  const signers = useWebhookSecretSigners();
  // The builder's "Signing secret" picker reads the same query: a create or delete refreshes it too.
  const write = useSettingsWrite([keys.webhookSecrets]);
  const { name, setName, created, dismiss, create } = useCreateByName<WebhookSecret & { secret: string }>(write, '/webhook-secrets');
  const remove = (secret: WebhookSecret) => {
    const using = signers?.get(secret.secretId)?.map((automation) => automation.name) ?? [];
    const warning = using.length > 0 ? `Its webhook steps in ${using.join(', ')} will fail until they are changed.` : 'Webhook steps that sign with it will fail until they are changed.';
    if (window.confirm(`Delete the secret ${secret.name}? ${warning}`)) write.mutate({ path: `/webhook-secrets/${encodeURIComponent(secret.secretId)}`, method: 'DELETE' });
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A webhook step can sign each request with one of these secrets (its “Signing secret”), so the receiver knows the request is Stagecraft’s.
      </Text>
      {created ? (
        <Alert color="green" title={`Secret “${created.name}” created`} role="status" withCloseButton closeButtonLabel="Dismiss" onClose={dismiss}>
          <Stack gap={6}>
            <Text size="sm">Copy its value now and give it to the receiver: it is not shown again.</Text>
            <Group gap="xs">
              <Code aria-label="New secret value">{created.secret}</Code>
              <CopyButton value={created.secret}>{({ copied, copy }) => <Button size="compact-xs" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            </Group>
            <Text size="sm">
              The receiver checks the <Code>Stagecraft-Signature</Code> header (<Code>t=…,v1=…</Code>, an HMAC-SHA256 of <Code>t.body</Code> with this value) as the README’s “Branches, webhooks, working hours, round-robin” section shows.
            </Text>
          </Stack>
        </Alert>
      ) : null}
      <QueryState query={secrets} isEmpty={(data) => data.length === 0} empty={<EmptyState title="No webhook secrets">Create one, then pick it as a webhook step’s signing secret.</EmptyState>}>
        {(data) => (
          <Table aria-label="Webhook secrets" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Signs for</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((secret) => (
                <Table.Tr key={secret.secretId}>
                  <Table.Td>{secret.name}</Table.Td>
                  <Table.Td>{new Date(secret.createdAt).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <SignedBy signers={signers} secretId={secret.secretId} />
                  </Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" color="red" variant="subtle" aria-label={`Delete ${secret.name}`} onClick={() => remove(secret)}>
                      Delete
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <CreateByName
        form="Create a webhook secret"
        field="Secret name"
        submit="Create secret"
        name={name}
        onName={setName}
        onSubmit={create}
        pending={write.isPending}
        error={write.isError ? write.error : undefined}
      />
    </Stack>
  );
}

/** The automations whose webhook steps sign with the secret, each a link to its builder. */
function SignedBy({ signers, secretId }: { signers: Signers; secretId: string }) {
  if (!signers) return null;
  const automations = signers.get(secretId) ?? [];
  if (automations.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No automation
      </Text>
    );
  return (
    <Group gap="xs">
      {automations.map((automation) => (
        <Anchor key={automation.id} component={Link} to={paths.automation(automation.id)} size="sm">
          {automation.name}
        </Anchor>
      ))}
    </Group>
  );
}
