// One field's input, by kind: text, number, list, date, or a choice among users, records, stages.
import { Select, TextInput, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../lib/query';
import { BUTLER_ID, type Page, titleOf } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { usePipelines, useUsers } from '../../../lib/users';
import { type FieldSpec, leadStageOptions } from './fields';

function useOptions(collection: 'contacts' | 'companies', enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: keys.recordList(collection, { options: true }),
    queryFn: () => api.request<Page<{ id: string; name?: string }>>(`/${collection}`, { query: { limit: 100 } }),
    select: (page) => page.items.map((item) => ({ value: item.id, label: titleOf(item) })),
    enabled,
    staleTime: 30_000,
  });
}

export interface FieldInputProps {
  field: FieldSpec;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** The pipeline chosen in the same form, for the stage field. */
  pipelineId?: string | undefined;
  autoFocus?: boolean;
  hideLabel?: boolean;
}

export function FieldInput({ field, value, onChange, error, pipelineId, autoFocus, hideLabel }: FieldInputProps) {
  const users = useUsers();
  const pipelines = usePipelines();
  const contacts = useOptions('contacts', field.kind === 'contact');
  const companies = useOptions('companies', field.kind === 'company');
  const common = {
    label: field.label,
    ...(hideLabel ? { 'aria-label': field.label, label: undefined } : {}),
    error,
    withAsterisk: field.required,
    autoFocus,
    // Inside a Mantine Modal the focus trap, not autoFocus, decides the first focus: it takes [data-autofocus].
    ...(autoFocus ? { 'data-autofocus': true } : {}),
    size: 'sm' as const,
  };
  const select = (data: Array<{ value: string; label: string }>, clearable = !field.required) => (
    <Select {...common} data={data} value={value || null} onChange={(next) => onChange(next ?? '')} searchable clearable={clearable} nothingFoundMessage="Nothing found" />
  );
  switch (field.kind) {
    case 'user':
      // The Butler is never "responsible": it acts for automations and integrations.
      return select((users.data ?? []).filter((user) => user.id !== BUTLER_ID).map((user) => ({ value: user.id, label: user.name })));
    case 'contact':
      return select(contacts.data ?? []);
    case 'company':
      return select(companies.data ?? []);
    case 'pipeline':
      return select((pipelines.data ?? []).map((pipeline) => ({ value: pipeline.id, label: pipeline.name })));
    case 'stage': {
      const pipeline = pipelines.data?.find((candidate) => candidate.id === pipelineId);
      return select((pipeline?.stages ?? []).map((stage) => ({ value: stage.id, label: stage.name })));
    }
    case 'leadStage':
      return select(leadStageOptions, false);
    case 'list':
      return <Textarea {...common} value={value} onChange={(event) => onChange(event.currentTarget.value)} autosize minRows={1} description="Several: one per line or separated by commas" />;
    case 'date':
      return <TextInput {...common} type="date" value={value} onChange={(event) => onChange(event.currentTarget.value)} />;
    case 'number':
      return <TextInput {...common} inputMode="decimal" value={value} onChange={(event) => onChange(event.currentTarget.value)} />;
    case 'currency':
      return <TextInput {...common} value={value} maxLength={3} placeholder="EUR" onChange={(event) => onChange(event.currentTarget.value.toUpperCase())} />;
    default:
      return <TextInput {...common} value={value} onChange={(event) => onChange(event.currentTarget.value)} />;
  }
}
