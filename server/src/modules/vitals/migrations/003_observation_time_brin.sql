-- The raw observations' time index serves only retention (delete what is older than N days), once an
-- hour. A B-tree there costs every insert a second index write; observations arrive in time order, so a
-- BRIN index over block ranges finds the old rows as well at almost no cost to ingest. Series reads use
-- the primary key (indicator, org, ts).
drop index vitals_observation_ts;
create index vitals_observation_ts on vitals_observation using brin (ts);
