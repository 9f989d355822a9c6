// Process: recipient page (plain browser, served by the team server).
// What the page asks the team server, and why a link cannot be opened, in words a recipient
// with no account and no app can act on. The answers are checked with the same schemas the
// core uses (shared/link-api.ts); the envelope itself is trusted only once it authenticates
// under the fragment key (electron/core/crypto/link.ts).
import type { z } from 'zod';
import { isErrorCode } from '../shared/errors.ts';
import { linkPaths, openLinkReply, peekLinkReply } from '../shared/link-api.ts';

export type Peek = z.infer<typeof peekLinkReply>;
export type Opened = z.infer<typeof openLinkReply>;

/** Every way the page can fail, each with its own message (see `explain`). */
export type Problem =
  | 'link_expired'
  | 'link_used_up'
  | 'link_revoked'
  | 'not_found'
  | 'rate_limited'
  | 'unreachable'
  | 'bad_answer'
  | 'missing_key'
  | 'malformed_key'
  | 'wrong_passphrase'
  | 'no_passphrase'
  | 'does_not_open'
  | 'no_crypto';

export class PageError extends Error {
  constructor(readonly problem: Problem) {
    super(problem);
    this.name = 'PageError';
  }
}

/** Problems after which the link will never open, so the page offers no retry. */
export const FINAL: ReadonlySet<Problem> = new Set([
  'link_expired',
  'link_used_up',
  'link_revoked',
  'not_found',
  'missing_key',
  'malformed_key',
  'does_not_open',
]);

export function explain(p: Problem): string {
  switch (p) {
    case 'link_expired':
      return 'This link has expired. Ask the sender for a new one.';
    case 'link_used_up':
      return (
        'This link was already opened as many times as it allows, so it no longer opens. ' +
        'If you did not open it yourself, tell the sender: someone else may have.'
      );
    case 'link_revoked':
      return 'The sender revoked this link. Ask them for a new one if you still need it.';
    case 'not_found':
      return 'There is no such link. It never existed, or it expired more than a week ago and was deleted.';
    case 'rate_limited':
      return 'Too many tries from your network just now. Wait a minute, then try again.';
    case 'unreachable':
      return 'Cannot reach the server that holds this link. Check your connection, then try again.';
    case 'bad_answer':
      return 'The server sent an answer this page does not understand. Try again later.';
    case 'missing_key':
      return (
        'This link is incomplete: the key after the # is missing. ' +
        'Copy the whole link from the message you received, including the part after #.'
      );
    case 'malformed_key':
      return (
        'This link is damaged: the key after the # is not the right length or has stray characters. ' +
        'Copy the whole link from the message you received again.'
      );
    case 'wrong_passphrase':
      return 'That passphrase is wrong. Check it with the sender and try again.';
    case 'no_passphrase':
      return 'This link needs the passphrase the sender gave you separately. Type it first.';
    case 'does_not_open':
      return (
        'This link does not open with the key in the address: it was altered or not copied whole. ' +
        'Ask the sender for a new link.'
      );
    case 'no_crypto':
      return 'This browser could not start the decryption code. Try an up-to-date browser.';
  }
}

async function ask<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>): Promise<T> {
  let res: Response;
  try {
    // No body and no credentials: the recipient has no account, and the key never leaves the page.
    res = await fetch(path, { method, cache: 'no-store', credentials: 'omit', redirect: 'error' });
  } catch {
    throw new PageError('unreachable');
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // A proxy's HTML error page, or a server that went away mid-answer.
    throw new PageError(res.status >= 500 ? 'unreachable' : 'bad_answer');
  }
  if (!res.ok) {
    const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
    if (isErrorCode(code)) {
      if (code === 'link_expired' || code === 'link_used_up' || code === 'link_revoked')
        throw new PageError(code);
      if (code === 'not_found' || code === 'rate_limited' || code === 'unreachable')
        throw new PageError(code);
    }
    throw new PageError(res.status >= 500 ? 'unreachable' : 'bad_answer');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new PageError('bad_answer');
  return parsed.data;
}

/** What the link is, without spending a view (a GET: a prefetching scanner may send it). */
export const peek = (id: string) => ask('GET', linkPaths.peek(id), peekLinkReply);

/** Spends one view; only a click on Reveal calls this. */
export const open = (id: string) => ask('POST', linkPaths.open(id), openLinkReply);
