// Settings lists that make things by name (integrations, webhook secrets): the making, and the foot of the list
// with the write's refusal, if any, and the one-field form.
import { Alert, Button, Group, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { describeError } from '../../../lib/api';
import type { useSettingsWrite } from '../api/settings';

/**
 * Making a thing by name with `write` (a POST to `path`): the name typed, the thing made (its secret part is in this
 * answer only), and one Idempotency-Key per thing, so a double submit makes one.
 */
export function useCreateByName<Made>(write: ReturnType<typeof useSettingsWrite>, path: string) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Made | undefined>();
  const [idempotencyKey, setKey] = useState(() => crypto.randomUUID());
  const create = (event: FormEvent) => {
    event.preventDefault();
    write.mutate(
      { path, method: 'POST', body: { name }, idempotencyKey },
      {
        onSuccess: (result) => {
          setCreated(result as Made);
          setName('');
          setKey(crypto.randomUUID());
        },
      },
    );
  };
  return { name, setName, created, dismiss: () => setCreated(undefined), create };
}

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
