// "Run now" on a record page: the manual automations for this record type, started on this record.
import { Alert, Anchor, Button, Group, Menu, Text } from '@mantine/core';
import { Link } from 'react-router';
import { describeError } from '../../../lib/api';
import { paths } from '../../../lib/paths';
import { useAutomations, useRunNow } from '../api/automations';

export function RunNowMenu({ entityType, entityId }: { entityType: string; entityId: string }) {
  const automations = useAutomations();
  const runNow = useRunNow();
  const manual = (automations.data ?? []).filter(
    (automation) => automation.trigger.type === 'manual' && 'entity' in automation.trigger && automation.trigger.entity === entityType && automation.status !== 'stopped',
  );
  if (manual.length === 0) return null;
  return (
    <Group gap="xs">
      <Menu>
        <Menu.Target>
          <Button variant="light" loading={runNow.isPending}>
            Run now
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {manual.map((automation) => (
            <Menu.Item key={automation.id} onClick={() => runNow.mutate({ automationId: automation.id, entityType, entityId })}>
              {automation.name}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      {runNow.isSuccess ? (
        <Text size="sm">
          Started:{' '}
          <Anchor component={Link} to={paths.run(runNow.data.automationId, runNow.data.runId)}>
            the run
          </Anchor>
        </Text>
      ) : null}
      {runNow.isError ? (
        <Alert color="red" p="xs">
          {describeError(runNow.error)}
        </Alert>
      ) : null}
    </Group>
  );
}
