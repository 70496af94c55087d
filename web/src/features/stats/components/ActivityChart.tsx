// Horizontal stacked bars, one per person: created, updated, stage changes, deleted.
import { Group, Stack, Text } from '@mantine/core';
import { type Figures, totalOf } from '../api/stats';

export const series = [
  { key: 'created', label: 'Created', color: 'var(--mantine-color-indigo-6)' },
  { key: 'updated', label: 'Updated', color: 'var(--mantine-color-cyan-6)' },
  { key: 'stageChanges', label: 'Stage changes', color: 'var(--mantine-color-teal-6)' },
  { key: 'deleted', label: 'Deleted', color: 'var(--mantine-color-red-6)' },
] as const;

export function ActivityChart({ rows, max, label }: { rows: Array<{ name: string; figures: Figures }>; max: number; label: string }) {
  return (
    <Stack gap={6} role="img" aria-label={label}>
      {rows.map(({ name, figures }) => {
        const total = totalOf(figures);
        return (
          <Group key={name} gap="sm" wrap="nowrap">
            <Text size="sm" w={140} truncate title={name}>
              {name}
            </Text>
            <svg width="100%" height="18" style={{ flex: 1 }} aria-hidden="true" preserveAspectRatio="none" viewBox={`0 0 ${Math.max(max, 1)} 18`}>
              {
                series.reduce(
                  (acc, serie) => {
                    const value = figures[serie.key];
                    acc.bars.push(<rect key={serie.key} x={acc.x} y={0} width={value} height={18} fill={serie.color} />);
                    acc.x += value;
                    return acc;
                  },
                  { x: 0, bars: [] as React.ReactElement[] },
                ).bars
              }
            </svg>
            <Text size="sm" w={48} ta="right" fw={600}>
              {total}
            </Text>
          </Group>
        );
      })}
      <Group gap="md">
        {series.map((serie) => (
          <Group key={serie.key} gap={4}>
            <span style={{ display: 'inline-block', width: 10, height: 10, background: serie.color }} aria-hidden="true" />
            <Text size="xs">{serie.label}</Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}
