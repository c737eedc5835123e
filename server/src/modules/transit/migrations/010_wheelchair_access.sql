-- Digital bus: step-free access as the feed gives it (GTFS wheelchair_accessible of a trip, wheelchair_boarding
-- of a stop): true for yes, false for no, null where the feed says nothing, so that the passenger pages
-- can tell a wheelchair user which buses and stops they can board.
alter table transit_trip add column wheelchair_accessible boolean;
alter table transit_stop add column wheelchair_boarding boolean;
