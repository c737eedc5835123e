-- No query looks stop times up by stop (departures at a stop come from the timetable in memory), yet the
-- index cost about a sixth of every import's time: a feed's stop times are written whole, on import.
drop index if exists transit_stop_time_stop;
