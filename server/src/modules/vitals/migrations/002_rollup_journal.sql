-- Rollups are folded in off the request path. Each ingested batch writes one journal row naming the
-- (series, minute) buckets it touched, in the same transaction as the observations; a background job
-- recomputes those buckets from the raw rows and deletes the journal rows. A crash between the two
-- leaves the journal in place, and the next run catches up: rollups are never silently incomplete.
create table vitals_rollup_journal (
  id bigserial primary key,
  -- indicator_id * 2^32 + org_id
  series bigint[] not null,
  -- minutes since the epoch
  minutes integer[] not null
);
