-- Digital bus: a stop's platform or bay code (GTFS platform_code, "3", "A2"), so that a hub's board can
-- say where to board each bus; null where the feed gives none.
alter table transit_stop add column platform_code text;
