-- The outline of an org unit as a GeoJSON geometry (Polygon or MultiPolygon, WGS 84 lon/lat), so that maps
-- of the city (the big screen's district map) are drawn from the city's own data, without online tiles.
alter table org_unit add column geometry jsonb;
