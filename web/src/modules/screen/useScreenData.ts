// Everything the big screen shows, loaded once and then kept live from the stream: snapshot values and
// statuses, health scores (the scope's and each district's), and the alert ticker. Escalations apply at
// once; the snapshot is reloaded now and then so that recoveries, which one series alone cannot tell, show.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { notifyManager, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { vitalsQueries } from '../vitals/queries';
import { useVitalsStream } from '../vitals/stream';
import { worse, type Alert, type Health, type OrgUnit, type Snapshot, type StreamHealthItem, type StreamSnapshotItem } from '../vitals/types';

export interface TickerEntry {
  alert: Alert;
  transition: string;
  at: number;
}

const TICKER_LENGTH = 40;
const SNAPSHOT_REFRESH_MS = 20_000;
const FLUSH_MS = 500;

export function useScreenData(token: string | null, scope: string | undefined) {
  const client = useQueryClient();
  const categories = useQuery(vitalsQueries.categories());
  const orgs = useQuery(vitalsQueries.orgs());
  const geojson = useQuery(vitalsQueries.geojson());
  const snapshot = useQuery({ ...vitalsQueries.snapshot(scope), refetchInterval: SNAPSHOT_REFRESH_MS });
  const health = useQuery(vitalsQueries.health(scope));
  const history = useQuery(vitalsQueries.healthHistory(scope, 6));
  const firing = useQuery({ ...vitalsQueries.alerts({ state: 'firing', org: scope, limit: TICKER_LENGTH }), refetchInterval: 60_000 });

  const orgByCode = useMemo(() => new Map((orgs.data?.items ?? []).map((org) => [org.code, org])), [orgs.data]);
  const root = orgs.data?.items.find((org) => !orgs.data?.items.some((other) => other.code === org.parentCode));
  const scopeOrg: OrgUnit | undefined = scope ? orgByCode.get(scope) : root;
  const districts = useMemo(() => (orgs.data?.items ?? []).filter((org) => org.level === 'district'), [orgs.data]);
  const districtHealth = useQueries({ queries: districts.map((district) => vitalsQueries.health(district.code)) });

  const [events, setEvents] = useState<TickerEntry[]>([]);
  const ticker = useMemo(() => mergeTicker(firing.data?.items ?? [], events), [firing.data, events]);

  const inScope = useCallback((org: string) => {
    if (!scopeOrg) return true;
    const unit = orgByCode.get(org);
    return !unit || unit.path.startsWith(scopeOrg.path);
  }, [orgByCode, scopeOrg]);

  // Stream events are gathered and applied together twice a second: a busy stream then costs two renders
  // a second, not one per event, and the screen still turns within the second.
  const pending = useRef<{ snapshot: StreamSnapshotItem[]; health: Map<string, StreamHealthItem>; alerts: Alert[] }>({ snapshot: [], health: new Map(), alerts: [] });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ inScope, scope, scopeOrg });
  latest.current = { inScope, scope, scopeOrg };

  const flush = useCallback(() => {
    timer.current = null;
    const { snapshot: snapshotItems, health: healthItems, alerts } = pending.current;
    pending.current = { snapshot: [], health: new Map(), alerts: [] };
    const { inScope: within, scope: scopeCode, scopeOrg: unit } = latest.current;
    notifyManager.batch(() => {
      const visible = snapshotItems.filter((item) => within(item.org));
      if (visible.length > 0) {
        client.setQueryData<Snapshot>(vitalsQueries.snapshot(scopeCode).queryKey, (current) => current && applySnapshot(current, visible, unit?.code));
      }
      for (const item of healthItems.values()) {
        const update = (current: Health | undefined) => current && ({
          ...current,
          score: item.score,
          categories: current.categories.map((category) => ({ ...category, score: item.categories.find((c) => c.code === category.code)?.score ?? category.score })),
        });
        client.setQueryData<Health>(vitalsQueries.health(item.org).queryKey, update);
        // The whole city is asked for without an org: its entry is keyed without one.
        if (item.org === unit?.code && !scopeCode) client.setQueryData<Health>(vitalsQueries.health(undefined).queryKey, update);
      }
    });
    const now = Date.now();
    const fresh = alerts.filter((alert) => within(alert.org)).map((alert) => ({ alert, transition: alert.transition ?? 'fired', at: now }));
    if (fresh.length > 0) setEvents((current) => [...fresh.reverse(), ...current].slice(0, TICKER_LENGTH));
  }, [client]);

  const schedule = useCallback(() => {
    if (!timer.current) timer.current = setTimeout(flush, FLUSH_MS);
  }, [flush]);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);

  const onSnapshot = useCallback((items: StreamSnapshotItem[]) => {
    pending.current.snapshot.push(...items);
    schedule();
  }, [schedule]);
  const onHealth = useCallback((items: StreamHealthItem[]) => {
    for (const item of items) pending.current.health.set(item.org, item);
    schedule();
  }, [schedule]);
  const onAlert = useCallback((items: Alert[]) => {
    pending.current.alerts.push(...items);
    schedule();
  }, [schedule]);

  const resync = useCallback(() => {
    void client.invalidateQueries({ predicate: (query) => ['snapshot', 'health', 'alerts', 'health-history'].includes(query.queryKey[0] as string) });
  }, [client]);

  const stream = useVitalsStream(token, { snapshot: onSnapshot, health: onHealth, alert: onAlert, resync });

  return {
    categories: categories.data?.items,
    orgs: orgByCode,
    scopeOrg,
    districts,
    districtScores: new Map(districts.map((district, index) => [district.code, districtHealth[index]?.data?.score ?? null])),
    geojson: geojson.data,
    snapshot: snapshot.data,
    health: health.data,
    history: history.data?.items,
    ticker,
    stream,
    error: snapshot.error ?? health.error ?? categories.error,
  };
}

/** Applies stream items to the snapshot: values of the scope's own series, and any escalation. */
function applySnapshot(current: Snapshot, items: StreamSnapshotItem[], scopeCode: string | undefined): Snapshot {
  if (items.length === 0) return current;
  const byIndicator = new Map<string, StreamSnapshotItem[]>();
  for (const item of items) {
    const list = byIndicator.get(item.indicator);
    if (list) list.push(item);
    else byIndicator.set(item.indicator, [item]);
  }
  let latest = current.at;
  const next = current.items.map((entry) => {
    const updates = byIndicator.get(entry.indicator);
    if (!updates) return entry;
    let changed = entry;
    for (const update of updates) {
      // The tile shows the worst series of the subtree: one series can make it worse at once, but only a
      // reload of the snapshot can tell that every series has recovered.
      const status = worse(changed.status, update.status);
      const own = update.org === scopeCode;
      if (status !== changed.status || own) {
        changed = { ...changed, status, ...(own ? { value: update.value, ts: update.ts } : {}) };
      }
      if (update.ts === null) continue; // a series without a value yet: nothing newer to tell
      const ts = new Date(update.ts).toISOString();
      if (ts > latest) latest = ts;
    }
    return changed;
  });
  return { ...current, at: latest, items: next };
}

function mergeTicker(firing: Alert[], events: TickerEntry[]): TickerEntry[] {
  const seen = new Set<number>();
  const merged: TickerEntry[] = [];
  for (const entry of events) {
    if (seen.has(entry.alert.id)) continue;
    seen.add(entry.alert.id);
    merged.push(entry);
  }
  for (const alert of firing) {
    if (seen.has(alert.id)) continue;
    seen.add(alert.id);
    merged.push({ alert, transition: 'fired', at: new Date(alert.startedAt).getTime() });
  }
  return merged.slice(0, TICKER_LENGTH);
}
