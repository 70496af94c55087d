// Workspace settings: whether the Butler is activated and the
// country national phone numbers belong to. Until an admin activates the Butler, integration
// writes are credited to the admin who created the key and automation writes to their author,
// with `via` keeping who really acted; switching is recorded with who and when.
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { BUTLER_ID } from '#shared/domain/actors.ts';
import { loadPhoneParsing, loadedPhoneParsing } from '#shared/domain/contact-points.ts';
import { Conflict, VersionMismatch } from '#shared/errors.ts';
import type { Clock } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import { actorOf, type Caller, requireAdmin } from './context.ts';
import { parseWith } from '#shared/domain/validation.ts';

export const SETTINGS_NAME = 'workspace';
/** Switches kept in the settings item, newest last. */
const MAX_SWITCHES = 100;

export interface ButlerSwitch {
  active: boolean;
  at: string;
  by: string;
}

export interface WorkspaceSettings {
  version: number;
  butlerActive: boolean;
  defaultCountry?: string;
  butlerSwitches: ButlerSwitch[];
  updatedAt?: string;
  updatedBy?: string;
}

export const SettingsPatch = z
  .strictObject({
    butlerActive: z.boolean().optional(),
    defaultCountry: z
      .string()
      .refine((code) => loadedPhoneParsing().isSupportedCountry(code), 'an ISO 3166 country code such as ES')
      .nullable()
      .optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one setting to change');

export const SettingsView = z.object({
  version: z.number().int(),
  butlerActive: z.boolean(),
  defaultCountry: z.string().optional(),
  butlerSwitches: z.array(z.object({ active: z.boolean(), at: z.string(), by: z.string() })),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

/** A workspace nobody configured: the Butler is off, as for a new workspace on AWS. */
const fresh: WorkspaceSettings = { version: 0, butlerActive: false, butlerSwitches: [] };

const WRITE_ATTEMPTS = 5;

export function createSettingsService(store: Store, clock: Clock) {
  /** The settings as stored now, past the container's short-lived copy (a versioned write starts from them). */
  async function read(): Promise<WorkspaceSettings> {
    return (await store.settings.get<WorkspaceSettings>(SETTINGS_NAME, { fresh: true })) ?? fresh;
  }

  /**
   * Writes a change on the settings as read, again on a fresh read when another admin wrote in between, unless the
   * caller named the version it read (If-Match): then a write in between makes its view stale (412).
   */
  async function write(change: (current: WorkspaceSettings) => WorkspaceSettings, expectedVersion?: number): Promise<WorkspaceSettings> {
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      const current = await read();
      if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VersionMismatch(expectedVersion, current.version);
      const next = { ...change(current), version: current.version + 1 };
      if (await store.settings.putVersioned(SETTINGS_NAME, next, current.version)) return next;
    }
    throw new Conflict('WRITE_CONFLICT', 'The settings changed under every attempt to write them; try again.');
  }

  async function update(input: unknown, caller: Caller, expectedVersion?: number): Promise<WorkspaceSettings> {
    requireAdmin(caller);
    // The country check reads phone metadata, loaded only when a country is sent.
    if (typeof (input as { defaultCountry?: unknown } | null)?.defaultCountry === 'string') await loadPhoneParsing();
    const patch = parseWith(SettingsPatch, input);
    const by = actorOf(caller).id;
    const at = clock.now().toISOString();
    return write((current) => {
      const next: WorkspaceSettings = { ...current, updatedAt: at, updatedBy: by };
      if (patch.butlerActive !== undefined && patch.butlerActive !== current.butlerActive) {
        next.butlerActive = patch.butlerActive;
        next.butlerSwitches = [...current.butlerSwitches, { active: patch.butlerActive, at, by }].slice(-MAX_SWITCHES);
      }
      if (patch.defaultCountry === null) delete next.defaultCountry;
      else if (patch.defaultCountry !== undefined) next.defaultCountry = patch.defaultCountry;
      return next;
    }, expectedVersion);
  }

  async function get(caller: Caller): Promise<WorkspaceSettings> {
    requireAdmin(caller);
    return read();
  }

  /** The local demo starts with the Butler on; a workspace configured already keeps its choice. */
  async function activateButlerOnce(by: string): Promise<void> {
    const at = clock.now().toISOString();
    const settings: WorkspaceSettings = { version: 1, butlerActive: true, butlerSwitches: [{ active: true, at, by }], updatedAt: at, updatedBy: by };
    await store.settings.putVersioned(SETTINGS_NAME, settings, 0);
  }

  return { get, update, read, activateButlerOnce };
}

export type SettingsService = ReturnType<typeof createSettingsService>;

/**
 * Who an integration or automation write is credited to while the Butler is off: the admin
 * who created the key, or the automation's author. Undefined means the Butler.
 */
export async function creditedUser(store: Store, on: { integrationId: string } | { automationId: string }): Promise<string | undefined> {
  const settings = await store.settings.get<WorkspaceSettings>(SETTINGS_NAME);
  if (settings?.butlerActive) return undefined;
  const owner =
    'integrationId' in on
      ? (await store.credentials.getIntegration(on.integrationId))?.createdBy
      : (await store.records.get('automation', on.automationId))?.createdBy;
  // A key or automation nobody owns (seeded ones) stays the Butler's.
  return owner && owner !== BUTLER_ID ? owner : undefined;
}

/**
 * The country a number typed without `+` belongs to (the workspace's defaultCountry); the settings are read only
 * for such a number, never for an e-mail or an international number.
 */
export async function countryFor(store: Store, raw: string): Promise<CountryCode | undefined> {
  const value = raw.trim();
  if (value.startsWith('+') || value.includes('@')) return undefined;
  return (await store.settings.get<WorkspaceSettings>(SETTINGS_NAME))?.defaultCountry as CountryCode | undefined;
}

/** What a person may type for a phone, said in a 400: international, or national where a default country is set. */
export const phoneFormat = (country: string | undefined) =>
  country ? `a phone number, international (+ and country code) or national in ${country}` : 'a phone number in international format (+ and country code)';

/**
 * National numbers ("612 34 56 78") become E.164 with the workspace's default country; others pass as sent. Phone
 * parsing is loaded here when the input has phones, so the record schemas can check them.
 */
export async function withNationalPhones(store: Store, input: unknown): Promise<unknown> {
  if (typeof input !== 'object' || input === null || !Array.isArray((input as { phones?: unknown }).phones)) return input;
  const phones = (input as { phones: unknown[] }).phones;
  if (phones.length === 0) return input;
  const { normalisePhone } = await loadPhoneParsing();
  if (!phones.some((phone) => typeof phone === 'string' && !phone.trim().startsWith('+'))) return input;
  const country = (await store.settings.get<WorkspaceSettings>(SETTINGS_NAME))?.defaultCountry as CountryCode | undefined;
  if (!country) return input;
  return {
    ...input,
    phones: phones.map((phone) => (typeof phone === 'string' && !phone.trim().startsWith('+') ? (normalisePhone(phone, country) ?? phone) : phone)),
  };
}
