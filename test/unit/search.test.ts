// Process: test (vitest, plain Node).
// shared/search.ts: what the window's search box finds, and shared/words.ts: how counts read.
import { describe, expect, it } from 'vitest';
import { indexForSearch, searchItems, searchWords } from '../../shared/search.ts';
import { plural } from '../../shared/words.ts';

const items = [
  { id: 'a', vaultId: 'v1', vault: 'prod', name: 'db-password', tags: ['postgres', 'eu'] },
  { id: 'b', vaultId: 'v1', vault: 'prod', name: 'Stripe API key', tags: ['billing'] },
  { id: 'c', vaultId: 'v2', vault: 'staging', name: 'db-password', tags: [] },
  { id: 'd', vaultId: 'v2', vault: 'staging', name: 'Root policy', tags: ['aws'] },
  { id: 'e', vaultId: 'v2', vault: 'staging', name: 'mailbox', tags: ['access'] },
];
const index = indexForSearch(items);
const ids = (q: string, vault?: string) => searchItems(index, q, vault).map((s) => s.id);

describe('searchItems', () => {
  it('an empty or blank query lists everything, in order', () => {
    expect(ids('')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids('   ')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('matches names, vault names and tags, ignoring case', () => {
    expect(ids('STRIPE')).toEqual(['b']);
    expect(ids('staging')).toEqual(['c', 'd', 'e']);
    expect(ids('Postgres')).toEqual(['a']);
  });

  it('needs every word to match somewhere, in any order', () => {
    expect(ids('prod password')).toEqual(['a']);
    expect(ids('password prod')).toEqual(['a']);
    expect(ids('staging db')).toEqual(['c']);
    expect(ids('prod aws')).toEqual([]);
    expect(ids('  db   eu ')).toEqual(['a']);
  });

  it('a word does not match across the name and the vault', () => {
    expect(ids('passwordprod')).toEqual([]);
    expect(ids('password\nprod')).toEqual(['a']);
  });

  it('a plural finds the singular', () => {
    expect(ids('passwords')).toEqual(['a', 'c']);
    expect(ids('keys')).toEqual(['b']);
    expect(ids('policies')).toEqual(['d']);
    expect(ids('mailboxes')).toEqual(['e']);
    expect(ids('staging passwords')).toEqual(['c']);
  });

  it('a word that only looks plural is taken as typed', () => {
    expect(searchWords('access')).toEqual([['access']]);
    expect(searchWords('aws')).toEqual([['aws']]);
    expect(ids('access')).toEqual(['e']);
  });

  it('keeps to one vault when asked', () => {
    expect(ids('password', 'v2')).toEqual(['c']);
    expect(ids('', 'v1')).toEqual(['a', 'b']);
  });

  it('a repeated word counts once', () => {
    expect(searchWords('db DB db')).toEqual([['db']]);
  });
});

describe('plural', () => {
  it.each([
    [0, '0 secrets'],
    [1, '1 secret'],
    [2, '2 secrets'],
    [10_000, '10000 secrets'],
  ])('%i', (n, said) => expect(plural(n, 'secret')).toBe(said));

  it('takes an irregular plural', () => {
    expect(plural(1, 'copy', 'copies')).toBe('1 copy');
    expect(plural(3, 'copy', 'copies')).toBe('3 copies');
  });
});
