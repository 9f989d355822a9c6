// Process: shared. The offboarding route (docs/design.md "Offboarding"): the body is the chain
// batch holding the one `member.remove` link with reason `offboarded`; the reply says what the
// server did in the same transaction. Nothing in the reply is believed about who could read
// what: that comes from the verified chain.
import { z } from 'zod';
import { API_PREFIX, appendReply } from './api.ts';

export const offboardPath = (team: string, user: string) =>
  `${API_PREFIX}/teams/${team}/members/${user}/offboard`;

export const offboardReply = appendReply.extend({
  sessionsRevoked: z.number().int().nonnegative(),
  linksRevoked: z.number().int().nonnegative(),
  accountSuspended: z.boolean(),
});
export type OffboardReply = z.infer<typeof offboardReply>;
