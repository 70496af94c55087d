// Liquid templates: checked on save, rendered with the run's context, and unable to reach files or prototypes.
import { describe, expect, it } from 'vitest';
import { renderAction } from '#shared/automation/render-action.ts';
import { renderTemplate, templateContext, templateProblem } from '#shared/automation/templates.ts';
import type { Action } from '#shared/automation/definition.ts';
import { anEvent } from './factories.ts';

const context = templateContext({
  entityType: 'deal',
  entity: { title: 'Boiler', amount: 1500, responsibleId: 'u-7', closeDate: '2026-06-30' },
  contact: { name: 'Ada Lovelace', emails: ['ada@example.com'] },
  event: { ...anEvent(), eventId: 'event-42' },
  automation: { id: 'renewal-1', name: 'Renewal reminder' },
  run: { id: 'event-42' },
  now: new Date('2026-03-01T23:30:00Z'),
});

describe('templateProblem', () => {
  it.each(['Renewal: {{ deal.title }}', '{% if deal.amount > 1000 %}big{% endif %}', 'plain text', '{{ deal.title | upcase }}'])(
    'accepts %s',
    (source) => {
      // Act
      const problem = templateProblem(source);

      // Assess
      expect(problem).toBeUndefined();
    },
  );

  it.each([
    ['an unclosed output', '{{ deal.title', 'not closed'],
    ['an unknown filter', '{{ deal.title | shout }}', 'undefined filter: shout'],
    ['an include', "{% include 'secrets' %}", 'include tag is not available'],
    ['a render', "{% render 'x' %}", 'render tag is not available'],
    ['a layout', "{% layout 'x' %}", 'layout tag is not available'],
  ])('names %s', (_case, source, message) => {
    // Act
    const problem = templateProblem(source);

    // Assess
    expect(problem).toContain(message);
  });
});

describe('renderTemplate', () => {
  it.each([
    ['the subject under its type', 'Renewal: {{ deal.title }}', 'Renewal: Boiler'],
    ['the subject as entity', '{{ entity.amount }}', '1500'],
    ['the contact', 'Dear {{ contact.name }}', 'Dear Ada Lovelace'],
    ['the automation and run', '{{ automation.name }} / {{ run.id }}', 'Renewal reminder / event-42'],
    ['a missing value as empty', '[{{ deal.currency }}]', '[]'],
    ['a missing record as empty', '[{{ company.name }}]', '[]'],
    ['no prototype members', '[{{ deal.constructor }}]', '[]'],
  ])('renders %s', (_case, source, expected) => {
    // Act
    const text = renderTemplate(source, context, { timeZone: 'UTC' });

    // Assess
    expect(text).toBe(expected);
  });

  it.each([
    ['UTC', '2026-03-01 23:30'],
    ['Europe/Berlin', '2026-03-02 00:30'],
  ])('formats dates in the %s time zone', (timeZone, expected) => {
    // Act
    const text = renderTemplate('{{ now | date: "%Y-%m-%d %H:%M" }}', context, { timeZone });

    // Assess
    expect(text).toBe(expected);
  });

  it('stops a runaway template', () => {
    // Act
    const act = () => renderTemplate('{% for i in (1..100000000) %}x{% endfor %}', context, { timeZone: 'UTC' });

    // Assess
    expect(act).toThrow(/limit exceeded/);
  });
});

describe('"now" in date filters', () => {
  it('is the run’s now, not the machine’s clock', () => {
    const context = { now: '2031-05-06T07:08:09.000Z' };

    const rendered = renderTemplate('{{ "now" | date: "%Y-%m-%d" }} {{ "today" | date_to_xmlschema }} {{ now | date: "%H:%M" }}', context, { timeZone: 'UTC' });

    expect(rendered).toBe('2031-05-06 2031-05-06T07:08:09+00:00 07:08');
  });

  it('leaves other dates as they are', () => {
    const rendered = renderTemplate('{{ "2020-02-03T00:00:00Z" | date: "%Y" }}', { now: '2031-05-06T07:08:09.000Z' }, { timeZone: 'UTC' });

    expect(rendered).toBe('2020');
  });
});

describe('the json filter', () => {
  it('writes a missing value as null, so a webhook body stays JSON', () => {
    // Act
    const body = renderTemplate('{"amount": {{ deal.amount | json }}, "title": {{ deal.title | json }}}', { deal: { title: 'Pump "XL"' } }, { timeZone: 'UTC' });

    // Assess
    expect(JSON.parse(body)).toEqual({ amount: null, title: 'Pump "XL"' });
  });
});

describe('an HTML template', () => {
  const htmlContext = { ...context, contact: { name: '<script>alert(1)</script> & "Co"' } };

  it('escapes every value it writes, and keeps its own markup', () => {
    // Act
    const html = renderTemplate('<p>Dear <b>{{ contact.name }}</b></p>', htmlContext, { timeZone: 'UTC', html: true });

    // Assess
    expect(html).toBe('<p>Dear <b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;</b></p>');
  });

  it('escapes a value written by echo and cycle too', () => {
    // Act
    const html = renderTemplate('{% echo contact.name %}|{% cycle contact.name %}', htmlContext, { timeZone: 'UTC', html: true });

    // Assess
    expect(html).not.toContain('<script>');
  });

  it('escapes a value once, also when the admin escapes it too or builds it with capture', () => {
    // Act
    const html = renderTemplate('{{ contact.name | escape }}|{% capture greeting %}Dear {{ contact.name }}{% endcapture %}{{ greeting }}', htmlContext, {
      timeZone: 'UTC',
      html: true,
    });

    // Assess
    const once = '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;';
    expect(html).toBe(`${once}|Dear ${once}`);
  });

  it('writes a value that is a script URL as unsafe, so a link built from a record cannot run script', () => {
    // Act
    const html = renderTemplate('<a href="{{ contact.website }}">site</a> <a href="{{ contact.blog }}">blog</a>', { contact: { website: ' JavaScript:alert(1)', blog: 'https://example.org/?q=a&b' } }, {
      timeZone: 'UTC',
      html: true,
    });

    // Assess
    expect(html).toBe('<a href="unsafe: JavaScript:alert(1)">site</a> <a href="https://example.org/?q=a&amp;b">blog</a>');
  });

  it('keeps the line breaks of newline_to_br and escapes the value around them', () => {
    // Act
    const html = renderTemplate('<p>{{ contact.notes | newline_to_br }}</p>', { contact: { notes: 'Call <Ada>\nafter 5 & before 6' } }, { timeZone: 'UTC', html: true });

    // Assess
    expect(html).toBe('<p>Call &lt;Ada&gt;<br />\nafter 5 &amp; before 6</p>');
  });

  it('writes a script URL as unsafe also when a tab or line break splits its scheme, as a browser joins it', () => {
    // Act
    const html = renderTemplate('<a href="{{ a }}">a</a><a href="{{ b }}">b</a><a href="{{ c }}">c</a>', { a: 'java\tscript:alert(1)', b: '\u0001 java\nscript:alert(1)', c: 'VB\r\nScript:x' }, {
      timeZone: 'UTC',
      html: true,
    });

    // Assess
    expect(html).toBe('<a href="unsafe:java\tscript:alert(1)">a</a><a href="unsafe:\u0001 java\nscript:alert(1)">b</a><a href="unsafe:VB\r\nScript:x">c</a>');
  });

  it('has no way out of escaping: | raw is refused when the template is checked', () => {
    // Act
    const problem = templateProblem('{{ contact.name | raw }}', { html: true });

    // Assess
    expect(problem).toContain('"| raw" is not available');
  });

  it('leaves a text template as it is: raw and unescaped', () => {
    // Act
    const text = renderTemplate('{{ contact.name | raw }}', htmlContext, { timeZone: 'UTC' });

    // Assess
    expect(text).toBe('<script>alert(1)</script> & "Co"');
  });
});

describe('renderAction', () => {
  it('fills every template of an action and keeps the rest', async () => {
    // Prepare
    const action: Action = { type: 'sendEmail', to: 'contact', subject: 'About {{ deal.title }}', body: 'Dear {{ contact.name }}' };

    // Act
    const rendered = await renderAction(action, context, { timeZone: 'UTC' });

    // Assess
    expect(rendered).toEqual({ type: 'sendEmail', to: 'contact', subject: 'About Boiler', body: 'Dear Ada Lovelace' });
  });

  it("escapes the values in a mail's html and not in its body", async () => {
    // Prepare
    const action: Action = { type: 'sendEmail', to: 'contact', subject: '{{ deal.title }}', body: 'Dear {{ contact.name }}', html: '<p>Dear {{ contact.name }}</p>' };
    const withMarkup = { ...context, contact: { name: 'Ada <b>' } };

    // Act
    const rendered = await renderAction(action, withMarkup, { timeZone: 'UTC' });

    // Assess
    expect(rendered).toEqual({ type: 'sendEmail', to: 'contact', subject: 'Boiler', body: 'Dear Ada <b>', html: '<p>Dear Ada &lt;b&gt;</p>' });
  });

  it('fills the values of updateFields', async () => {
    // Prepare
    const action: Action = { type: 'updateFields', set: { 'fields.note': 'won at {{ deal.amount }}' } };

    // Act
    const rendered = await renderAction(action, context, { timeZone: 'UTC' });

    // Assess
    expect(rendered).toEqual({ type: 'updateFields', set: { 'fields.note': 'won at 1500' } });
  });

  it('fills an activity due date given as a template', async () => {
    // Prepare
    const action: Action = { type: 'planActivity', subject: 'Call', activityType: 'call', due: '{{ deal.closeDate }}' };

    // Act
    const rendered = await renderAction(action, context, { timeZone: 'UTC' });

    // Assess
    expect(rendered).toMatchObject({ due: '2026-06-30' });
  });
});
