// A create form checked with the API's own schemas says what is wrong in plain words.
import { describe, expect, it } from 'vitest';
import { validateCreate, validatePatch } from './fields';

describe('validateCreate', () => {
  it('calls an empty required field required, and a typed amount that is no number not a number', () => {
    // Act
    const result = validateCreate('deal', { title: '', pipelineId: 'sales', stageId: 'new', amount: 'abc' });

    // Assess
    expect(result).toEqual({ errors: expect.objectContaining({ title: 'required', amount: 'not a number' }) });
  });
});

describe('validatePatch', () => {
  it('calls a cleared required field required', () => {
    // Act
    const result = validatePatch('contact', 'name', 'text', '');

    // Assess
    expect(result).toEqual({ error: 'required' });
  });
});
