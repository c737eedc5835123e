-- Digital bus: GTFS static feeds side by side (every row carries its feed id). Times of day are seconds
-- since the start of the service day (GTFS times may pass 24:00:00); dates are dates.

create table transit_feed (
  id text primary key,
  agency_timezone text not null,
  imported_at timestamptz not null default now(),
  source text not null,
  counts jsonb not null
);

create table transit_agency (
  feed_id text not null references transit_feed(id) on delete cascade,
  agency_id text not null,
  name text not null,
  url text not null,
  timezone text not null,
  primary key (feed_id, agency_id)
);

create table transit_stop (
  feed_id text not null references transit_feed(id) on delete cascade,
  stop_id text not null,
  name text not null,
  lat double precision,
  lon double precision,
  location_type smallint not null default 0,
  parent_station text,
  primary key (feed_id, stop_id)
);

create table transit_route (
  feed_id text not null references transit_feed(id) on delete cascade,
  route_id text not null,
  agency_id text not null,
  short_name text not null,
  long_name text not null,
  route_type integer not null,
  color text not null,
  primary key (feed_id, route_id)
);

create table transit_service (
  feed_id text not null references transit_feed(id) on delete cascade,
  service_id text not null,
  -- Sunday first, as JavaScript counts weekdays.
  weekdays boolean[] not null,
  start_date date,
  end_date date,
  added_dates date[] not null,
  removed_dates date[] not null,
  primary key (feed_id, service_id)
);

create table transit_trip (
  feed_id text not null references transit_feed(id) on delete cascade,
  trip_id text not null,
  route_id text not null,
  service_id text not null,
  headsign text not null,
  direction_id smallint not null,
  shape_id text,
  primary key (feed_id, trip_id)
);

create table transit_stop_time (
  feed_id text not null references transit_feed(id) on delete cascade,
  trip_id text not null,
  stop_sequence integer not null,
  stop_id text not null,
  -- Null where the feed leaves the time to interpolation (not a timepoint).
  arrival_seconds integer,
  departure_seconds integer,
  primary key (feed_id, trip_id, stop_sequence)
);
create index transit_stop_time_stop on transit_stop_time(feed_id, stop_id);

create table transit_frequency (
  feed_id text not null references transit_feed(id) on delete cascade,
  trip_id text not null,
  start_seconds integer not null,
  end_seconds integer not null,
  headway_seconds integer not null,
  exact_times boolean not null
);

create table transit_shape_point (
  feed_id text not null references transit_feed(id) on delete cascade,
  shape_id text not null,
  sequence integer not null,
  lat double precision not null,
  lon double precision not null,
  primary key (feed_id, shape_id, sequence)
);

create table transit_transfer (
  feed_id text not null references transit_feed(id) on delete cascade,
  from_stop_id text not null,
  to_stop_id text not null,
  transfer_type smallint not null,
  min_transfer_time integer
);

-- What each feed's prediction engine learned (see prediction/history.ts), saved now and then.
create table transit_model (
  feed_id text primary key references transit_feed(id) on delete cascade,
  model jsonb not null,
  saved_at timestamptz not null default now()
);
