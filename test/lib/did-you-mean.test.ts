import { describe, expect, it } from 'vitest';
import { didYouMean, listed, suggestion, suggestionIfOne } from '../../src/lib/did-you-mean.js';

describe('didYouMean', () => {
  it('offers the closest candidate for a typo, ignoring case', () => {
    expect(didYouMean('regoin', ['region', 'sex', 'age'])).toBe('region');
    expect(didYouMean('tabel', ['table', 'model', 'plot'])).toBe('table');
    expect(didYouMean('Sexx', ['region', 'sex'])).toBe('sex');
  });
  it('offers nothing for a name unlike every candidate, or for an exact match', () => {
    expect(didYouMean('image', ['table', 'model', 'plot', 'summary', 'records', 'file'])).toBeNull();
    expect(didYouMean('zz', ['region'])).toBeNull();
    expect(didYouMean('region', ['region'])).toBeNull();
    expect(didYouMean('x', [])).toBeNull();
  });
  it('formats the hint and value lists', () => {
    expect(suggestion('regoin', ['region'])).toBe('; did you mean "region"?');
    expect(suggestion('zzzzzz', ['region'])).toBe('');
    expect(listed(['count', 'sum'])).toBe('"count", "sum"');
  });
  it('hints for a list of unknown names only when there is one', () => {
    expect(suggestionIfOne(['regoin'], ['region'])).toBe('; did you mean "region"?');
    expect(suggestionIfOne(['regoin', 'sexx'], ['region', 'sex'])).toBe('');
    expect(suggestionIfOne([], ['region'])).toBe('');
  });
});
