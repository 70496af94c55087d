// One deal on the board: title, amount, responsible, contact; drag it, or move it by its menu.
import { useDraggable } from '@dnd-kit/core';
import { ActionIcon, Alert, Anchor, CloseButton, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { UserName } from '../../../components/Actor';
import { paths } from '../../../lib/paths';
import { keys } from '../../../lib/query';
import type { Contact, Deal, Stage } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { formatAmount } from './format';

function ContactName({ contactId }: { contactId: string }) {
  const api = useApi();
  const contact = useQuery({
    queryKey: keys.record('contacts', contactId),
    queryFn: () => api.request<Contact>(`/contacts/${encodeURIComponent(contactId)}`),
    staleTime: 60_000,
  });
  return (
    <Anchor component={Link} to={paths.record('contacts', contactId)} size="xs" c="dimmed">
      {contact.data?.name ?? (contact.isError ? 'contact not found' : '…')}
    </Anchor>
  );
}

export interface DealCardProps {
  deal: Deal;
  stages: Stage[];
  onMove: (deal: Deal, toStageId: string) => void;
  notice?: string;
  onDismissNotice?: () => void;
}

export function DealCard({ deal, stages, onMove, notice, onDismissNotice }: DealCardProps) {
  // The card stays in its column while dragged (dimmed); the board's DragOverlay follows the pointer.
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: deal.id, data: { deal } });
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      shadow="xs"
      style={{ opacity: isDragging ? 0.4 : 1, cursor: 'grab', touchAction: 'none' }}
      component="article"
      aria-label={`Deal ${deal.title}`}
      {...listeners}
      {...attributes}
      // An article holding links and a menu; dnd-kit's default role "button" would hide them.
      role="article"
    >
      <Stack gap={2}>
        <Group justify="space-between" wrap="nowrap" gap={4} align="flex-start">
          <Anchor component={Link} to={paths.record('deals', deal.id)} fw={600} size="sm" lineClamp={2} onPointerDown={(event) => event.stopPropagation()}>
            {deal.title}
          </Anchor>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" size="sm" aria-label={`Move ${deal.title}`} onPointerDown={(event) => event.stopPropagation()}>
                <span aria-hidden="true">⋯</span>
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Move to</Menu.Label>
              {stages.map((stage) => (
                <Menu.Item key={stage.id} disabled={stage.id === deal.stageId} onClick={() => onMove(deal, stage.id)}>
                  {stage.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        </Group>
        {typeof deal.amount === 'number' ? (
          <Text size="sm" fw={500}>
            {formatAmount(deal.amount, deal.currency)}
          </Text>
        ) : null}
        <Group gap={6} justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed" span>
            <UserName userId={deal.responsibleId} />
          </Text>
          {deal.contactId ? <ContactName contactId={deal.contactId} /> : null}
        </Group>
        {notice ? (
          <Alert color="orange" p={6} role="alert" onPointerDown={(event) => event.stopPropagation()}>
            <Group gap={4} wrap="nowrap" align="flex-start">
              <Text size="xs">{notice}</Text>
              {onDismissNotice ? <CloseButton size="xs" aria-label="Dismiss" onClick={onDismissNotice} /> : null}
            </Group>
          </Alert>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** What follows the pointer while a deal is dragged. */
export function DealCardPreview({ deal }: { deal: Deal }) {
  return (
    <Paper withBorder p="xs" shadow="lg" w={248} style={{ cursor: 'grabbing', transform: 'rotate(2deg)' }} aria-hidden="true">
      <Text fw={600} size="sm" c="indigo" lineClamp={2}>
        {deal.title}
      </Text>
      {typeof deal.amount === 'number' ? (
        <Text size="sm" fw={500}>
          {formatAmount(deal.amount, deal.currency)}
        </Text>
      ) : null}
    </Paper>
  );
}
