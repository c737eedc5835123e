// Live case changes (GET /api/v1/cases/stream, Server-Sent Events): every report and transition in the
// caller's org subtree refreshes the worklist, the board, the case pages and the statistics on screen.
// After being down, or told the missed events are gone (`reset`), everything shown is reloaded.
import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { followEventStream, type StreamState } from '../../app/event-stream';

export type LiveState = StreamState;

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
    let burst: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      if (burst) return;
      burst = setTimeout(() => {
        burst = undefined;
        void refreshCases(client);
      }, BURST_MS);
    };
    const close = followEventStream(`/api/v1/cases/stream?token=${encodeURIComponent(token)}`, {
      events: { case: refreshSoon },
      onState: setState,
      onResync: refreshSoon,
    });
    return () => {
      clearTimeout(burst);
      close();
    };
  }, [token, client]);

  return state;
}
