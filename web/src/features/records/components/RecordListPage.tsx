// A record type's list: search, pages of 25, a create form.
import { Anchor, Badge, Button, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { UserName } from '../../../components/Actor';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { type RecordCollection, titleOf } from '../../../lib/records';
import { usePipelines } from '../../../lib/users';
import { type AnyRecord, type ListQuery, useRecordList } from '../api/records';
import { CreateRecordForm } from './CreateRecordForm';
import { isCollection, singular } from './fields';
import { formatAmount } from '../../../lib/money';

const titles: Record<RecordCollection, string> = { deals: 'Deals', contacts: 'Contacts', companies: 'Companies', leads: 'Leads' };

/** What a search box text asks the API for: a whole e-mail or phone is looked up exactly, other text is searched (?q=). */
export function searchQuery(collection: RecordCollection, text: string): ListQuery {
  const trimmed = text.trim();
  if (!trimmed) return {};
  if (collection !== 'deals' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)) return { email: trimmed };
  if (collection !== 'deals' && /^\+[\d\s().-]{6,}$/.test(trimmed)) return { phone: trimmed };
  return { q: trimmed.slice(0, 100) };
}

function Columns({ collection }: { collection: RecordCollection }) {
  const head = {
    deals: ['Title', 'Stage', 'Amount', 'Responsible', 'Updated'],
    contacts: ['Name', 'E-mails', 'Phones', 'Responsible', 'Updated'],
    companies: ['Name', 'E-mails', 'Phones', 'Responsible', 'Updated'],
    leads: ['Title', 'Name', 'Stage', 'Responsible', 'Updated'],
  }[collection];
  return (
    <Table.Thead>
      <Table.Tr>
        {head.map((name) => (
          <Table.Th key={name}>{name}</Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}

function Row({ collection, record, stageName }: { collection: RecordCollection; record: AnyRecord; stageName: (record: AnyRecord) => string }) {
  const link = (
    <Anchor component={Link} to={paths.record(collection, record.id)} fw={500}>
      {titleOf(record)}
    </Anchor>
  );
  const list = (value: unknown) => (Array.isArray(value) ? value.join(', ') : '');
  const cells =
    collection === 'deals'
      ? [link, <Badge variant="light" key="s" miw="max-content">{stageName(record)}</Badge>, typeof record.amount === 'number' ? formatAmount(record.amount, typeof record.currency === 'string' ? record.currency : undefined) : '—']
      : collection === 'leads'
        ? [link, String(record.name ?? '—'), <Badge variant="light" key="s" miw="max-content">{String(record.stageId)}</Badge>]
        : [link, list(record.emails) || '—', list(record.phones) || '—'];
  return (
    <Table.Tr>
      {cells.map((cell, index) => (
        <Table.Td key={index}>{cell}</Table.Td>
      ))}
      <Table.Td>
        <UserName userId={record.responsibleId as string | undefined} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed">
          {new Date(record.updatedAt).toLocaleString()}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function RecordListPage() {
  const { collection } = useParams();
  if (!isCollection(collection)) return <ErrorState title="Not found" error={new Error(`There is no page "${collection}".`)} />;
  return <RecordList key={collection} collection={collection} />;
}

function RecordList({ collection }: { collection: RecordCollection }) {
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const [text, setText] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [debounced] = useDebouncedValue(text, 300);
  const search = searchQuery(collection, debounced);
  const cursor = cursors[cursors.length - 1];
  const list = useRecordList(collection, { ...search, ...(cursor ? { cursor } : {}) });
  const pipelines = usePipelines();
  const creating = searchParams.get('new') === '1';
  // `back=board`: a deal started from a board goes back to that board once created (or cancelled).
  const backToBoard = searchParams.get('back') === 'board' ? searchParams.get('pipelineId') : null;
  const initial = Object.fromEntries([...searchParams.entries()].filter(([key]) => key !== 'new' && key !== 'back'));
  // With more than one pipeline a stage alone is ambiguous ("New" of which?): the pipeline is named with it.
  const stageName = (record: AnyRecord) => {
    const pipeline = pipelines.data?.find((candidate) => candidate.id === record.pipelineId);
    const stage = pipeline?.stages.find((candidate) => candidate.id === record.stageId)?.name ?? String(record.stageId);
    return pipeline && (pipelines.data?.length ?? 0) > 1 ? `${pipeline.name} · ${stage}` : stage;
  };
  const items = list.data?.items ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{titles[collection]}</Title>
        <Group>
          <TextInput
            aria-label={`Search ${titles[collection].toLowerCase()}`}
            type="search"
            placeholder={collection === 'deals' ? 'Title or contact name' : 'Name, part of an e-mail or phone, or an exact one'}
            w={320}
            value={text}
            onChange={(event) => {
              setText(event.currentTarget.value);
              setCursors([undefined]);
            }}
          />
          <Button onClick={() => setSearchParams({ new: '1' })}>New {singular[collection]}</Button>
        </Group>
      </Group>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isSuccess && items.length === 0 ? (
        <EmptyState title={text ? `No ${titles[collection].toLowerCase()} match “${text}”` : `No ${titles[collection].toLowerCase()} yet`}>
          {text
            ? list.data?.cursor
              ? 'None among the records read so far: “Next page” reads on.'
              : 'A whole e-mail or phone is looked up exactly; other text is found in names, titles, e-mails and phones.'
            : `Create the first with “New ${singular[collection]}”.`}
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover aria-label={titles[collection]}>
            <Columns collection={collection} />
            <Table.Tbody>
              {items.map((record) => (
                <Row key={record.id} collection={collection} record={record} stageName={stageName} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Page {cursors.length}
        </Text>
        <Group gap="xs">
          <Button variant="default" size="xs" disabled={cursors.length === 1} onClick={() => setCursors((current) => current.slice(0, -1))}>
            Previous page
          </Button>
          <Button variant="default" size="xs" disabled={!list.data?.cursor} onClick={() => setCursors((current) => [...current, list.data?.cursor])}>
            Next page
          </Button>
        </Group>
      </Group>
      <Modal opened={creating} onClose={() => setSearchParams({})} title={`New ${singular[collection]}`} size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
        <CreateRecordForm
          collection={collection}
          initial={initial}
          onCancel={() => (backToBoard ? navigate(paths.board(backToBoard)) : setSearchParams({}))}
          onCreated={(record) => navigate(backToBoard ? paths.board(backToBoard) : paths.record(collection, record.id))}
        />
      </Modal>
    </Stack>
  );
}
