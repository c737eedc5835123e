// The city the pages serve: its time zone, which the server is configured with (CITYPULSE_TIMEZONE) and
// the pages ask for once before they draw, so that every time shown is the city's, whatever the zone of
// the screen or phone showing it.
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
let timeZone = DEFAULT_TIME_ZONE;

/** The city's IANA time zone (the default until `loadCity` has answered). */
export const cityTimeZone = () => timeZone;

/** Asks the server for the city's time zone; keeps the default if it cannot say. */
export async function loadCity(): Promise<void> {
  try {
    const response = await fetch('/api/v1/city');
    if (!response.ok) return;
    const city = (await response.json()) as { timeZone?: unknown };
    if (typeof city.timeZone === 'string') {
      new Intl.DateTimeFormat('en', { timeZone: city.timeZone }); // throws on a zone this browser does not know
      timeZone = city.timeZone;
    }
  } catch {
    // Offline or an unknown zone: the default zone is the better guess than none.
  }
}
