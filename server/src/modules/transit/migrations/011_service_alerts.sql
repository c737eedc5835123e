-- Digital bus: the service alerts each realtime source left us with, so that a restart does not drop a
-- detour until the source speaks again (a DIFFERENTIAL source never restates what it said). Not a
-- reference to transit_feed: a feed re-imported (deleted and inserted again) keeps its alerts.
create table transit_alert_source (
  feed_id text not null,
  source text not null,
  -- When the source last spoke: its alerts are dropped an hour after it falls silent.
  received_at timestamptz not null,
  alerts jsonb not null,
  primary key (feed_id, source)
);
