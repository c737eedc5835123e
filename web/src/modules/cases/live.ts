// Live case changes (GET /api/v1/cases/stream, Server-Sent Events): every report and transition in the
// caller's org subtree refreshes the worklist, the board, the case pages and the statistics on screen.
// EventSource reconnects by itself and resends Last-Event-ID; when the server answered with an error it
// gives up, so we open a new one with backoff. After being down, or told the missed events are gone
// (`reset`), everything shown is reloaded.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSession } from '../../app/session';

export type LiveState = 'connecting' | 'live' | 'down';

const MAX_BACKOFF_MS = 15_000;
/** Changes come in bursts (a bulk action, a replay): refresh once per burst. */
const BURST_MS = 300;
/** The case queries whose answer a change of any case may alter. */
const LIVE_KEYS = new Set(['list', 'board', 'one', 'statistics']);

function refreshCases(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ predicate: (query) => query.queryKey[0] === 'cases' && LIVE_KEYS.has(String(query.queryKey[1])) });
}

export function useCasesLive(): LiveState {
  const { token } = useSession();
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    if (!token) return;
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let burst: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let wasDown = false;
    const refreshSoon = () => {
      if (burst) return;
      burst = setTimeout(() => {
        burst = undefined;
        void refreshCases(client);
      }, BURST_MS);
    };
    const open = () => {
      const url = `/api/v1/cases/stream?token=${encodeURIComponent(token)}${lastId ? `&lastEventId=${lastId}` : ''}`;
      const opened = new EventSource(url);
      source = opened;
      opened.onopen = () => {
        attempt = 0;
        setState('live');
        if (wasDown) {
          wasDown = false;
          refreshSoon();
        }
      };
      opened.onerror = () => {
        wasDown = true;
        setState('down');
        if (opened.readyState === EventSource.CLOSED) {
          opened.close();
          retry = setTimeout(open, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt++));
        }
      };
      opened.addEventListener('case', (event) => {
        if (event.lastEventId) lastId = event.lastEventId;
        refreshSoon();
      });
      opened.addEventListener('reset', refreshSoon);
    };
    open();
    return () => {
      clearTimeout(retry);
      clearTimeout(burst);
      source?.close();
    };
  }, [token, client]);

  return state;
}
