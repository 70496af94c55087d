// The Butler: switch it on or off (ButlerSwitch), rename it and choose its icon; it cannot be deleted and is not a login.
import { Alert, Button, Chip, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { ButlerBadge } from '../../../components/Actor';
import { QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import { useIsAdmin } from '../../../lib/role';
import { useButler, useSettingsWrite } from '../api/settings';
import { ButlerSwitch } from './ButlerSwitch';

export const butlerIcons = ['🤵', '🤖', '🦉', '🐙', '🧞', '🛎️', '🐝', '🦊', '⚙️', '✨'];

/** Members see the Butler; renaming it and choosing its icon is an admin's. */
export function ButlerSettings() {
  const isAdmin = useIsAdmin();
  const butler = useButler();
  const write = useSettingsWrite([keys.users]);
  const [name, setName] = useState('');
  const [icon, setIcon] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (butler.data) {
      setName(butler.data.name);
      setIcon(butler.data.icon ?? '🤵');
    }
  }, [butler.data]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!butler.data) return;
    setSaved(false);
    write.mutate({ path: '/users/butler', method: 'PATCH', body: { name, icon }, ifMatch: butler.data.version }, { onSuccess: () => setSaved(true) });
  };
  return (
    <Stack>
      <ButlerSwitch />
      <QueryState query={butler}>
        {(current) => (
          <form onSubmit={submit} aria-label="The Butler">
            <Stack maw={560}>
              <Group>
                <ButlerBadge butler={current} />
                <Text size="sm" c="dimmed">
                  While it is active, automations and integrations act as the Butler. It cannot be deleted and nobody signs in as it; history and statistics keep it apart from people.
                </Text>
              </Group>
              <TextInput label="Name" disabled={!isAdmin} value={name} onChange={(event) => setName(event.currentTarget.value)} required maxLength={200} />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="butler-icon-label">
                  Icon
                </Text>
                <Chip.Group multiple={false} value={icon} onChange={setIcon}>
                  <Group gap={6} role="radiogroup" aria-labelledby="butler-icon-label">
                    {butlerIcons.map((candidate) => (
                      <Chip key={candidate} value={candidate} disabled={!isAdmin} aria-label={`Icon ${candidate}`}>
                        {candidate}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
              </Stack>
              {write.isError ? (
                <Alert color="red" role="alert" title="Not saved">
                  {describeError(write.error)}
                </Alert>
              ) : null}
              {saved ? (
                <Alert color="green" role="status">
                  Saved: the Butler is now “{current.name}”.
                </Alert>
              ) : null}
              {isAdmin ? (
                <Group>
                  <Button type="submit" loading={write.isPending}>
                    Save the Butler
                  </Button>
                </Group>
              ) : (
                <Text size="sm" c="dimmed">
                  Only admins rename the Butler or change its icon.
                </Text>
              )}
            </Stack>
          </form>
        )}
      </QueryState>
    </Stack>
  );
}
