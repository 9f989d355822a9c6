// Process: core (trusted Node side; never imports electron).
// The push channel: a server-sent-event stream that says only "team T is now at revision N".
// It carries no data, so a hostile server gains nothing by lying on it; at worst it causes
// an extra pull. Reconnects with capped backoff so a restarted server is picked up again.
// Announcements are coalesced into few pulls: one member's burst of writes announces every
// one of them, and a pull per announcement would cost every open window a pull per write.
// The stream says nothing about what happened while it was down (the server keeps no backlog
// of announcements), so every (re)connect owes one pull, whatever the next announcement says.
import { paths, teamChangedEvent } from '../../../shared/api.ts';
import type { HttpClient } from '../net/http.ts';

export interface LiveHandlers {
  onRevision(revision: number): void;
  /** true each time the stream is (re)connected, false each time it drops. */
  onOnline?(online: boolean): void;
}

/** How live sync paces its pulls while announcements keep coming (see coalescePulls). */
export const LIVE_SYNC_PACING = { firstGapMs: 250, maxGapMs: 4_000, retryMaxMs: 30_000 } as const;

export interface PullPacer {
  /** The server says the team is at `revision`. */
  announce(revision: number): void;
  /** Pull once even if no announcement asks for it: the stream was just (re)connected and
   *  writes made while it was down were announced to no one. Paced like any pull. */
  catchUp(): void;
  stop(): void;
}

/**
 * Turns "now at revision N" announcements into few pulls. A pull starts no sooner than a gap
 * after the last one began: firstGapMs normally, so edits a person makes now and then each
 * pull at once and the push budget holds. When announcements outrun that (a pull had to wait,
 * or more came in while it ran) the gap doubles, up to maxGapMs, and all that arrive in it
 * are folded into the next pull; the first pull nothing outran brings the gap back down. A
 * burst lasting T costs about log2(maxGapMs / firstGapMs) + T / maxGapMs pulls, however many
 * writes it holds. `needed` says whether a revision is newer than what was pulled. A failed
 * pull is reported and tried again after maxGapMs, then twice as long each time up to
 * retryMaxMs: the write it was for may be the last one anybody makes for a while, so waiting
 * for the next announcement could leave the window stale for good.
 */
export function coalescePulls(opts: {
  needed(revision: number): boolean;
  pull(): Promise<void>;
  onError?(e: unknown): void;
  pacing?: { firstGapMs: number; maxGapMs: number; retryMaxMs: number };
}): PullPacer {
  const pacing = opts.pacing ?? LIVE_SYNC_PACING;
  let retryGap: number = pacing.maxGapMs;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const now = Date.now;
  const stopped = new AbortController();
  let wanted = 0;
  let owed = false;
  let running = false;
  let gap: number = pacing.firstGapMs;
  let lastStart = Number.NEGATIVE_INFINITY;
  const drain = async () => {
    running = true;
    try {
      while (!stopped.signal.aborted && (owed || opts.needed(wanted))) {
        const wait = lastStart + gap - now();
        if (wait > 0) await sleep(wait, stopped.signal);
        if (stopped.signal.aborted) break;
        lastStart = now();
        // Cleared before the pull starts: a reconnect during it owes a pull of its own.
        owed = false;
        await opts.pull();
        retryGap = pacing.maxGapMs;
        const outrun = wait > 0 || owed || opts.needed(wanted);
        gap = outrun ? Math.min(gap * 2, pacing.maxGapMs) : pacing.firstGapMs;
      }
    } catch (e) {
      if (!stopped.signal.aborted) {
        opts.onError?.(e);
        retryLater();
      }
    } finally {
      running = false;
    }
  };
  const retryLater = () => {
    if (retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      owed = true;
      if (!running && !stopped.signal.aborted) void drain();
    }, retryGap);
    retryGap = Math.min(retryGap * 2, pacing.retryMaxMs);
  };
  stopped.signal.addEventListener('abort', () => {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  });
  return {
    announce(revision) {
      wanted = Math.max(wanted, revision);
      if (!running && !stopped.signal.aborted && opts.needed(wanted)) void drain();
    },
    catchUp() {
      owed = true;
      if (!running && !stopped.signal.aborted) void drain();
    },
    stop: () => stopped.abort(),
  };
}

export function watchTeam(http: HttpClient, teamId: string, handlers: LiveHandlers): () => void {
  const stop = new AbortController();
  let backoff = 500;
  const run = async () => {
    while (!stop.signal.aborted) {
      try {
        const res = await http.raw('GET', paths.events(teamId), undefined, stop.signal, true);
        if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`);
        handlers.onOnline?.(true);
        backoff = 500;
        await readEvents(res.body, handlers.onRevision);
      } catch {
        // fall through to the reconnect below
      }
      if (stop.signal.aborted) break;
      handlers.onOnline?.(false);
      await sleep(backoff, stop.signal);
      backoff = Math.min(backoff * 2, 30_000);
    }
  };
  void run();
  return () => stop.abort();
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  onRevision: (revision: number) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (data) {
        try {
          const ev = teamChangedEvent.safeParse(JSON.parse(data));
          if (ev.success) onRevision(ev.data.revision);
        } catch {
          // a malformed event is ignored; the next pull is the source of truth anyway
        }
      }
      end = buffer.indexOf('\n\n');
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
