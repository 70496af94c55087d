// People and their roles; the Butler listed apart, undeletable.
import { Alert, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ButlerBadge } from '../../../components/Actor';
import { QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import { useIsAdmin } from '../../../lib/role';
import { BUTLER_ID } from '../../../lib/records';
import { useUsers } from '../../../lib/users';
import { useSettingsWrite } from '../api/settings';

const roles = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
];

/** Admins change roles, delete people and add them; members see the list only (the API would refuse them). */
export function UsersSettings() {
  const isAdmin = useIsAdmin();
  const users = useUsers();
  const write = useSettingsWrite([keys.users]);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const [idempotencyKey, setKey] = useState(() => crypto.randomUUID());
  const add = (event: FormEvent) => {
    event.preventDefault();
    write.mutate(
      { path: '/users', method: 'POST', idempotencyKey, body: { name, role, ...(email.trim() ? { email } : {}) } },
      {
        onSuccess: () => {
          setName('');
          setEmail('');
          setKey(crypto.randomUUID());
        },
      },
    );
  };
  return (
    <Stack>
      <QueryState query={users}>
        {(list) => (
          <Table aria-label="Users" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Role</Table.Th>
                {isAdmin ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((user) =>
                user.id === BUTLER_ID ? (
                  <Table.Tr key={user.id}>
                    <Table.Td>
                      <ButlerBadge butler={user} />
                    </Table.Td>
                    <Table.Td>—</Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color="grape">
                        virtual user · not a login
                      </Badge>
                    </Table.Td>
                    {isAdmin ? (
                      <Table.Td>
                        <Badge variant="light" color="gray">
                          cannot be deleted
                        </Badge>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ) : (
                  <Table.Tr key={user.id}>
                    <Table.Td>{user.name}</Table.Td>
                    <Table.Td>{user.email ?? '—'}</Table.Td>
                    <Table.Td>
                      {isAdmin ? (
                        <Select
                          aria-label={`Role of ${user.name}`}
                          size="xs"
                          w={130}
                          data={roles}
                          value={user.role}
                          allowDeselect={false}
                          onChange={(next) => next && write.mutate({ path: `/users/${user.id}`, method: 'PATCH', body: { role: next }, ifMatch: user.version })}
                        />
                      ) : (
                        <Text size="sm">{roles.find((role) => role.value === user.role)?.label ?? user.role}</Text>
                      )}
                    </Table.Td>
                    {isAdmin ? (
                      <Table.Td>
                        <Button
                          size="compact-xs"
                          color="red"
                          variant="subtle"
                          onClick={() => window.confirm(`Delete ${user.name}?`) && write.mutate({ path: `/users/${user.id}`, method: 'DELETE' })}
                        >
                          Delete
                        </Button>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ),
              )}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {write.isError ? (
        <Alert color="red" role="alert">
          {describeError(write.error)}
        </Alert>
      ) : null}
      {isAdmin ? (
        <form onSubmit={add} aria-label="Add a user">
          <Group align="flex-end" gap="xs">
            <TextInput label="Name" size="xs" value={name} onChange={(event) => setName(event.currentTarget.value)} />
            <TextInput label="E-mail" size="xs" value={email} onChange={(event) => setEmail(event.currentTarget.value)} />
            <Select label="Role" size="xs" data={roles} value={role} onChange={(next) => setRole(next ?? 'member')} allowDeselect={false} w={120} />
            <Button type="submit" size="xs" loading={write.isPending}>
              Add user
            </Button>
          </Group>
        </form>
      ) : (
        <Text size="sm" c="dimmed">
          Only admins add people, change roles and delete users.
        </Text>
      )}
    </Stack>
  );
}
