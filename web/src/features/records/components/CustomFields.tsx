// Custom fields: the record's `fields` map, each value editable, new ones added by name.
import { ActionIcon, Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { describeError } from '../../../lib/api';

type Fields = Record<string, unknown>;

/** Form text → a custom value: numbers and booleans as such, the rest as text. */
export function customValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed !== '' && !Number.isNaN(Number(trimmed)) && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

export function CustomFields({ fields, save }: { fields: Fields; save: (next: Fields) => Promise<string | undefined> }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const entries = Object.entries(fields);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError('name the field');
    const problem = await save({ ...fields, [name.trim()]: customValue(value) });
    setError(problem);
    if (!problem) {
      setName('');
      setValue('');
    }
  };
  const remove = async (key: string) => {
    const { [key]: _gone, ...rest } = fields;
    setError(await save(rest));
  };
  return (
    <Stack gap={6}>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          No custom fields.
        </Text>
      ) : (
        entries.map(([key, current]) => (
          <Group key={key} justify="space-between" wrap="nowrap">
            {/* A note typed on several lines keeps them. */}
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              <Text span c="dimmed">
                {key}:
              </Text>{' '}
              {typeof current === 'object' ? JSON.stringify(current) : String(current)}
            </Text>
            <ActionIcon variant="subtle" color="red" size="sm" aria-label={`Remove field ${key}`} onClick={() => void remove(key)}>
              <span aria-hidden="true">✕</span>
            </ActionIcon>
          </Group>
        ))
      )}
      <form onSubmit={(event) => void add(event)} aria-label="Add a custom field">
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput label="Field" size="xs" value={name} onChange={(event) => setName(event.currentTarget.value)} />
          <TextInput label="Value" size="xs" value={value} onChange={(event) => setValue(event.currentTarget.value)} style={{ flex: 1 }} />
          <Button type="submit" size="xs" variant="light">
            Set
          </Button>
        </Group>
      </form>
      {error ? (
        <Alert color="red" p="xs" role="alert">
          {describeError(error)}
        </Alert>
      ) : null}
    </Stack>
  );
}
