// The local outbox's .eml files: standard MIME a mail client reads, and read back for GET /local/outbox.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeEml, type EmlContent, type EmlHeaders, readEml } from '#infra/local/eml.ts';

function headersOf(overrides: Partial<EmlHeaders> = {}): EmlHeaders {
  return { messageId: '01JMAIL', date: new Date('2026-12-01T10:00:00Z'), from: 'stagecraft@localhost', to: 'ada@example.com', subject: 'Grüße', ...overrides };
}

function contentOf(overrides: Partial<EmlContent> = {}): EmlContent {
  return { text: 'Hello', ...overrides };
}

/** 200 characters, none of them ASCII, one of them outside the Basic Multilingual Plane. */
const longSubject = 'äöüß€日本語ñ😀'.repeat(20);

/** The file's header section: its lines up to the first empty one. */
function headLines(eml: Buffer): string[] {
  const text = eml.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
}

describe('composeEml', () => {
  it('keeps every line within 78 characters, whatever the length of the text', async () => {
    // Act
    const eml = await composeEml(headersOf(), contentOf({ text: 'x'.repeat(5000), html: `<p>${'y'.repeat(5000)}</p>` }));

    // Assess
    const lines = eml.toString('utf8').split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(78);
    expect(lines.filter((line) => line.includes('\n'))).toEqual([]);
  });

  it('folds a subject of 200 non-ASCII characters into header lines of at most 78 characters', async () => {
    // Act
    const eml = await composeEml(headersOf({ subject: longSubject }), contentOf());

    // Assess
    expect(headLines(eml).filter((line) => line.length > 78)).toEqual([]);
  });

  it('writes a head of ASCII only when the display names in From and To are not ASCII', async () => {
    // Act
    const eml = await composeEml(headersOf({ from: 'Büro Stagecraft <stagecraft@localhost>', to: 'Jürgen Müller <juergen@example.com>' }), contentOf());

    // Assess
    expect(headLines(eml).filter((line) => !/^[\x20-\x7e]*$/.test(line))).toEqual([]);
  });

  it('gives a mail client the display names in From and To as written', async () => {
    // Prepare
    const eml = await composeEml(headersOf({ from: 'Büro Stagecraft <stagecraft@localhost>', to: 'Jürgen Müller <juergen@example.com>' }), contentOf());

    // Act
    const mail = await simpleParser(eml);

    // Assess
    expect([mail.from?.value, [mail.to].flat()[0]?.value]).toEqual([
      [{ name: 'Büro Stagecraft', address: 'stagecraft@localhost' }],
      [{ name: 'Jürgen Müller', address: 'juergen@example.com' }],
    ]);
  });

  it('names the mail by its id at stagecraft.local, with its date, reply-to and tags', async () => {
    // Prepare
    const eml = await composeEml(headersOf({ replyTo: 'owner@example.com', tags: { automation: 'A1', run: 'R1', step: '0' } }), contentOf());

    // Act
    const mail = await simpleParser(eml);

    // Assess
    expect({
      messageId: mail.messageId,
      date: mail.date,
      replyTo: mail.replyTo?.text,
      tags: ['x-stagecraft-automation', 'x-stagecraft-run', 'x-stagecraft-step'].map((name) => mail.headers.get(name)),
    }).toEqual({ messageId: '<01JMAIL@stagecraft.local>', date: new Date('2026-12-01T10:00:00Z'), replyTo: 'owner@example.com', tags: ['A1', 'R1', '0'] });
  });

  it('writes a mail with HTML as multipart/alternative, the text part before the HTML part', async () => {
    // Act
    const eml = (await composeEml(headersOf(), contentOf({ html: '<p>Hello</p>' }))).toString('utf8');

    // Assess
    expect(eml).toMatch(/^Content-Type: multipart\/alternative;\s/m);
    expect(eml.search(/^Content-Type: text\/plain; charset=utf-8$/im)).toBeLessThan(eml.search(/^Content-Type: text\/html; charset=utf-8$/im));
  });

  it('writes the same file for the same mail', async () => {
    // Act
    const [first, second] = await Promise.all([composeEml(headersOf(), contentOf({ html: '<p>Hello</p>' })), composeEml(headersOf(), contentOf({ html: '<p>Hello</p>' }))]);

    // Assess
    expect(first.toString('utf8')).toBe(second.toString('utf8'));
  });
});

describe('readEml', () => {
  it('reads back the text and the HTML of a multipart mail, and the decoded subject', async () => {
    // Act
    const mail = await readEml(await composeEml(headersOf(), contentOf({ text: 'Hallo Jürgen\nbye\n', html: '<p>Hallo J&uuml;rgen</p>' })));

    // Assess
    expect(mail).toEqual({ to: 'ada@example.com', subject: 'Grüße', date: 'Tue, 01 Dec 2026 10:00:00 GMT', text: 'Hallo Jürgen\nbye\n', html: '<p>Hallo J&uuml;rgen</p>' });
  });

  it('reads back a subject of 200 non-ASCII characters', async () => {
    // Act
    const mail = await readEml(await composeEml(headersOf({ subject: longSubject }), contentOf()));

    // Assess
    expect(mail.subject).toBe(longSubject);
  });

  it('reads back a display name in To that is not ASCII', async () => {
    // Act
    const mail = await readEml(await composeEml(headersOf({ to: 'Jürgen Müller <juergen@example.com>' }), contentOf()));

    // Assess
    expect(mail.to).toBe('"Jürgen Müller" <juergen@example.com>');
  });

  it('reads a text-only mail as having no HTML', async () => {
    // Act
    const mail = await readEml(await composeEml(headersOf(), contentOf({ text: 'Hello' })));

    // Assess
    expect(mail).not.toHaveProperty('html');
    expect(mail.text).toBe('Hello');
  });

  it('reads an empty text as empty', async () => {
    // Act
    const mail = await readEml(await composeEml(headersOf(), contentOf({ text: '', html: '<p>Hello</p>' })));

    // Assess
    expect(mail).toMatchObject({ text: '', html: '<p>Hello</p>' });
  });

  it('still reads the 8bit text mails that earlier versions wrote', async () => {
    // Prepare
    const earlier = 'To: bob@example.com\r\nSubject: Hi\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDear Bob\r\n';

    // Act
    const mail = await readEml(earlier);

    // Assess
    expect(mail).toEqual({ to: 'bob@example.com', subject: 'Hi', date: undefined, text: 'Dear Bob' });
  });

  it('still reads the multipart mails with base64 parts that earlier versions wrote', async () => {
    // Prepare
    const earlier =
      'Message-ID: <01JEARLIER@stagecraft.local>\r\nDate: Mon, 02 Nov 2026 09:30:00 GMT\r\nFrom: stagecraft@localhost\r\nTo: ada@example.com\r\n' +
      'Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nX-Stagecraft-automation: a1\r\nX-Stagecraft-run: r1\r\nX-Stagecraft-step: 0\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/alternative; boundary="=_stagecraft_01JEARLIER"\r\n\r\n' +
      '--=_stagecraft_01JEARLIER\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGFsbG8gSsO8cmdlbg==\r\n' +
      '--=_stagecraft_01JEARLIER\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+SGFsbG8gPGI+SsO8cmdlbjwvYj48L3A+\r\n' +
      '--=_stagecraft_01JEARLIER--\r\n';

    // Act
    const mail = await readEml(earlier);

    // Assess
    expect(mail).toEqual({ to: 'ada@example.com', subject: 'Grüße', date: 'Mon, 02 Nov 2026 09:30:00 GMT', text: 'Hallo Jürgen', html: '<p>Hallo <b>Jürgen</b></p>' });
  });

  it('still reads the text-only mails with a base64 part that earlier versions wrote', async () => {
    // Prepare
    const earlier =
      'Message-ID: <01JEARLIER@stagecraft.local>\r\nDate: Mon, 02 Nov 2026 09:30:00 GMT\r\nFrom: stagecraft@localhost\r\nTo: ada@example.com\r\n' +
      'Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nX-Stagecraft-automation: a1\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGFsbG8gSsO8cmdlbg==\r\n';

    // Act
    const mail = await readEml(earlier);

    // Assess
    expect(mail).toEqual({ to: 'ada@example.com', subject: 'Grüße', date: 'Mon, 02 Nov 2026 09:30:00 GMT', text: 'Hallo Jürgen' });
  });
});
