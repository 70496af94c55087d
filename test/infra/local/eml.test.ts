// The local outbox's .eml files: standard MIME a mail client reads, and read back for GET /local/outbox.
import { describe, expect, it } from 'vitest';
import { composeEml, readEml } from '#infra/local/eml.ts';

const headers = { messageId: '01JMAIL', date: new Date('2026-12-01T10:00:00Z'), from: 'stagecraft@localhost', to: 'ada@example.com', subject: 'Grüße' };

describe('composeEml', () => {
  it('keeps every line within 78 characters, whatever the length of the text', () => {
    // Act
    const eml = composeEml(headers, { text: 'x'.repeat(5000), html: `<p>${'y'.repeat(5000)}</p>` });

    // Assess
    expect(Math.max(...eml.split('\r\n').map((line) => line.length))).toBeLessThanOrEqual(78);
    expect(eml.split('\r\n').filter((line) => line.includes('\n'))).toEqual([]);
  });

  it('writes a mail without HTML as one text/plain part', () => {
    // Act
    const eml = composeEml(headers, { text: 'Hello' });

    // Assess
    expect(eml).toMatch(/\r\nContent-Type: text\/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n$/);
    expect(eml).not.toContain('multipart');
  });

  it('encodes a subject that is not ASCII', () => {
    // Act
    const eml = composeEml(headers, { text: 'Hello' });

    // Assess
    expect(eml).toContain(`\r\nSubject: =?UTF-8?B?${Buffer.from('Grüße').toString('base64')}?=\r\n`);
  });
});

describe('readEml', () => {
  it('reads back the text and the HTML of a multipart mail, and the decoded subject', () => {
    // Act
    const mail = readEml(composeEml(headers, { text: 'Hallo Jürgen\nbye', html: '<p>Hallo J&uuml;rgen</p>' }));

    // Assess
    expect(mail).toEqual({ to: 'ada@example.com', subject: 'Grüße', date: 'Tue, 01 Dec 2026 10:00:00 GMT', text: 'Hallo Jürgen\nbye', html: '<p>Hallo J&uuml;rgen</p>' });
  });

  it('reads a text-only mail as having no HTML', () => {
    // Act
    const mail = readEml(composeEml(headers, { text: 'Hello' }));

    // Assess
    expect(mail).not.toHaveProperty('html');
    expect(mail.text).toBe('Hello');
  });

  it('still reads the 8bit text mails that earlier versions wrote', () => {
    // Prepare
    const earlier = 'To: bob@example.com\r\nSubject: Hi\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDear Bob\r\n';

    // Act
    const mail = readEml(earlier);

    // Assess
    expect(mail).toEqual({ to: 'bob@example.com', subject: 'Hi', date: undefined, text: 'Dear Bob' });
  });
});
