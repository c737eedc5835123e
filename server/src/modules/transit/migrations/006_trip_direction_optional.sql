-- direction_id is optional in GTFS: a trip without one is stored as null and given a direction when the
-- timetable is built (inferred from where its stops lead), so that a re-read feed infers it the same way
-- and GTFS-Realtime never publishes a direction the feed did not give.
alter table transit_trip alter column direction_id drop not null;
