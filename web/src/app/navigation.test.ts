import { describe, expect, it } from 'vitest';
import { navigationFor } from './routes';

describe('the navigation', () => {
  it('offers the local tools in local mode', () => {
    // Act
    const labels = navigationFor('local', true).map((entry) => entry.label);

    // Assess
    expect(labels).toContain('Local tools');
  });

  it('hides the local tools from people signed in through Cognito, whose API has no /local routes', () => {
    // Act
    const labels = navigationFor('cognito', true).map((entry) => entry.label);

    // Assess
    expect(labels).not.toContain('Local tools');
    expect(labels).toContain('Board');
  });

  it('hides the local tools from members, whose every request there the API refuses', () => {
    // Act
    const labels = navigationFor('local', false).map((entry) => entry.label);

    // Assess
    expect(labels).not.toContain('Local tools');
    expect(labels).toEqual(expect.arrayContaining(['Board', 'Automations', 'Runs', 'Settings']));
  });
});
