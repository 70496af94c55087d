// On a column's head: the automations that fire when a deal enters the stage.
import { Anchor, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import type { AutomationSummary } from '../../../lib/automations';
import { paths } from '../../../lib/paths';
import { useWaitingRuns } from '../api/board';

function WaitingRuns({ automationId }: { automationId: string }) {
  const waiting = useWaitingRuns(automationId);
  if (!waiting.data || waiting.data.count === 0) return null;
  return (
    <Tooltip label="Runs waiting (a delay before their actions)">
      <Badge size="xs" variant="light" color="blue" style={{ flexShrink: 0 }}>
        {waiting.data.count}
        {waiting.data.more ? '+' : ''} waiting
      </Badge>
    </Tooltip>
  );
}

export function StageAutomations({ automations }: { automations: AutomationSummary[] }) {
  if (automations.length === 0) return null;
  return (
    <Stack gap={2} aria-label="Automations on entering this stage" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {automations.map((automation) => (
        <Group key={automation.id} gap={4} wrap="nowrap" component="li">
          <Text span size="xs" aria-hidden="true">
            ⚙
          </Text>
          <Anchor component={Link} to={paths.automation(automation.id)} size="xs" lineClamp={1} title={automation.name}>
            {automation.name}
          </Anchor>
          <Badge size="xs" variant="dot" color={automation.status === 'active' ? 'green' : 'gray'} style={{ flexShrink: 0 }}>
            {automation.status}
          </Badge>
          <WaitingRuns automationId={automation.id} />
        </Group>
      ))}
    </Stack>
  );
}
