import { describe, expect, it } from 'vitest';
import { navigationFor } from './routes';

describe('the navigation', () => {
  it('offers the local tools in local mode', () => {
    // Act
    const labels = navigationFor('local').map((entry) => entry.label);

    // Assess
    expect(labels).toContain('Local tools');
  });

  it('hides the local tools from people signed in through Cognito, whose API has no /local routes', () => {
    // Act
    const labels = navigationFor('cognito').map((entry) => entry.label);

    // Assess
    expect(labels).not.toContain('Local tools');
    expect(labels).toContain('Board');
  });
});
