-- Digital bus: the periods in which a feed's vehicles were not observed (the server down, or no position
-- for 10 minutes or more). A bus may have passed a stop unseen in one, so headways across it are not
-- counted, live or over a past period.
create table transit_observation_break (
  feed_id text not null,
  from_at timestamptz not null,
  to_at timestamptz not null,
  primary key (feed_id, from_at)
);
create index transit_observation_break_to on transit_observation_break(feed_id, to_at);
