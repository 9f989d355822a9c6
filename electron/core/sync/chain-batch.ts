// Process: core (trusted Node side; never imports electron).
// Building and sending links (docs/design.md "The team chain"). Each link is signed on top of
// the state the batch has reached and verified by the same code that verifies a pull, so this
// client never sends a link it would itself refuse. The batch carries the sealed keys and
// vault payloads its links name, and goes to the server as one request and one transaction.
import {
  type AppendBody,
  appendReply,
  paths,
  type SealedKey,
  type VaultPayload,
} from '../../../shared/api.ts';
import type { z } from 'zod';
import type { LinkBody, LinkType } from '../../../shared/chain/links.ts';
import type { TeamState as ChainState } from '../../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../../shared/chain/verify.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { chainCrypto, signLink } from '../crypto/chain.ts';
import type { ChainLink } from '../../../shared/chain/links.ts';
import type { Unlocked } from '../profile/unlocked.ts';

export class ChainBatch {
  state: ChainState;
  readonly links: ChainLink[] = [];
  readonly keys: SealedKey[] = [];
  readonly vaults: VaultPayload[] = [];
  /** Another route that appends the batch the same way (an offboarding), and its whole answer. */
  route: { path: string; reply: z.ZodType<{ revision: number }> } | null = null;
  answer: unknown = null;

  constructor(
    private readonly u: Unlocked,
    readonly teamId: string,
  ) {
    this.state = u.team(teamId).chain;
  }

  get empty(): boolean {
    return this.links.length === 0;
  }

  /** Signs the next link and checks it against the state so far; refuses what the chain would. */
  add<T extends Exclude<LinkType, 'team.create'>>(type: T, body: LinkBody<T>): this {
    const s = this.state;
    const link = signLink(
      s.team,
      { seq: s.seq + 1, prev: s.head, type, author: this.u.userId, body: body as Record<string, unknown> },
      this.u.keyring.account.signSecretKey,
    );
    try {
      this.state = extendChain(chainCrypto, s, [link]);
    } catch (e) {
      if (e instanceof ChainError)
        throw new TesseraError('forbidden', e.message.replace(/^team chain link \d+: /, ''));
      throw e;
    }
    this.links.push(link);
    return this;
  }

  async send(): Promise<number> {
    const body: AppendBody = { links: this.links, keys: this.keys, vaults: this.vaults };
    const r = await this.u.http.request(
      'POST',
      this.route?.path ?? paths.chain(this.teamId),
      body,
      this.route?.reply ?? appendReply,
    );
    this.answer = r;
    return r.revision;
  }
}
