// Workspace settings in the HTTP API (admins): the Butler's activation and the default country for phones.
import { SettingsPatch, type SettingsService, SettingsView } from '#shared/crm/settings.ts';
import type { Route } from '../router.ts';
import { ok } from './shapes.ts';

const versioned = (settings: { version: number }) => ok(settings, 200, { etag: `"${settings.version}"` });

export function settingsRoutes(settings: SettingsService): Route[] {
  return [
    {
      method: 'GET',
      path: '/settings',
      tag: 'settings',
      summary: 'Workspace settings (admins): whether the Butler is activated (and when it was switched), the default country for phones',
      response: SettingsView,
      status: 200,
      handle: async (request) => versioned(await settings.get(request.caller)),
    },
    {
      method: 'PATCH',
      path: '/settings',
      tag: 'settings',
      summary: 'Activate the Butler or set the default country (admins); a switch applies from then on and is recorded',
      body: SettingsPatch,
      response: SettingsView,
      status: 200,
      handle: async (request) => versioned(await settings.update(request.body, request.caller, request.expectedVersion)),
    },
  ];
}
