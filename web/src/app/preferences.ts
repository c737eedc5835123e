// The large-text high-contrast mode for older users: a class on <html> that the stylesheets key off,
// remembered per browser (`?large=1` in a URL turns it on for that page).
const KEY = 'citypulse.largeText';

export function initPreferences(): void {
  const fromUrl = new URLSearchParams(window.location.search).get('large');
  const on = fromUrl === '1' || (fromUrl === null && localStorage.getItem(KEY) === '1');
  document.documentElement.classList.toggle('large-text', on);
}

export function isLargeText(): boolean {
  return document.documentElement.classList.contains('large-text');
}

export function setLargeText(on: boolean): void {
  localStorage.setItem(KEY, on ? '1' : '0');
  document.documentElement.classList.toggle('large-text', on);
}
