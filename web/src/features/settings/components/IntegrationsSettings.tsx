// Integrations: API keys that act as the Butler. A new key is shown once.
import { Alert, Button, Code, CopyButton, Group, Stack, Table, Text } from '@mantine/core';
import { EmptyState, QueryState } from '../../../components/States';
import { CreateByName, useCreateByName } from './CreateByName';
import { keys } from '../../../lib/query';
import { type Integration, useIntegrations, useSettingsWrite } from '../api/settings';

export function IntegrationsSettings() {
  const integrations = useIntegrations();
  const write = useSettingsWrite([keys.integrations]);
  const { name, setName, created, dismiss, create } = useCreateByName<Integration & { key: string }>(write, '/integrations');
  return (
    <Stack>
      {created ? (
        <Alert color="green" title={`Integration “${created.name}” created`} role="status" withCloseButton closeButtonLabel="Dismiss" onClose={dismiss}>
          <Stack gap={6}>
            <Text size="sm">Copy its key now: it is not shown again. Send it as the x-api-key header; writes made with it are the Butler’s.</Text>
            <Group gap="xs">
              <Code aria-label="New API key">{created.key}</Code>
              <CopyButton value={created.key}>{({ copied, copy }) => <Button size="compact-xs" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            </Group>
          </Stack>
        </Alert>
      ) : null}
      <QueryState query={integrations} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No integrations">Create one to let another system post records.</EmptyState>}>
        {(data) => (
          <Table aria-label="Integrations" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((integration) => (
                <Table.Tr key={integration.integrationId}>
                  <Table.Td>{integration.name}</Table.Td>
                  <Table.Td>{new Date(integration.createdAt).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      color="red"
                      variant="subtle"
                      onClick={() => window.confirm(`Revoke the key of ${integration.name}?`) && write.mutate({ path: `/integrations/${encodeURIComponent(integration.integrationId)}`, method: 'DELETE' })}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <CreateByName
        form="Create an integration"
        field="Integration name"
        submit="Create integration"
        name={name}
        onName={setName}
        onSubmit={create}
        pending={write.isPending}
        error={write.isError ? write.error : undefined}
      />
    </Stack>
  );
}
