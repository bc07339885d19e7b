import { describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract.ts';
import { fieldSentence, sentenceResolver } from '../../src-renderer/components/forms.ts';

describe("a field's refusal under the field", () => {
  it('says what follows the field name as a whole sentence', () => {
    expect(fieldSentence('is required')).toBe('This field is required.');
    expect(fieldSentence('must be at most 365')).toBe('This field must be at most 365.');
  });

  it('leaves a sentence as it is', () => {
    expect(fieldSentence('This code is not correct. Enter the newest code.')).toBe(
      'This code is not correct. Enter the newest code.',
    );
  });

  it('ends a capitalised message without its full stop with one', () => {
    expect(fieldSentence('Choose a file')).toBe('Choose a file.');
  });

  it("says the form's own check in sentences too", () => {
    const check = sentenceResolver(contract['organizations.create'].input);
    expect(check({ name: '', slug: 'acme', tier: 'free' })).toEqual({
      name: 'This field is required.',
    });
  });
});
