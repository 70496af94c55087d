// Who did something: a person by name, the Butler with its current name and icon, and
// what it acted for (an automation's run, or an integration).
import { Anchor, Badge, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useAutomations } from '../lib/automations';
import { paths } from '../lib/paths';
import { type Actor, BUTLER_ID, type User, systemWork } from '../lib/records';
import { useUsers } from '../lib/users';

/** Never squeezed by what stands beside it (that text wraps instead); only a name wider than the whole line is cut. */
export function ButlerBadge({ butler }: { butler: User | undefined }) {
  return (
    <Badge variant="light" color="grape" size="lg" radius="sm" leftSection={<span aria-hidden="true">{butler?.icon ?? '🤵'}</span>} tt="none" style={{ flexShrink: 0, maxWidth: '100%' }}>
      {butler?.name ?? 'Butler'}
    </Badge>
  );
}

export function UserName({ userId }: { userId: string | undefined }) {
  const users = useUsers();
  if (!userId) return <Text span c="dimmed">nobody</Text>;
  const user = users.data?.find((candidate) => candidate.id === userId);
  if (userId === BUTLER_ID) return <ButlerBadge butler={user} />;
  return <Text span>{user?.name ?? userId}</Text>;
}

/** An integration an actor wrote for, by its name (its id once revoked). */
function ForIntegration({ via }: { via: { integrationId: string; integrationName?: string } }) {
  return (
    <Text span size="sm" c="dimmed">
      for integration {via.integrationName ?? via.integrationId}
    </Text>
  );
}

export function ActorName({ actor }: { actor: Actor }) {
  const users = useUsers();
  const automations = useAutomations();
  if (actor.kind !== 'butler') {
    // While the Butler is off, an integration's writes are credited to the key's owner.
    if (actor.via && 'integrationId' in actor.via)
      return (
        <Group gap={6} wrap="nowrap" component="span">
          <UserName userId={actor.id} />
          <ForIntegration via={actor.via} />
        </Group>
      );
    return <UserName userId={actor.id} />;
  }
  const butler = users.data?.find((user) => user.id === BUTLER_ID);
  // History written before the system rules had `via: {system}` names the rule as an automation: shown as the rule.
  const via = actor.via && 'automationId' in actor.via && actor.via.automationId in systemWork ? { system: actor.via.automationId, eventId: actor.via.runId } : actor.via;
  const automationName = via && 'automationId' in via ? automations.data?.find((automation) => automation.id === via.automationId)?.name : undefined;
  return (
    <Group gap={6} wrap="nowrap" component="span">
      <ButlerBadge butler={butler} />
      {via && 'automationId' in via ? (
        <Text span size="sm">
          for{' '}
          <Anchor component={Link} to={paths.automation(via.automationId)}>
            {automationName ?? 'an automation'}
          </Anchor>{' '}
          ·{' '}
          <Anchor component={Link} to={paths.run(via.automationId, via.runId)}>
            run
          </Anchor>
        </Text>
      ) : via && 'integrationId' in via ? (
        <ForIntegration via={via} />
      ) : via && 'system' in via ? (
        <Text span size="sm" c="dimmed">
          {systemWork[via.system] ?? via.system}
        </Text>
      ) : null}
    </Group>
  );
}
