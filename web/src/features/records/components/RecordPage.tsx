// A record's page: its fields with inline edit, custom fields, linked records, history,
// activities and documents.
import { Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { UserName } from '../../../components/Actor';
import { ErrorState, Loading } from '../../../components/States';
import { ApiError, describeError } from '../../../lib/api';
import { paths } from '../../../lib/paths';
import { keys } from '../../../lib/query';
import { type RecordCollection, titleOf } from '../../../lib/records';
import { usePipelines } from '../../../lib/users';
import { type AnyRecord, useDeleteRecord, usePatchRecord, useRecord } from '../api/records';
import { ActivitiesPanel } from './ActivitiesPanel';
import { CustomFields } from './CustomFields';
import { DocumentsPanel } from './DocumentsPanel';
import { type FieldSpec, fieldsOf, isCollection, singular, toText, typeOf, validatePatch } from './fields';
import { RunNowMenu } from '../../automations';
import { RecordRuns } from '../../runs';
import { HistoryTimeline } from './HistoryTimeline';
import { InlineField, saveErrorMessage } from './InlineField';
import { LinkedDeals, MatchingLeads } from './LinkedRecords';
import { formatAmount } from '../../../lib/money';
import { useRecordName } from '../../../lib/record-names';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function LinkedName({ collection, id }: { collection: RecordCollection; id: string }) {
  const linked = useRecord(collection, id);
  return (
    <Anchor component={Link} to={paths.record(collection, id)}>
      {linked.data ? titleOf(linked.data) : linked.isError ? `${singular[collection]} ${id} (not found)` : '…'}
    </Anchor>
  );
}

function Display({ field, record }: { field: FieldSpec; record: AnyRecord }) {
  const pipelines = usePipelines();
  const value = record[field.name];
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return <Text c="dimmed">—</Text>;
  switch (field.kind) {
    case 'user':
      return <UserName userId={String(value)} />;
    case 'contact':
      return <LinkedName collection="contacts" id={String(value)} />;
    case 'company':
      return <LinkedName collection="companies" id={String(value)} />;
    case 'pipeline':
      return (
        <Anchor component={Link} to={paths.board(String(value))}>
          {pipelines.data?.find((pipeline) => pipeline.id === value)?.name ?? String(value)}
        </Anchor>
      );
    case 'stage':
      return <Badge variant="light">{pipelines.data?.find((pipeline) => pipeline.id === record.pipelineId)?.stages.find((stage) => stage.id === value)?.name ?? String(value)}</Badge>;
    case 'leadStage':
      return <Badge variant="light">{String(value).replace('_', ' ')}</Badge>;
    case 'number':
      return <Text size="sm">{field.name === 'amount' && typeof value === 'number' ? formatAmount(value, typeof record.currency === 'string' ? record.currency : undefined) : toText(value)}</Text>;
    default:
      return <Text size="sm">{toText(value)}</Text>;
  }
}

export function RecordPage() {
  const { collection, id = '' } = useParams();
  if (!isCollection(collection)) return <ErrorState title="Not found" error={new Error(`There is no page "${collection}".`)} />;
  return <RecordView key={`${collection}/${id}`} collection={collection} id={id} />;
}

function RecordView({ collection, id }: { collection: RecordCollection; id: string }) {
  const type = typeOf(collection);
  const record = useRecord(collection, id);
  const patch = usePatchRecord(collection, id);
  const remove = useDeleteRecord(collection, id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const pipelines = usePipelines();
  // A deleted record's name, from its history: its page says which record was deleted.
  const named = useRecordName(type, id);

  if (record.isPending) return <Loading />;
  if (record.isError) {
    const gone = record.error instanceof ApiError && record.error.status === 404;
    const deletedTitle = named.state === 'deleted' && named.label ? `${named.label} was deleted` : `This ${singular[collection]} does not exist (or was deleted)`;
    return (
      <Stack>
        {/* Gone stays gone: no second try offered, its history says who deleted it. */}
        <ErrorState title={gone ? deletedTitle : undefined} error={record.error} {...(gone ? {} : { onRetry: () => void record.refetch() })} />
        {gone ? (
          <Section title="History">
            <HistoryTimeline collection={collection} id={id} />
          </Section>
        ) : null}
      </Stack>
    );
  }
  const current = record.data;

  const savePatch = async (body: Record<string, unknown>): Promise<string | undefined> => {
    try {
      await patch.mutateAsync({ patch: body, version: current.version });
      void queryClient.invalidateQueries({ queryKey: keys.history(collection, id) });
      return undefined;
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) void record.refetch();
      return saveErrorMessage(error);
    }
  };
  const saveField = (field: FieldSpec) => async (text: string) => {
    const checked = validatePatch(type, field.name, field.kind, text);
    if ('error' in checked) return checked.error;
    // A deal changing pipeline enters the first stage of its new pipeline in the same write.
    if (field.name === 'pipelineId') {
      const firstStage = pipelines.data?.find((pipeline) => pipeline.id === checked.patch.pipelineId)?.stages[0];
      if (!firstStage) return 'choose a pipeline';
      return savePatch({ ...checked.patch, stageId: firstStage.id });
    }
    return savePatch(checked.patch);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Stack gap={0}>
          <Text size="sm" c="dimmed" tt="capitalize">
            <Anchor component={Link} to={paths.list(collection)} c="dimmed">
              {collection}
            </Anchor>{' '}
            / {singular[collection]}
          </Text>
          <Title order={2}>{titleOf(current)}</Title>
        </Stack>
        <Group>
          <RunNowMenu entityType={type} entityId={id} />
          {collection === 'deals' ? (
            <Button variant="default" component={Link} to={paths.board(String(current.pipelineId))}>
              Open board
            </Button>
          ) : null}
          <Button
            color="red"
            variant="light"
            loading={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete this ${singular[collection]}? Its history stays.`)) remove.mutate(current.version, { onSuccess: () => navigate(paths.list(collection)) });
            }}
          >
            Delete
          </Button>
        </Group>
      </Group>
      {remove.isError ? <ErrorState title="Not deleted" error={remove.error} /> : null}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <Section title="Fields">
              {fieldsOf[type].map((field) => (
                <InlineField
                  key={field.name}
                  field={field}
                  value={current[field.name]}
                  display={<Display field={field} record={current} />}
                  pipelineId={String(current.pipelineId ?? '')}
                  save={saveField(field)}
                />
              ))}
              <Text size="xs" c="dimmed" mt="xs">
                Version {current.version} · created {new Date(current.createdAt).toLocaleString()} · updated {new Date(current.updatedAt).toLocaleString()}
              </Text>
            </Section>
            <Section title="Custom fields">
              <CustomFields fields={(current.fields as Record<string, unknown> | undefined) ?? {}} save={(fields) => savePatch({ fields })} />
            </Section>
            {collection === 'contacts' || collection === 'companies' ? (
              <>
                <Section title="Deals">
                  <LinkedDeals collection={collection} id={id} />
                </Section>
                <Section title="Leads with the same e-mail or phone">
                  <MatchingLeads record={current} />
                </Section>
              </>
            ) : null}
            <Section title="Activities">
              <ActivitiesPanel collection={collection} id={id} />
            </Section>
            <Section title="Documents">
              <DocumentsPanel collection={collection} id={id} />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Section title="History">
            <HistoryTimeline collection={collection} id={id} />
          </Section>
          <RecordRuns entityType={type} entityId={id} />
        </Grid.Col>
      </Grid>
      {patch.isError && !(patch.error instanceof ApiError) ? <ErrorState error={describeError(patch.error)} /> : null}
    </Stack>
  );
}
