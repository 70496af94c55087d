// A Liquid template field: the variables this trigger provides one click away, and the text rendered
// on the record chosen for preview, with the same renderer runs use (an HTML template: in a sandboxed frame).
import { Button, Menu, ScrollArea, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { createContext, useContext, useMemo } from 'react';
import { renderTemplate } from '#shared/automation/templates.ts';
import { HtmlPreview } from '../../../components/HtmlPreview';
import type { TemplateVariable } from '../model/variables';

export interface Preview {
  /** The variables of a run on the chosen record, or undefined when no record is chosen. */
  context: Record<string, unknown> | undefined;
  timeZone: string;
  variables: TemplateVariable[];
  /** Every variable of the automation; `variables` is what the step at hand is offered (ActionEditor). */
  allVariables?: TemplateVariable[];
}

export const PreviewContext = createContext<Preview>({ context: undefined, timeZone: 'UTC', variables: [] });

export function renderPreview(source: string, preview: Preview, options: { html?: boolean } = {}): { text?: string; error?: string } {
  if (!preview.context || source.trim() === '') return {};
  try {
    return { text: renderTemplate(source, preview.context, { timeZone: preview.timeZone, html: options.html === true }) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function TemplateInput({
  label,
  value,
  onChange,
  error,
  multiline,
  required,
  description,
  html,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  multiline?: boolean;
  required?: boolean;
  description?: string;
  /** An HTML template: values are escaped as runs escape them, and the preview shows the page, sandboxed. */
  html?: boolean;
}) {
  const preview = useContext(PreviewContext);
  const rendered = useMemo(() => renderPreview(value, preview, { html: html === true }), [value, preview, html]);
  const groups = [...new Set(preview.variables.map((variable) => variable.group))];
  const insert = (name: string) => onChange(`${value}{{ ${name} }}`);
  const variablesMenu = (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="compact-xs" variant="subtle" px={6} aria-label={`Insert a variable into ${label}`}>
          {'{{ }}'}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <ScrollArea.Autosize mah={300}>
          {groups.map((group) => (
            <div key={group}>
              <Menu.Label>{group}</Menu.Label>
              {preview.variables
                .filter((variable) => variable.group === group)
                .map((variable) => (
                  <Menu.Item key={variable.name} onClick={() => insert(variable.name)}>
                    {variable.name}
                  </Menu.Item>
                ))}
            </div>
          ))}
        </ScrollArea.Autosize>
      </Menu.Dropdown>
    </Menu>
  );
  const common = {
    label,
    value,
    required,
    description,
    error,
    onChange: (event: { currentTarget: { value: string } }) => onChange(event.currentTarget.value),
    rightSection: variablesMenu,
    // Wide enough for the whole "{{ }}" button, with the input's text stopping before it.
    rightSectionWidth: 64,
  };
  return (
    <Stack gap={2}>
      {multiline ? <Textarea {...common} autosize minRows={3} /> : <TextInput {...common} />}
      {rendered.text !== undefined && html ? <HtmlPreview title={`Preview of ${label}`} html={rendered.text} /> : null}
      {rendered.text !== undefined && !html ? (
        <Text size="xs" c="dimmed" aria-label={`Preview of ${label}`}>
          Preview: {rendered.text === '' ? <em>(empty)</em> : rendered.text}
        </Text>
      ) : null}
      {rendered.error ? (
        <Text size="xs" c="red">
          Preview: {rendered.error}
        </Text>
      ) : null}
    </Stack>
  );
}
