// The root font size in pixels. The big screen scales its root size with the wall, and canvas charts
// size their text in pixels, so they ask for it to keep labels readable from 1080p to 4K.
import { useEffect, useState } from 'react';

const read = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

export function useRem(): number {
  const [rem, setRem] = useState(read);
  useEffect(() => {
    const update = () => setRem(read());
    window.addEventListener('resize', update);
    update();
    return () => window.removeEventListener('resize', update);
  }, []);
  return rem;
}
