-- The learned baselines one row per series. As one JSON document a city's (18,000 series, 58 MB)
-- was made, sent to the database and parsed whole every five minutes: a third of a second and more
-- during which no request was answered. vitals_baseline keeps the document's layout (format, time
-- zone, buckets) with an empty series list; a document saved before this migration keeps its series
-- there, and is read as it is until the first save after it.
create table vitals_baseline_series (
  indicator text not null,
  org text not null,
  ref float8 not null,
  data text not null,
  primary key (indicator, org)
);
