// Training and measuring the classifier on labelled CSV files (plain or gzip): what
// `citypulse cases classifier evaluate` runs.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parse } from 'csv-parse';
import { TextClassifier, type TrainingOptions } from './model.js';

export interface LabelledText {
  text: string;
  label: string;
  /** The split column's value, when a split is asked for. */
  split?: string;
}

/** Reads text and label columns; rows without a label are skipped (they teach nothing). */
export async function readLabelledCsv(file: string, columns: { text: string; label: string; split?: string }): Promise<LabelledText[]> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const input = fs.createReadStream(file);
  const parser = parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true });
  (gzip ? input.pipe(zlib.createGunzip()) : input).pipe(parser);
  const rows: LabelledText[] = [];
  let checked = false;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    if (!checked) {
      for (const column of [columns.text, columns.label, columns.split]) {
        if (column !== undefined && !(column in record)) throw new Error(`${file} has no column "${column}" (columns: ${Object.keys(record).filter(Boolean).join(', ')})`);
      }
      checked = true;
    }
    const label = (record[columns.label] ?? '').trim();
    if (!label) continue;
    rows.push({ text: record[columns.text] ?? '', label, split: columns.split ? record[columns.split] : undefined });
  }
  return rows;
}

/** Sortable key of a date written MM/DD/YYYY (US), YYYY-MM-DD or anything Date parses. */
export function dateKey(value: string): number {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(value.trim());
  if (us) return Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2]));
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (iso) return Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new Error(`cannot read "${value}" as a date`);
  return parsed;
}

export interface Evaluation {
  train: number;
  test: number;
  labels: number;
  trainingMs: number;
  top1: number;
  top3: number;
  /** Test rows whose text never occurs in the training rows (exactly, ignoring case and spaces). */
  unseenShare: number;
}

const canonical = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');

export function evaluate(train: LabelledText[], test: LabelledText[], options: TrainingOptions = {}): Evaluation & { model: TextClassifier } {
  const started = performance.now();
  const model = TextClassifier.train(train.map((row) => row.text), train.map((row) => row.label), options);
  const trainingMs = performance.now() - started;
  const seen = new Set(train.map((row) => canonical(row.text)));
  let top1 = 0;
  let top3 = 0;
  let unseen = 0;
  for (const row of test) {
    const suggestions = model.predict(row.text, 3);
    if (suggestions[0]?.label === row.label) top1++;
    if (suggestions.some((s) => s.label === row.label)) top3++;
    if (!seen.has(canonical(row.text))) unseen++;
  }
  const n = Math.max(1, test.length);
  return { model, train: train.length, test: test.length, labels: model.labels.length, trainingMs, top1: top1 / n, top3: top3 / n, unseenShare: unseen / n };
}

/** The figures as printed; the last line is the one scripts read. */
export function formatEvaluation(result: Evaluation): string {
  return [
    `train rows: ${result.train}, test rows: ${result.test}, labels: ${result.labels}`,
    `training time: ${(result.trainingMs / 1000).toFixed(2)} s`,
    `test rows with a text never seen in training: ${(result.unseenShare * 100).toFixed(1)}%`,
    `top1=${result.top1.toFixed(3)} top3=${result.top3.toFixed(3)}`,
  ].join('\n') + '\n';
}
