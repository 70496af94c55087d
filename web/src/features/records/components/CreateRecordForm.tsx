// A create form: the record type's fields, checked with the API's schema before sending,
// the API's own errors shown by field when it refuses.
import { Alert, Button, Group, Stack } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, describeError } from '../../../lib/api';
import type { RecordCollection } from '../../../lib/records';
import { type AnyRecord, useCreateRecord } from '../api/records';
import { FieldInput } from './FieldInput';
import { type FieldErrors, fieldsOf, typeOf, validateCreate } from './fields';

export function CreateRecordForm({
  collection,
  initial = {},
  onCreated,
  onCancel,
}: {
  collection: RecordCollection;
  initial?: Record<string, string>;
  onCreated: (record: AnyRecord) => void;
  onCancel: () => void;
}) {
  const type = typeOf(collection);
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useCreateRecord(collection);
  // One key per form: submitting twice (or a retry) creates one record.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const set = (name: string) => (value: string) => {
    setValues((current) => ({ ...current, [name]: value, ...(name === 'pipelineId' ? { stageId: '' } : {}) }));
    setErrors(({ [name]: _gone, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateCreate(type, values);
    if ('errors' in checked) return setErrors(checked.errors);
    create.mutate(
      { body: checked.input, idempotencyKey },
      {
        onSuccess: onCreated,
        onError: (error) => {
          if (error instanceof ApiError && error.details.length > 0) {
            setErrors(Object.fromEntries(error.details.filter((detail) => detail.path).map((detail) => [String(detail.path).replace(/^body\./, '').split('.')[0], detail.message])));
          }
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`New ${type}`}>
      <Stack gap="sm">
        {fieldsOf[type].map((field, index) => (
          <FieldInput key={field.name} field={field} value={values[field.name] ?? ''} onChange={set(field.name)} error={errors[field.name]} pipelineId={values.pipelineId} autoFocus={index === 0} />
        ))}
        {create.isError ? (
          <Alert color="red" role="alert" title="Not created">
            {describeError(create.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create {type}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
