// Settings: one tab per section, each its own address (/console/settings/{section}).
import { Stack, Tabs, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { ErrorState } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { ButlerSettings } from './ButlerSettings';
import { ExceptionsSettings } from './ExceptionsSettings';
import { IntegrationsSettings } from './IntegrationsSettings';
import { PipelinesSettings } from './PipelinesSettings';
import { TemplatesSettings } from './TemplatesSettings';
import { UsersSettings } from './UsersSettings';

const sections = {
  butler: { label: 'Butler', Panel: ButlerSettings },
  users: { label: 'Users', Panel: UsersSettings },
  integrations: { label: 'Integrations', Panel: IntegrationsSettings },
  exceptions: { label: 'Exceptions', Panel: ExceptionsSettings },
  pipelines: { label: 'Pipelines', Panel: PipelinesSettings },
  templates: { label: 'Document templates', Panel: TemplatesSettings },
} as const;
type Section = keyof typeof sections;

export function SettingsPage() {
  const { section = 'butler' } = useParams();
  const navigate = useNavigate();
  if (!(section in sections)) return <ErrorState title="Not found" error={new Error(`There is no settings section "${section}".`)} />;
  const current = section as Section;
  const { Panel } = sections[current];
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs value={current} onChange={(next) => next && navigate(paths.settings(next as Section))} keepMounted={false}>
        <Tabs.List>
          {(Object.keys(sections) as Section[]).map((key) => (
            <Tabs.Tab key={key} value={key}>
              {sections[key].label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value={current} pt="md">
          <Panel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
