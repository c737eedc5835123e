// Every module's migrations, in the order they apply (a module may reference tables of modules above it).
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from './platform/db/migrate.js';
import { loadMigrations } from './platform/db/migrate.js';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const migrationSources: MigrationSource[] = [
  { module: 'platform', directory: here('./platform/migrations/') },
  { module: 'vitals', directory: here('./modules/vitals/migrations/') },
  { module: 'cases', directory: here('./modules/cases/migrations/') },
  { module: 'transit', directory: here('./modules/transit/migrations/') },
];

export const allMigrations = () => loadMigrations(migrationSources);
