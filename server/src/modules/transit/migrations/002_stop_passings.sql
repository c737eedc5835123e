-- Digital bus: the stop passings the tracker reported (when each live bus passed each stop), kept for
-- headways over any period (retention CITYPULSE_TRANSIT_HISTORY_DAYS); and the realtime feed URLs
-- registered for polling over the API. Neither references transit_feed: a feed re-imported (deleted and
-- inserted again) keeps its history and its poll sources.

create table transit_stop_passing (
  feed_id text not null,
  -- The trip run as the tracker keys it (trip and service day, and the start of a frequency instance).
  run_key text not null,
  trip_id text not null,
  -- The trip's local service day, days since 1970-01-01.
  service_day integer not null,
  stop_index integer not null,
  route_id text not null,
  direction_id smallint not null,
  stop_id text not null,
  vehicle_id text not null,
  passed_at timestamptz not null,
  primary key (feed_id, run_key, stop_index)
);
create index transit_stop_passing_time on transit_stop_passing(feed_id, passed_at);

create table transit_poll_source (
  id text primary key,
  feed_id text not null,
  url text not null,
  interval_seconds integer not null,
  created_at timestamptz not null default now(),
  unique (feed_id, url)
);
