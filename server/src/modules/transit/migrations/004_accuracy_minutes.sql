-- Digital bus: the live prediction accuracy per minute (the arrivals judged in it, per route and district),
-- so that the last day's figures, the accuracy vital sign and the operations page survive a restart.
-- Like the stop passings, it does not reference transit_feed: a re-imported feed keeps its figures.

create table transit_accuracy_minute (
  feed_id text not null,
  -- POSIX minute (seconds / 60) of the arrivals judged.
  minute integer not null,
  route_id text not null,
  -- The district the stops lie in; '' where none is known.
  place text not null,
  -- Per horizon bucket (0-3, 3-6, 6-12, 12-30 min): the announcements judged and those within the window.
  tally integer[] not null,
  primary key (feed_id, minute, route_id, place)
);
