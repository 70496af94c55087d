import { Title } from '@mantine/core';
import { EmptyState } from '../components/States';

export function Placeholder({ title }: { title: string }) {
  return (
    <>
      <Title order={2}>{title}</Title>
      <EmptyState title={`${title} arrive with part 2 of the console`}>Use the HTTP API meanwhile: GET /automations.</EmptyState>
    </>
  );
}
