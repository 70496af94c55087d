// Conditions: all or any of a list of field comparisons, with one level of groups.
import { ActionIcon, Button, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { conditionOps } from '#shared/automation/definition.ts';
import { conditionOpWords } from '#shared/automation/definition-model.ts';
import { type ConditionRow, type ConditionsForm, type GroupRow, type ValueKind, blankCondition } from '../model/definition-form';
import { type FieldErrors, errorAt } from '../model/field-errors';
import type { RecordTypeName } from '../model/variables';
import { FieldPicker } from './Pickers';


function ConditionLine({ row, onChange, onRemove, path, errors, type }: { row: ConditionRow; onChange: (row: ConditionRow) => void; onRemove: () => void; path: string; errors: FieldErrors; type: RecordTypeName }) {
  const set = (patch: Partial<ConditionRow>) => onChange({ ...row, ...patch });
  const needsValue = row.op !== 'changed';
  return (
    <Group align="flex-start" gap="xs" wrap="nowrap" role="group" aria-label={`Condition ${path}`}>
      <FieldPicker label="Field" type={type} value={row.field} onChange={(field) => set({ field })} error={errorAt(errors, `${path}.field`)} />
      <Select label="Is" data={conditionOps.map((op) => ({ value: op, label: conditionOpWords[op] }))} value={row.op} onChange={(op) => set({ op: (op ?? 'eq') as ConditionRow['op'] })} allowDeselect={false} w={130} error={errorAt(errors, `${path}.op`)} />
      {needsValue ? (
        row.op === 'in' ? (
          <Textarea label="Values (one per line)" value={row.value} onChange={(event) => set({ value: event.currentTarget.value })} autosize minRows={1} error={errorAt(errors, `${path}.value`, { within: true })} />
        ) : (
          <TextInput
            label={row.op === 'exists' ? 'true / false (empty: true)' : 'Value'}
            value={row.value}
            onChange={(event) => set({ value: event.currentTarget.value })}
            error={errorAt(errors, `${path}.value`)}
          />
        )
      ) : null}
      {needsValue ? (
        <Select
          label="As"
          data={[
            { value: 'text', label: 'text' },
            { value: 'number', label: 'number' },
            { value: 'boolean', label: 'yes/no' },
            { value: 'null', label: 'empty' },
          ]}
          value={row.valueKind}
          onChange={(kind) => set({ valueKind: (kind ?? 'text') as ValueKind })}
          allowDeselect={false}
          w={124}
        />
      ) : null}
      <ActionIcon mt={26} variant="subtle" color="red" onClick={onRemove} aria-label={`Remove condition ${path}`}>
        ✕
      </ActionIcon>
    </Group>
  );
}

export function ConditionsEditor({
  value,
  onChange,
  errors,
  type,
  path = 'conditions',
  label = 'Conditions',
}: {
  value: ConditionsForm;
  onChange: (next: ConditionsForm) => void;
  errors: FieldErrors;
  type: RecordTypeName;
  /** Where these conditions are in the definition: the automation's, or a branch's `actions.2.if`. */
  path?: string;
  /** What the user calls them: "Conditions", "Conditions of action 3". */
  label?: string;
}) {
  const base = `${path}.${value.mode}`;
  // A branch's empty list is refused at `….if.all`; a malformed group at the conditions themselves.
  const listError = errorAt(errors, path) ?? errorAt(errors, base);
  const setRow = (index: number, row: ConditionRow | GroupRow) => onChange({ ...value, rows: value.rows.map((item, position) => (position === index ? row : item)) });
  const remove = (index: number) => onChange({ ...value, rows: value.rows.filter((_, position) => position !== index) });
  return (
    <Stack gap="xs">
      {listError ? (
        <Text c="red" size="sm">
          {listError}
        </Text>
      ) : null}
      {value.rows.length > 1 ? (
        <SegmentedControl
          aria-label={`${label} must hold`}
          data={[
            { value: 'all', label: 'All must hold' },
            { value: 'any', label: 'Any may hold' },
          ]}
          value={value.mode}
          onChange={(mode) => onChange({ ...value, mode: mode as 'all' | 'any' })}
          w={260}
        />
      ) : null}
      {value.rows.map((row, index) =>
        row.kind === 'condition' ? (
          <ConditionLine key={index} row={row} path={`${base}.${index}`} errors={errors} type={type} onChange={(next) => setRow(index, next)} onRemove={() => remove(index)} />
        ) : (
          <Paper key={index} withBorder p="xs">
            <Stack gap="xs">
              <Group justify="space-between">
                <SegmentedControl
                  size="xs"
                  aria-label={`Group ${index + 1} must hold`}
                  data={[
                    { value: 'all', label: 'all of' },
                    { value: 'any', label: 'any of' },
                  ]}
                  value={row.mode}
                  onChange={(mode) => setRow(index, { ...row, mode: mode as 'all' | 'any' })}
                />
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove(index)}>
                  Remove group
                </Button>
              </Group>
              {row.rows.map((inner, innerIndex) => (
                <ConditionLine
                  key={innerIndex}
                  row={inner}
                  path={`${base}.${index}.${row.mode}.${innerIndex}`}
                  errors={errors}
                  type={type}
                  onChange={(next) => setRow(index, { ...row, rows: row.rows.map((item, position) => (position === innerIndex ? next : item)) })}
                  onRemove={() => setRow(index, { ...row, rows: row.rows.filter((_, position) => position !== innerIndex) })}
                />
              ))}
              <Button size="compact-xs" variant="light" onClick={() => setRow(index, { ...row, rows: [...row.rows, blankCondition()] })} w="fit-content">
                Add to group
              </Button>
            </Stack>
          </Paper>
        ),
      )}
      <Group gap="xs">
        <Button size="xs" variant="light" onClick={() => onChange({ ...value, rows: [...value.rows, blankCondition()] })}>
          Add condition
        </Button>
        <Button size="xs" variant="subtle" onClick={() => onChange({ ...value, rows: [...value.rows, { kind: 'group', mode: 'any', rows: [blankCondition()] }] })}>
          Add group
        </Button>
      </Group>
    </Stack>
  );
}
