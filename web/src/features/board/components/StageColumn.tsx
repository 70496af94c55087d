// A stage of the board: its head (name, total, automations) and its deals, a drop target.
import { useDroppable } from '@dnd-kit/core';
import { useMemo } from 'react';
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { ErrorState, Loading } from '../../../components/States';
import type { AutomationSummary } from '../../../lib/automations';
import type { Deal, Stage } from '../../../lib/records';
import { useUsers } from '../../../lib/users';
import { type BoardFilters, type StageTotal, filterQuery, useStageDeals } from '../api/board';
import { DealCard } from './DealCard';
import { formatTotals } from '../../../lib/money';
import { StageAutomations } from './StageAutomations';

export interface StageColumnProps {
  pipelineId: string;
  stage: Stage;
  stages: Stage[];
  total: StageTotal | undefined;
  totalsPending: boolean;
  automations: AutomationSummary[];
  filters: BoardFilters;
  /** The board request filled the columns' first pages (or failed: the column then asks itself). */
  filled: boolean;
  /** Names of the deals' contacts the board request brought. */
  contactNames: Record<string, { name: string }>;
  onMove: (deal: Deal, toStageId: string) => void;
  notices: Record<string, string>;
  onDismissNotice: (dealId: string) => void;
}

const kindColor = { open: undefined, won: 'green', lost: 'red' } as const;

export function StageColumn({ pipelineId, stage, stages, total, totalsPending, automations, filters, filled, contactNames, onMove, notices, onDismissNotice }: StageColumnProps) {
  const deals = useStageDeals(pipelineId, stage.id, filters, filled);
  const filtered = Object.keys(filterQuery(filters)).length > 0;
  const users = useUsers();
  const names = useMemo(() => new Map((users.data ?? []).map((user) => [user.id, user.name])), [users.data]);
  const nameOf = (userId: string | undefined) => (userId ? (names.get(userId) ?? userId) : undefined);
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { stage } });
  const shown = deals.data?.pages.flatMap((page) => page.items) ?? [];
  const headingId = `stage-${stage.id}`;
  return (
    <Paper
      ref={setNodeRef}
      component="section"
      aria-labelledby={headingId}
      withBorder
      p="xs"
      bg={isOver ? 'indigo.0' : 'gray.0'}
      style={{ width: 272, flexShrink: 0, display: 'flex', flexDirection: 'column', maxHeight: '100%' }}
    >
      <Stack gap={4} mb="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="sm" id={headingId} c={kindColor[stage.kind]}>
            {stage.name}
          </Title>
          <Text size="xs" c="dimmed" aria-label={`${stage.name}: ${total?.count ?? 0} deals`}>
            {totalsPending ? '…' : (total?.count ?? 0)}
          </Text>
        </Group>
        <Text size="sm" fw={600} aria-label={`${stage.name} total`}>
          {totalsPending ? 'counting…' : formatTotals(total?.amounts ?? {})}
        </Text>
        <StageAutomations automations={automations} />
      </Stack>
      {/* The browser's own scrolling: Mantine's ScrollArea measures itself on every resize of its content. */}
      <div style={{ maxHeight: 'calc(100vh - 260px)', overflowY: 'auto', paddingRight: 4 }}>
        <Stack gap={6} mih={60}>
          {deals.isPending && !deals.data ? <Loading /> : null}
          {deals.isError ? <ErrorState error={deals.error} onRetry={() => void deals.refetch()} /> : null}
          {deals.isSuccess && shown.length === 0 ? (
            <Text size="xs" c="dimmed" ta="center" py="sm">
              {filtered ? 'No deals match the filters' : 'No deals'}
            </Text>
          ) : null}
          {shown.map((deal) => (
            <DealCard
              key={deal.id}
              deal={deal}
              responsible={nameOf(deal.responsibleId)}
              contactName={deal.contactId ? contactNames[deal.contactId]?.name : undefined}
              stages={stages}
              onMove={onMove}
              notice={notices[deal.id]}
              onDismissNotice={onDismissNotice}
            />
          ))}
          {deals.hasNextPage ? (
            <Button variant="subtle" size="xs" loading={deals.isFetchingNextPage} onClick={() => void deals.fetchNextPage()}>
              Show more{total ? ` (${shown.length} of ${total.count} shown)` : ''}
            </Button>
          ) : null}
        </Stack>
      </div>
    </Paper>
  );
}
