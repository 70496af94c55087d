// Pickers that offer what the workspace really has: pipelines, their stages, users, a record type's fields,
// and durations as "6 months" rather than P6M. Each shows the API's error for its path.
import { Autocomplete, Group, MultiSelect, NumberInput, Select, TextInput } from '@mantine/core';
import { leadStages } from '#shared/domain/entities.ts';
import { describeDuration } from '#shared/automation/durations.ts';
import { useDocumentTemplates } from '../../../lib/document-templates';
import type { Pipeline } from '../../../lib/records';
import { usePipelines, useUsers } from '../../../lib/users';
import { useWebhookSecrets } from '../api/webhook-secrets';
import { type RecordTypeName, fieldsOf } from '../model/variables';

interface Common {
  label: string;
  error?: string | undefined;
  description?: string;
}

export function PipelinePicker({ value, onChange, label, error, allowAny }: Common & { value: string; onChange: (id: string) => void; allowAny?: boolean }) {
  const pipelines = usePipelines();
  const data = [...(allowAny ? [{ value: '', label: 'Any pipeline' }] : []), ...(pipelines.data ?? []).map((pipeline) => ({ value: pipeline.id, label: pipeline.name }))];
  if (value && !data.some((item) => item.value === value)) data.push({ value, label: `${value} (unknown)` });
  return <Select label={label} data={data} value={value} onChange={(next) => onChange(next ?? '')} error={error} allowDeselect={false} searchable />;
}

const leadStageNames: Record<string, string> = { new: 'New', in_progress: 'In progress', converted: 'Converted', junk: 'Junk' };

/** Stages of the pipeline; of every pipeline when none is chosen; the lead stages for leads. */
export function stageOptions(pipelines: readonly Pipeline[], pipelineId: string, entity: string): Array<{ value: string; label: string }> {
  if (entity === 'lead') return leadStages.map((stage) => ({ value: stage, label: leadStageNames[stage] ?? stage }));
  const chosen = pipelines.filter((pipeline) => !pipelineId || pipeline.id === pipelineId);
  const seen = new Map<string, string>();
  for (const pipeline of chosen)
    for (const stage of pipeline.stages) {
      const label = pipelineId ? stage.name : `${stage.name} (${pipeline.name})`;
      seen.set(stage.id, seen.has(stage.id) ? `${seen.get(stage.id)}, ${pipeline.name}` : label);
    }
  return [...seen].map(([value, label]) => ({ value, label }));
}

export function StagePicker({ value, onChange, label, error, pipelineId, entity = 'deal' }: Common & { value: string; onChange: (id: string) => void; pipelineId: string; entity?: string }) {
  const pipelines = usePipelines();
  const data = stageOptions(pipelines.data ?? [], pipelineId, entity);
  if (value && !data.some((item) => item.value === value)) data.push({ value, label: `${value} (not in this pipeline)` });
  return <Select label={label} data={data} value={value || null} onChange={(next) => onChange(next ?? '')} error={error} searchable placeholder="Choose a stage" />;
}

/** A field of the record type; custom fields are typed as `fields.name`. */
export function FieldPicker({ value, onChange, label, error, type, fields }: Common & { value: string; onChange: (field: string) => void; type: RecordTypeName; fields?: string[] }) {
  return (
    <Autocomplete
      label={label}
      data={fields ?? fieldsOf(type)}
      value={value}
      onChange={onChange}
      error={error}
      placeholder="amount, closeDate, fields.my_field…"
    />
  );
}

/** Who: the record's responsible (a template), or a user by name. A custom template stays as typed. */
export function ResponsiblePicker({ value, onChange, label, error, subject }: Common & { value: string; onChange: (value: string) => void; subject: string }) {
  const users = useUsers();
  const own = subject === 'documentOwner' ? '{{ entity.responsibleId }}' : `{{ ${subject}.responsibleId }}`;
  const data = [
    { value: '', label: "The record's responsible (default)" },
    { value: own, label: `The record's responsible (${own})` },
    ...(users.data ?? []).filter((user) => user.kind !== 'butler').map((user) => ({ value: user.id, label: user.name })),
  ];
  if (value && !data.some((item) => item.value === value)) data.push({ value, label: value });
  return <Select label={label} data={data} value={value} onChange={(next) => onChange(next ?? '')} error={error} searchable allowDeselect={false} />;
}

/** A document template by name and kind; `allowAny` offers "every template" as the empty value. */
export function TemplatePicker({ value, onChange, label, error, description, allowAny }: Common & { value: string; onChange: (id: string) => void; allowAny?: boolean }) {
  const templates = useDocumentTemplates();
  const data = [
    ...(allowAny ? [{ value: '', label: 'Any template' }] : []),
    ...(templates.data ?? []).map((template) => ({ value: template.id, label: `${template.name} (${template.kind})` })),
  ];
  if (value && !data.some((item) => item.value === value)) data.push({ value, label: `${value} (unknown)` });
  return (
    <Select
      label={label}
      description={description}
      data={data}
      value={allowAny ? value : value || null}
      onChange={(next) => onChange(next ?? '')}
      error={error}
      searchable
      allowDeselect={false}
      placeholder="Choose a template"
    />
  );
}

export function UserPicker({ value, onChange, label, error }: Common & { value: string; onChange: (value: string) => void }) {
  const users = useUsers();
  const data = (users.data ?? []).filter((user) => user.kind !== 'butler').map((user) => ({ value: user.id, label: user.name }));
  if (value && !data.some((item) => item.value === value)) data.push({ value, label: value });
  return <Select label={label} data={data} value={value || null} onChange={(next) => onChange(next ?? '')} error={error} searchable />;
}

/** Several users, in the order chosen; ids no user has any more stay listed, so saving does not drop them silently. */
export function UsersPicker({ value, onChange, label, error, description }: Common & { value: string[]; onChange: (ids: string[]) => void }) {
  const users = useUsers();
  const data = (users.data ?? [])
    .filter((user) => user.kind !== 'butler')
    .map((user) => ({ value: user.id, label: user.active === false ? `${user.name} (inactive)` : user.name }));
  for (const id of value) if (!data.some((item) => item.value === id)) data.push({ value: id, label: `${id} (unknown)` });
  return <MultiSelect label={label} description={description} data={data} value={value} onChange={onChange} error={error} searchable />;
}

/** A webhook signing secret by name; the empty value sends the request unsigned. */
export function WebhookSecretPicker({ value, onChange, label, error, description }: Common & { value: string; onChange: (id: string) => void }) {
  const secrets = useWebhookSecrets();
  const data = [{ value: '', label: 'Not signed' }, ...(secrets.data ?? []).map((secret) => ({ value: secret.secretId, label: secret.name }))];
  if (value && !data.some((item) => item.value === value)) data.push({ value, label: `${value} (unknown)` });
  return <Select label={label} description={description} data={data} value={value} onChange={(next) => onChange(next ?? '')} error={error} searchable allowDeselect={false} />;
}

const units = [
  { value: 'Y', label: 'years' },
  { value: 'M', label: 'months' },
  { value: 'W', label: 'weeks' },
  { value: 'D', label: 'days' },
  { value: 'TH', label: 'hours' },
  { value: 'TM', label: 'minutes' },
] as const;

const SIMPLE = /^(-)?P(T)?(\d+)([YMWDHM])$/;

/** A duration as amount + unit; anything else ISO-8601 can say (P1M15D) is typed as text. */
export function DurationInput({ value, onChange, label, error, signed, description }: Common & { value: string; onChange: (iso: string) => void; signed?: boolean }) {
  const match = SIMPLE.exec(value);
  const simple = value === '' || match !== null;
  if (!simple) {
    return <TextInput label={label} description={description ?? `ISO-8601: ${describeDuration(value.replace(/^-/, ''))}`} value={value} onChange={(event) => onChange(event.currentTarget.value)} error={error} />;
  }
  const negative = match?.[1] === '-';
  const unit = match ? `${match[2] ?? ''}${match[4]}` : 'D';
  const amount = match ? Number(match[3]) : '';
  const build = (next: { amount?: number | string; unit?: string; negative?: boolean }) => {
    const a = next.amount ?? amount;
    const u = next.unit ?? unit;
    const n = next.negative ?? negative;
    if (a === '' || a === undefined) return onChange('');
    onChange(`${n ? '-' : ''}P${u.startsWith('T') ? `T${a}${u.slice(1)}` : `${a}${u}`}`);
  };
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <NumberInput label={label} description={description} value={amount} min={0} onChange={(next) => build({ amount: next })} error={error} w={140} allowDecimal={false} />
      <Select aria-label={`${label} unit`} data={units.map((item) => ({ ...item }))} value={unit} onChange={(next) => build({ unit: next ?? 'D' })} w={120} allowDeselect={false} />
      {signed ? (
        <Select
          aria-label={`${label} direction`}
          data={[
            { value: 'after', label: 'after' },
            { value: 'before', label: 'before' },
          ]}
          value={negative ? 'before' : 'after'}
          onChange={(next) => build({ negative: next === 'before' })}
          w={110}
          allowDeselect={false}
        />
      ) : null}
    </Group>
  );
}
