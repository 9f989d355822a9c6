// Process: test. The window's side of one-time links that needs no server: which lifetimes
// the Share-as-link dialog offers under a vault's cap, how they are said, and what the IPC
// contract refuses before the core service is reached (a copy of anything but a link's
// shape, a link without views, an empty passphrase).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSodium } from '../../electron/core/crypto/index.ts';
import { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import {
  defaultExpiry,
  describeLifetime,
  describeLink,
  describePolicy,
  describeViews,
  expiryChoices,
} from '../../shared/link-words.ts';

const H = 3600;
const D = 86_400;

beforeAll(async () => {
  await initSodium();
});

describe('link lifetimes in words', () => {
  it('offers every preset without a cap, and none longer than a cap', () => {
    expect(expiryChoices(null)).toEqual([600, H, 8 * H, D, 3 * D, 7 * D]);
    expect(expiryChoices(D)).toEqual([600, H, 8 * H, D]);
    // A cap between presets is offered itself, so the longest allowed is always a choice.
    expect(expiryChoices(2 * H)).toEqual([600, H, 2 * H]);
    expect(expiryChoices(120)).toEqual([120]);
  });

  it('preselects an hour when allowed, else the longest allowed', () => {
    expect(defaultExpiry(null)).toBe(H);
    expect(defaultExpiry(D)).toBe(H);
    expect(defaultExpiry(300)).toBe(300);
  });

  it('says lifetimes, policies and views plainly', () => {
    expect(describeLifetime(7 * D)).toBe('7 days');
    expect(describeLifetime(H)).toBe('1 hour');
    expect(describeLifetime(90 * 60)).toBe('90 minutes');
    expect(describeLifetime(60)).toBe('1 minute');
    expect(describePolicy({ linksAllowed: false, maxExpirySeconds: null })).toBe(
      'One-time links are turned off for this vault.',
    );
    expect(describePolicy({ linksAllowed: true, maxExpirySeconds: null })).toBe(
      'Links from this vault may live up to 7 days.',
    );
    expect(describePolicy({ linksAllowed: true, maxExpirySeconds: D })).toBe(
      "This vault's policy lets links live at most 1 day.",
    );
    expect(describeViews({ views: 2, viewsLeft: 1 })).toBe('1 of 2 views left');
    expect(describeViews({ views: 1, viewsLeft: 0 })).toBe('0 of 1 view left');
    expect(describeLink({ vault: 'prod', secret: 'db' })).toBe('prod/db');
    expect(describeLink({ vault: 'prod', secret: null })).toBe('a deleted secret in prod');
    expect(describeLink({ vault: null, secret: null })).toBe('a secret in a vault you cannot read');
  });
});

describe('the link calls at the IPC gate', () => {
  const core = new DesktopCore({
    profileDir: mkdtempSync(join(tmpdir(), 'tessera-desk-links-')),
    clipboard: { readText: () => '', writeText: () => undefined },
    emit: () => {},
  });
  const url = `https://tessera.example/s/${globalThis.crypto.randomUUID()}#${'A'.repeat(43)}`;

  it('copies only a link, and only while unlocked', async () => {
    expect(await core.dispatch('link.copy', { url: 'https://evil.example/please-paste-me' })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringMatching(/^not a Tessera link/) },
    });
    expect(await core.dispatch('link.copy', { url })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('refuses a link without views, beyond the limits, or with an empty passphrase', async () => {
    const base = { ref: 'prod/db', expiresInSeconds: H, views: 1 };
    for (const bad of [
      { ...base, views: 0 },
      { ...base, views: 101 },
      { ...base, expiresInSeconds: 8 * D },
      { ...base, expiresInSeconds: 30 },
      { ...base, passphrase: '' },
      { ...base, fields: [] },
      { ref: 'prod/db' },
    ])
      expect(await core.dispatch('link.create', bad), JSON.stringify(bad)).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
    expect(await core.dispatch('link.revoke', { id: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});
