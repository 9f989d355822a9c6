// Process: server (team server; plain Node).
// The break-glass webhook (docs/design.md "Break-glass"): a request, a grant and a window's end
// are POSTed as JSON signed with HMAC-SHA256 of the body, after the transaction that recorded
// them commits, never inside it. A delivery that fails is tried again after a backoff; every
// attempt carries the same body, event id included, so a receiver that got an attempt whose
// answer was lost can tell the next one is the same event. The body names the team, vault and
// request only (never the reason, which stays inside the team).
import { createHmac } from 'node:crypto';

export type AlertType = 'breakglass.request' | 'breakglass.grant' | 'breakglass.expire';

export interface Alert {
  /** One id per event, the same on every attempt. */
  id: string;
  type: AlertType;
  vault: string;
  request: string;
  /** The minutes the request asked for. */
  minutes: number;
  /** The event's signed time (the request's, the grant's, the window's end). */
  at: number;
}

export interface Webhook {
  url: string;
  secret: Uint8Array;
  /** The waits before the second, third, ... attempt; default 1 s then 5 s (three attempts). */
  retryDelaysMs?: readonly number[];
}

export const RETRY_DELAYS_MS = [1_000, 5_000] as const;

/** Where a delivery that gave up is told: the event id and type only, never the URL (which
 *  may carry a token) or the secret. */
export type WebhookLog = (line: string) => void;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

async function deliver(hook: Webhook, body: string, sig: string): Promise<string | null> {
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tessera-signature': `sha256=${sig}` },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    return res.ok ? null : `status ${res.status}`;
  } catch {
    return 'no answer';
  }
}

/** Sends each alert, each on its own (one failing receiver does not hold up the next event);
 *  resolves when every one was delivered or given up. Never throws. */
export async function sendAlerts(
  hook: Webhook | undefined,
  team: string,
  alerts: readonly Alert[],
  log: WebhookLog,
): Promise<void> {
  if (!hook) return;
  const delays = hook.retryDelaysMs ?? RETRY_DELAYS_MS;
  await Promise.all(
    alerts.map(async (a) => {
      const body = JSON.stringify({ ...a, team });
      const sig = createHmac('sha256', hook.secret).update(body).digest('hex');
      let why: string | null = null;
      for (let i = 0; i <= delays.length; i++) {
        if (i > 0) await sleep(delays[i - 1]!);
        why = await deliver(hook, body, sig);
        if (why === null) return;
      }
      log(
        `break-glass webhook: gave up on event ${a.id} (${a.type}) after ${delays.length + 1} attempts (${why})`,
      );
    }),
  );
}
