// Nobody signed in: locally, the way in is the link `npm start` prints; on AWS, managed login.
import { Button, Center, Code, Paper, Stack, Text, Title } from '@mantine/core';
import type { Auth } from '../lib/auth';

export function SignIn({ auth }: { auth: Auth }) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={480} shadow="sm">
        <Stack>
          <Title order={2}>Sign in to Stagecraft</Title>
          {auth.kind === 'cognito' ? (
            <Button onClick={() => void auth.signIn()}>Sign in</Button>
          ) : (
            <Text size="sm">
              Open the sign-in link that <Code>npm start</Code> printed (<Code>/console/#token=…</Code>), or the admin token in{' '}
              <Code>.stagecraft/credentials.json</Code> as <Code>/console/#token=&lt;adminToken&gt;</Code>.
            </Text>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
