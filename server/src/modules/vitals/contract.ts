// The answers of the vitals routes are built in service.ts, alert-store.ts and observation-store.ts
// with types of their own; these checks make the typecheck fail when one of them stops fitting the
// shape declared in the contracts, which is what the web app reads. Types only: nothing runs.
import type * as wire from '@citypulse/contracts';
import type { AlertRow } from './alert-store.js';
import type { AlertEvent } from './alert-service.js';
import type { SeriesPoint } from './observation-store.js';
import type { SnapshotItem, VitalsService } from './service.js';

/** Resolves to true when `Built` fits `Declared`; anything else fails to compile. */
type Fits<Built extends Declared, Declared> = Built extends Declared ? true : never;

type Stripped<T> = Omit<T, 'orgPath'>;

export type ContractChecks = [
  Fits<SnapshotItem, wire.SnapshotItem>,
  Fits<ReturnType<VitalsService['snapshot']>, wire.Snapshot['items']>,
  Fits<SeriesPoint, wire.SeriesPoint>,
  Fits<Awaited<ReturnType<VitalsService['series']>>, wire.Series>,
  Fits<ReturnType<VitalsService['health']>, wire.Health>,
  Fits<{ org: string } & Awaited<ReturnType<VitalsService['healthHistory']>>, wire.HealthHistory>,
  Fits<Stripped<AlertRow>, wire.Alert>,
  Fits<Stripped<AlertRow> & { transition: AlertEvent['transition'] }, wire.Alert>,
  Fits<AlertEvent['transition'], wire.AlertChange>,
];
