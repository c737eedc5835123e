-- Rollups are folded in off the request path. Each observation gets an arrival number (seq) as it is
-- stored; a background job folds the rows past the last folded number into the minute and hour rollups
-- and advances the cursor in the same transaction. A crash between ingest and fold leaves the cursor
-- behind, and the next fold catches up: rollups are never silently incomplete, and never count a row
-- twice. A BRIN index finds the newest rows at almost no cost to inserts (seq only grows).
alter table vitals_observation add column seq bigserial;
create index vitals_observation_seq on vitals_observation using brin (seq);

create table vitals_rollup_cursor (
  id integer primary key check (id = 1),
  folded_seq bigint not null
);
insert into vitals_rollup_cursor (id, folded_seq) values (1, 0);
