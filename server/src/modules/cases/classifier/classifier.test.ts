import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textFeatures } from './features.js';
import { TextClassifier } from './model.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../../../bin/citypulse.js', import.meta.url));
let dir: string;

const TRAIN = `text,department,note
路灯不亮,city_management,a
路灯损坏，晚上很黑,city_management,b
street light out on Nanjing Road,city_management,c
the street lamp is flickering,city_management,d
河道有油污,water_authority,e
河水发黑发臭,water_authority,f
sewer overflowing into the street,water_authority,g
water main burst,water_authority,h
工地夜间施工噪声,ecology_environment,i
factory chimney black smoke,ecology_environment,j
construction noise after midnight,ecology_environment,k
工厂排放黑烟,ecology_environment,l
`;
// Three texts the training teaches, and one whose department never occurs in training: it cannot be
// right at any rank, so the figures are exactly 3/4.
const TEST = `text,department
路灯坏了,city_management
"the street light is broken, please fix",city_management
河水发臭,water_authority
lost my wallet on the bus,public_security
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-classifier-'));
  fs.writeFileSync(path.join(dir, 'train.csv'), TRAIN);
  fs.writeFileSync(path.join(dir, 'test.csv'), TEST);
  fs.writeFileSync(path.join(dir, 'test.csv.gz'), zlib.gzipSync(TEST));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('text features', () => {
  it('give Chinese character unigrams and bigrams and Latin words, bigrams and character grams', () => {
    expect(textFeatures('路灯坏')).toEqual(['z:路', 'zz:路灯', 'z:灯', 'zz:灯坏', 'z:坏']);
    const english = textFeatures('Street  LIGHT');
    expect(english).toContain('w:street');
    expect(english).toContain('b:street_light');
    expect(english).toContain('c:^lig');
    // Numbers keep their shape, not their value; full-width forms read as half-width.
    expect(textFeatures('ward 18')).toEqual(textFeatures('ward 42'));
    expect(textFeatures('ＡＢＣ')).toEqual(textFeatures('abc'));
    // Mixed text gives both kinds.
    const mixed = textFeatures('路灯 street light');
    expect(mixed).toContain('zz:路灯');
    expect(mixed).toContain('w:light');
  });
});

describe('the classifier', () => {
  const texts = TRAIN.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
  const labels = TRAIN.trim().split('\n').slice(1).map((line) => line.split(',').at(-2)!);

  it('ranks the departments with probabilities and survives a JSON round trip unchanged', () => {
    const model = TextClassifier.train(texts, labels);
    const top = model.predict('路灯坏了', 3);
    expect(top.map((s) => s.label)).toHaveLength(3);
    expect(top[0].label).toBe('city_management');
    expect(top[0].confidence).toBeGreaterThan(0.5);
    expect(top.reduce((sum, s) => sum + s.confidence, 0)).toBeCloseTo(1, 6);
    const copy = TextClassifier.fromJson(JSON.parse(JSON.stringify(model.toJson())));
    for (const text of ['河水发臭', 'noisy construction', '']) {
      expect(copy.predict(text).map((s) => s.label)).toEqual(model.predict(text).map((s) => s.label));
    }
    // The same history gives the same model.
    expect(JSON.stringify(TextClassifier.train(texts, labels).toJson())).toBe(JSON.stringify(model.toJson()));
  });

  it('refuses to train on nothing or on mismatched input', () => {
    expect(() => TextClassifier.train([], [])).toThrow(/nothing to train/);
    expect(() => TextClassifier.train(['a'], [])).toThrow(/differ/);
    expect(() => TextClassifier.fromJson({ ...TextClassifier.train(texts, labels).toJson(), weights: [1] })).toThrow(/do not match/);
  });
});

describe('citypulse cases classifier evaluate', () => {
  const evaluate = (...args: string[]) => run(process.execPath, [bin, 'cases', 'classifier', 'evaluate', ...args], { timeout: 60_000 });

  it('prints top-1 and top-3 accuracy on the test file as its last line, for plain and gzip files', async () => {
    for (const test of ['test.csv', 'test.csv.gz']) {
      const { stdout } = await evaluate('--train', path.join(dir, 'train.csv'), '--test', path.join(dir, test), '--text-column', 'text', '--label-column', 'department');
      const lines = stdout.trim().split('\n');
      expect(lines.at(-1)).toBe('top1=0.750 top3=0.750');
      expect(stdout).toContain('train rows: 12, test rows: 4, labels: 3');
    }
  });

  it('splits one file by a date column', async () => {
    const rows = ['title,subject,opened', '路灯不亮,lights,01/02/2015 10:00:00 AM', 'street light out,lights,01/03/2015 10:00:00 AM', '河道油污,water,02/01/2015 09:00:00 AM',
      'sewer overflow,water,03/01/2015 09:00:00 AM', '路灯坏了,lights,07/01/2015 09:00:00 AM', '河水油污,water,07/02/2015 09:00:00 AM'];
    fs.writeFileSync(path.join(dir, 'dated.csv'), rows.join('\n'));
    const { stdout } = await evaluate('--train', path.join(dir, 'dated.csv'), '--text-column', 'title', '--label-column', 'subject', '--split-column', 'opened', '--split-before', '07/01/2015');
    expect(stdout).toContain('train rows: 4, test rows: 2');
    expect(stdout.trim().split('\n').at(-1)).toBe('top1=1.000 top3=1.000');
  });

  it('fails with a message naming a missing column or file', async () => {
    await expect(evaluate('--train', path.join(dir, 'train.csv'), '--test', path.join(dir, 'test.csv'), '--text-column', 'body', '--label-column', 'department'))
      .rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no column "body"') });
    await expect(evaluate('--train', path.join(dir, 'nope.csv'), '--test', path.join(dir, 'test.csv'), '--text-column', 'text', '--label-column', 'department'))
      .rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no such file') });
  });
});
