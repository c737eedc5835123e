// Where the real data for development lives: ../shared/data beside the repository, or CITYPULSE_DATA.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

export const dataDirectory = () => process.env.CITYPULSE_DATA ?? path.resolve(repositoryRoot, '../shared/data');

/** The Austin CapMetro 2016 data set, or null (with a visible message) when it is not there. */
export function austinData(): { gtfs: string; positions: (day: string) => string } | null {
  const folder = path.join(dataDirectory(), 'transit/austin-capmetro-2016');
  if (!fs.existsSync(path.join(folder, 'gtfs.zip'))) {
    process.stdout.write(`skipping tests on the Austin data: ${folder} is absent (set CITYPULSE_DATA)\n`);
    return null;
  }
  return { gtfs: path.join(folder, 'gtfs.zip'), positions: (day) => path.join(folder, 'positions', `${day}.csv.gz`) };
}
