// The automations list: what each does in words, whether it is active and deployed, and how its runs went lately.
import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState, QueryState } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { useIsAdmin } from '../../../lib/role';
import { usePipelines } from '../../../lib/users';
import { RecentRuns } from '../../runs';
import { useAutomations } from '../api/automations';
import { actionsInWords, delayInWords, triggerInWords } from '../model/in-words';
import { ProvisioningBadge } from './ProvisioningBadge';
import { StatusToggle } from './StatusToggle';

export function AutomationsPage() {
  const automations = useAutomations();
  const pipelines = usePipelines();
  const isAdmin = useIsAdmin();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Automations</Title>
        <Group>
          <Button component={Link} to={paths.runs} variant="default">
            Status &amp; logs
          </Button>
          {isAdmin ? (
            <Button component={Link} to={`${paths.automations}/new`}>
              New automation
            </Button>
          ) : null}
        </Group>
      </Group>
      <QueryState query={automations} isEmpty={(items) => items.length === 0} empty={<EmptyState title="No automations yet">Create one to let the Butler do the routine work.</EmptyState>}>
        {(items) => (
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label="Automations" verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Does</Table.Th>
                  <Table.Th>Active</Table.Th>
                  <Table.Th>Deployed</Table.Th>
                  <Table.Th>Last 7 days</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((automation) => (
                  <Table.Tr key={automation.id}>
                    <Table.Td>
                      <Anchor component={Link} to={paths.automation(automation.id)} fw={600}>
                        {automation.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{triggerInWords(automation.trigger, pipelines.data ?? [])}</Text>
                      <Text size="xs" c="dimmed">
                        {delayInWords(automation)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{actionsInWords(automation.actions)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusToggle automation={automation} />
                    </Table.Td>
                    <Table.Td>
                      <ProvisioningBadge automation={automation} />
                    </Table.Td>
                    <Table.Td>
                      <RecentRuns automationId={automation.id} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Stack>
  );
}
