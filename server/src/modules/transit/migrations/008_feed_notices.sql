-- Digital bus: what an imported feed says that is valid GTFS but probably not what its buses do (stops
-- listed out of order, stops off their shape), kept with the feed as found at import, where the file's
-- line numbers are known.
alter table transit_feed add column notices jsonb not null default '[]';
