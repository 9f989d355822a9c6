// Process: test. The master password policy (shared/password-policy.ts) and the core's check
// built on it, which the window's signup goes through: a length floor and a zxcvbn score
// floor, the account's own email and name counted against it, a reason that says what to do
// and never quotes the password.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertStrongMasterPassword } from '../../electron/core/account/master-password.ts';
import { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import { TesseraError } from '../../shared/errors.ts';
import {
  loadStrength,
  MIN_MASTER_PASSWORD_LENGTH,
  rateMasterPassword,
  strengthWord,
} from '../../shared/password-policy.ts';

let z: ZxcvbnFactory;
beforeAll(async () => {
  z = await loadStrength();
});

const ALICE = ['alice@example.test', 'Alice Liddell'];

describe('master password policy', () => {
  it('refuses anything under the length floor, however random, and says to add words', () => {
    for (const pw of ['a', 'x7#Qv!2', 'Zq8$wL1!p']) {
      expect([...pw].length).toBeLessThan(MIN_MASTER_PASSWORD_LENGTH);
      const v = rateMasterPassword(z, pw);
      expect(v.ok).toBe(false);
      expect(v.reason).toBe(
        'A master password needs at least 10 characters: add more words. Four or five uncommon words in a row are easy to remember and hard to guess.',
      );
    }
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    // Nine emoji: 36 bytes, 18 UTF-16 units, still nine characters.
    expect(rateMasterPassword(z, '🐴🔋📎🐴🔋📎🐴🔋📎').reason).toMatch(/at least 10 characters/);
  });

  it('refuses long but guessable passwords with zxcvbn’s advice', () => {
    for (const pw of ['password123', 'qwertyuiop', 'aaaaaaaaaaaa', '1234567890', 'iloveyou2024']) {
      const v = rateMasterPassword(z, pw);
      expect(v.ok, pw).toBe(false);
      expect(v.reason).toMatch(/^This master password is too easy to guess\. /);
      expect(v.reason).toMatch(/Add more words that are less common\./);
    }
    expect(rateMasterPassword(z, 'password123').reason).toBe(
      'This master password is too easy to guess. This is a commonly used password. Add more words that are less common.',
    );
  });

  it("counts the account's own email and name against it", () => {
    const pw = 'alice@example.test';
    expect(rateMasterPassword(z, pw).ok).toBe(true);
    const v = rateMasterPassword(z, pw, ALICE);
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/It contains your name or email address\./);
  });

  it('accepts passphrases and long random strings', () => {
    for (const pw of [
      'alice horse battery staple',
      'correct horse battery staple',
      'pw-0123456789abcdef01234567',
      'Tr0ub4dour&3 mauve lantern',
      'x'.repeat(5) + 'k9#Lm2$vQ8!zR4',
    ])
      expect(rateMasterPassword(z, pw, ALICE), pw).toEqual({
        ok: true,
        word: expect.any(String),
        reason: null,
      });
  });

  it('never quotes the password in its reason', () => {
    for (const pw of ['password123', 'abcabcabcabc', 'alice@example.test', 'Summer2024!', 'short']) {
      const reason = rateMasterPassword(z, pw, ALICE).reason ?? '';
      expect(reason).not.toBe('');
      expect(reason.toLowerCase()).not.toContain(pw.toLowerCase());
    }
  });

  it('scores only the first 100 characters, so a huge paste costs what 100 characters cost', () => {
    const huge = 'a1'.repeat(50_000);
    let t0 = performance.now();
    const short = rateMasterPassword(z, huge.slice(0, 100));
    const shortMs = performance.now() - t0;
    t0 = performance.now();
    const long = rateMasterPassword(z, huge);
    const longMs = performance.now() - t0;
    expect(long).toEqual(short);
    // Scoring all 100,000 characters would take minutes; a busy machine may double the rest.
    expect(longMs).toBeLessThan(5 * shortMs + 1_000);
  });

  it('gives the meter a word on the same scale', () => {
    expect(strengthWord(z, 'a')).toBe('very weak');
    expect(strengthWord(z, 'correct horse battery staple')).toBe('strong');
  });
});

describe('the core check', () => {
  it('throws a usage error with the reason, from the bytes it is given', async () => {
    const err = await assertStrongMasterPassword(new TextEncoder().encode('a'), ALICE).catch((e) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('usage');
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^A master password needs at least 10 characters/);
  });

  it('lets a strong one through', async () => {
    await expect(
      assertStrongMasterPassword(new TextEncoder().encode('correct horse battery staple'), ALICE),
    ).resolves.toBeUndefined();
  });
});

describe('the window', () => {
  it('signup refuses a weak master password with the reason, before any network, and keeps no account', async () => {
    const core = new DesktopCore({
      profileDir: mkdtempSync(join(tmpdir(), 'tessera-weak-')),
      clipboard: { readText: () => '', writeText: () => undefined },
      emit: () => undefined,
    });
    // Port 9 (discard) answers nothing: had the core gone to the network, this would say so.
    const r = await core.dispatch('account.signup', {
      server: 'http://127.0.0.1:9',
      email: 'alice@example.test',
      name: 'Alice',
      password: 'password123',
    });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'usage',
        message:
          'This master password is too easy to guess. This is a commonly used password. Add more words that are less common.',
      },
    });
    expect(await core.dispatch('app.state', {})).toMatchObject({ ok: true, value: { hasAccount: false } });
  });
});
