// A field shown as its value with an Edit button; editing saves that one field with If-Match.
import { ActionIcon, Button, Group, Stack, Text } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, describeError } from '../../../lib/api';
import { FieldInput } from './FieldInput';
import { type FieldSpec, toText } from './fields';

export interface InlineFieldProps {
  field: FieldSpec;
  value: unknown;
  display: ReactNode;
  pipelineId?: string | undefined;
  /** Checks and saves; resolves to an error message, or undefined when saved. */
  save: (text: string) => Promise<string | undefined>;
}

export function saveErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 412) return 'Someone changed this record meanwhile; it is shown as it is now. Edit again if needed.';
  return describeError(error);
}

export function InlineField({ field, value, display, pipelineId, save }: InlineFieldProps) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const start = () => {
    setText(toText(value));
    setError(undefined);
    setEditing(true);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const problem = await save(text);
    setSaving(false);
    if (problem) setError(problem);
    else setEditing(false);
  };
  return (
    <Group align="flex-start" wrap="nowrap" gap="md" py={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
      <Text size="sm" c="dimmed" w={130} style={{ flexShrink: 0 }} pt={editing ? 6 : 0}>
        {field.label}
      </Text>
      {editing ? (
        <form
          onSubmit={(event) => void submit(event)}
          // Escape leaves edit mode as Cancel does, unless an open dropdown of the field took it (to close itself).
          onKeyDown={(event) => {
            if (event.key !== 'Escape' || event.defaultPrevented || event.nativeEvent.isComposing) return;
            if (event.target instanceof HTMLElement && event.target.getAttribute('aria-expanded') === 'true') return;
            event.preventDefault();
            setEditing(false);
          }}
          style={{ flex: 1 }}
          aria-label={`Edit ${field.label}`}>
          <Stack gap={6}>
            <FieldInput field={field} value={text} onChange={setText} error={error} pipelineId={pipelineId} autoFocus hideLabel />
            <Group gap="xs">
              <Button type="submit" size="xs" loading={saving}>
                Save
              </Button>
              <Button size="xs" variant="default" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Group justify="space-between" wrap="nowrap" style={{ flex: 1 }}>
          <div>{display}</div>
          <ActionIcon variant="subtle" size="sm" aria-label={`Edit ${field.label}`} onClick={start}>
            <span aria-hidden="true">✎</span>
          </ActionIcon>
        </Group>
      )}
    </Group>
  );
}
