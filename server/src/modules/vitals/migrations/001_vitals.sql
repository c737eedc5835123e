-- The vital signs: catalogue, observations with 1-minute and 1-hour rollups, alerts, health scores.

create table vitals_category (
  code text primary key,
  arrow text not null check (arrow in ('economy', 'life', 'governance')),
  name_zh text not null,
  name_en text not null,
  weight double precision not null check (weight > 0),
  position integer not null
);

create table vitals_indicator (
  -- Compact numeric key for the observation tables; `code` is the stable public identifier.
  id serial primary key,
  code text not null unique,
  category text not null references vitals_category(code),
  name_zh text not null,
  name_en text not null,
  unit text not null,
  frequency_seconds integer not null check (frequency_seconds > 0),
  aggregation text not null check (aggregation in ('sum', 'avg', 'min', 'max', 'last')),
  department text not null,
  org_levels text[] not null,
  normal_min double precision,
  normal_max double precision,
  direction text not null check (direction in ('up', 'down', 'both')),
  warning_low double precision,
  warning_high double precision,
  critical_low double precision,
  critical_high double precision,
  definition_zh text not null,
  definition_en text not null,
  updated_at timestamptz not null default now()
);
create index vitals_indicator_category on vitals_indicator(category);

-- Raw observations. The key makes ingest idempotent: re-sending (indicator, org, ts) changes nothing.
create table vitals_observation (
  indicator_id integer not null,
  org_id integer not null,
  ts timestamptz not null,
  value double precision not null,
  primary key (indicator_id, org_id, ts)
);
create index vitals_observation_ts on vitals_observation(ts);

-- Rollups keep count/sum/min/max/last so that any aggregation can be re-aggregated to a coarser step.
create table vitals_rollup_1m (
  indicator_id integer not null,
  org_id integer not null,
  bucket timestamptz not null,
  count integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  last double precision not null,
  last_ts timestamptz not null,
  primary key (indicator_id, org_id, bucket)
);
create index vitals_rollup_1m_bucket on vitals_rollup_1m(bucket);

create table vitals_rollup_1h (
  indicator_id integer not null,
  org_id integer not null,
  bucket timestamptz not null,
  count integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  last double precision not null,
  last_ts timestamptz not null,
  primary key (indicator_id, org_id, bucket)
);
create index vitals_rollup_1h_bucket on vitals_rollup_1h(bucket);

create table vitals_alert (
  id serial primary key,
  -- rule:indicator:org. At most one firing alert per key: the deduplication guarantee.
  key text not null,
  rule text not null,
  indicator_id integer not null references vitals_indicator(id),
  org_id integer not null,
  category text not null,
  department text not null,
  -- Alerts of one category in one district are shown and handled together.
  group_key text not null,
  severity text not null check (severity in ('warning', 'critical')),
  state text not null check (state in ('firing', 'resolved')),
  message text not null,
  value double precision,
  started_at timestamptz not null,
  resolved_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  silenced_until timestamptz,
  silenced_by text,
  updated_at timestamptz not null default now()
);
create unique index vitals_alert_one_firing on vitals_alert(key) where state = 'firing';
create index vitals_alert_started on vitals_alert(started_at desc);
create index vitals_alert_group on vitals_alert(group_key);

-- Each transition of an alert (fired, escalated, acknowledged, silenced, resolved), append-only.
create table vitals_alert_event (
  id serial primary key,
  alert_id integer not null references vitals_alert(id),
  kind text not null,
  severity text,
  value double precision,
  at timestamptz not null,
  actor text,
  note text
);
create index vitals_alert_event_alert on vitals_alert_event(alert_id);

create table vitals_health_score (
  org_id integer not null,
  at timestamptz not null,
  score double precision not null,
  categories jsonb not null,
  primary key (org_id, at)
);

-- Learned anomaly baselines, saved periodically so the learned normal survives restarts.
create table vitals_baseline (
  id integer primary key check (id = 1),
  data jsonb not null,
  saved_at timestamptz not null
);
