// Process: core (trusted Node side; never imports electron).
// The push channel: a server-sent-event stream that says only "team T is now at revision N".
// It carries no data, so a hostile server gains nothing by lying on it; at worst it causes
// an extra pull. Reconnects with capped backoff so a restarted server is picked up again.
import { paths, teamChangedEvent } from '../../../shared/api.ts';
import type { HttpClient } from '../net/http.ts';

export interface LiveHandlers {
  onRevision(revision: number): void;
  onOnline?(online: boolean): void;
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
