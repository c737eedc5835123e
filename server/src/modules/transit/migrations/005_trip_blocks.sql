-- Digital bus: a trip's block (block_id), the trips one vehicle runs one after the other, so that a late
-- bus makes its next trip late on the stop boards before it starts it.
alter table transit_trip add column block_id text;
