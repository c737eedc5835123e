// Where the bearer token lives in the browser. A console user's token and a wall display's token are kept
// apart: signing a wall in through its URL must not log out an officer using the same browser, and
// logging out of the console must not blank the wall.
const CONSOLE_KEY = 'citypulse.token';
const WALL_KEY = 'citypulse.wallToken';

/** On the big screen, requests carry the wall's token when it has one; elsewhere the console's. */
export function readToken(): string | null {
  if (window.location.pathname.startsWith('/screen')) return localStorage.getItem(WALL_KEY) ?? localStorage.getItem(CONSOLE_KEY);
  return localStorage.getItem(CONSOLE_KEY);
}

export function saveConsoleToken(token: string | null): void {
  if (token) localStorage.setItem(CONSOLE_KEY, token);
  else localStorage.removeItem(CONSOLE_KEY);
}

export function saveWallToken(token: string | null): void {
  if (token) localStorage.setItem(WALL_KEY, token);
  else localStorage.removeItem(WALL_KEY);
}
