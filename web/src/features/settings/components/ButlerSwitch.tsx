// The Butler's activation (admins), as noCRM has it: while off, what integrations write counts as the key
// owner's and automations act as their author; once on, both act as the Butler. Who switched it, and when.
import { Alert, Paper, Stack, Switch, Text } from '@mantine/core';
import { UserName } from '../../../components/Actor';
import { QueryState } from '../../../components/States';
import { ApiError, describeError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import { useSettingsWrite, useWorkspaceSettings } from '../api/settings';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ButlerSwitch() {
  const settings = useWorkspaceSettings();
  const write = useSettingsWrite([keys.settings, keys.users]);
  if (settings.error instanceof ApiError && settings.error.status === 403) {
    return (
      <Text size="sm" c="dimmed">
        Only admins see and switch the Butler’s activation.
      </Text>
    );
  }
  return (
    <Paper withBorder p="md" component="section" aria-label="Butler activation" maw={560}>
      <QueryState query={settings}>
        {(current) => {
          const last = current.butlerSwitches.at(-1);
          return (
            <Stack gap="sm">
              <Switch
                label="Butler active"
                checked={current.butlerActive}
                disabled={write.isPending}
                onChange={(event) => write.mutate({ path: '/settings', method: 'PATCH', body: { butlerActive: event.currentTarget.checked } })}
              />
              <Text size="sm" aria-label="Last switch">
                {last ? (
                  <>
                    {last.active ? 'Turned on' : 'Turned off'} by <UserName userId={last.by} /> on {when(last.at)}.
                  </>
                ) : (
                  'Never switched: off, as for every new workspace.'
                )}
              </Text>
              <Text size="sm" c="dimmed">
                {current.butlerActive
                  ? 'On: every integration write and every automation action is the Butler’s, under its name and icon, and statistics count it apart from people. History keeps which integration or automation really acted.'
                  : 'Off: what integrations write counts as the key owner’s (the admin who created the key), and automations act as their author; statistics count it as that person’s. History keeps which integration or automation really acted.'}
              </Text>
              {write.isError ? (
                <Alert color="red" role="alert" title="Not switched">
                  {describeError(write.error)}
                </Alert>
              ) : null}
            </Stack>
          );
        }}
      </QueryState>
    </Paper>
  );
}
