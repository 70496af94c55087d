// The foot of a settings list that makes things by name (integrations, webhook secrets): the write's refusal, if
// any, and the one-field form.
import { Alert, Button, Group, TextInput } from '@mantine/core';
import type { FormEvent } from 'react';
import { describeError } from '../../../lib/api';

export function CreateByName({
  form,
  field,
  submit,
  name,
  onName,
  onSubmit,
  pending,
  error,
}: {
  /** The form's accessible name ("Create an integration"). */
  form: string;
  field: string;
  submit: string;
  name: string;
  onName: (name: string) => void;
  onSubmit: (event: FormEvent) => void;
  pending: boolean;
  /** The last write's refusal (a create's or a delete's). */
  error: unknown;
}) {
  return (
    <>
      {error ? (
        <Alert color="red" role="alert">
          {describeError(error)}
        </Alert>
      ) : null}
      <form onSubmit={onSubmit} aria-label={form}>
        <Group align="flex-end" gap="xs">
          <TextInput label={field} size="xs" value={name} onChange={(event) => onName(event.currentTarget.value)} />
          <Button type="submit" size="xs" loading={pending}>
            {submit}
          </Button>
        </Group>
      </form>
    </>
  );
}
