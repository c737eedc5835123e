// The dispatch classifier: TF-IDF features and a multinomial logistic regression trained with AdaGrad
// SGD. Chosen over naive Bayes because its scores are probabilities a dispatcher can read as confidence,
// and because it weighs a feature by how much it tells labels apart rather than by raw frequency.
// Deterministic (a seeded shuffle), so the same history always gives the same model.
import { textFeatures } from './features.js';

export interface TrainingOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per update of a feature's weights. */
  l2?: number;
  /** Features seen in fewer training texts are ignored. */
  minDocumentFrequency?: number;
  seed?: number;
}

export interface Suggestion {
  label: string;
  confidence: number;
}

/** The persisted form: plain JSON. */
export interface ModelJson {
  kind: 'tfidf-softmax';
  version: 1;
  labels: string[];
  features: string[];
  idf: number[];
  /** features.length × labels.length weights, row-major, then labels.length biases. */
  weights: number[];
  bias: number[];
  samples: number;
}

interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TextClassifier {
  private readonly featureIndex: Map<string, number>;
  private readonly labelCount: number;

  private constructor(
    readonly labels: string[],
    private readonly features: string[],
    private readonly idf: Float64Array,
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
    readonly samples: number,
  ) {
    this.featureIndex = new Map(features.map((feature, index) => [feature, index]));
    this.labelCount = labels.length;
  }

  static train(texts: string[], labels: string[], options: TrainingOptions = {}): TextClassifier {
    if (texts.length !== labels.length) throw new Error('texts and labels differ in length');
    if (texts.length === 0) throw new Error('nothing to train on');
    const { epochs = 6, learningRate = 0.5, l2 = 1e-6, minDocumentFrequency = 1, seed = 1 } = options;
    const labelList = [...new Set(labels)].sort();
    const labelIndex = new Map(labelList.map((label, index) => [label, index]));
    const documents = texts.map(textFeatures);
    const df = new Map<string, number>();
    for (const features of documents) for (const feature of new Set(features)) df.set(feature, (df.get(feature) ?? 0) + 1);
    const featureList = [...df.entries()].filter(([, count]) => count >= minDocumentFrequency).map(([feature]) => feature).sort();
    const idf = new Float64Array(featureList.length);
    featureList.forEach((feature, index) => { idf[index] = Math.log((texts.length + 1) / (df.get(feature)! + 1)) + 1; });
    const K = labelList.length;
    const model = new TextClassifier(labelList, featureList, idf, new Float64Array(featureList.length * K), new Float64Array(K), texts.length);
    const vectors = documents.map((features) => model.vectorise(features));
    const targets = labels.map((label) => labelIndex.get(label)!);

    // Start the biases at the log prior so that rare labels are not pushed around by the first samples.
    const counts = new Float64Array(K);
    for (const target of targets) counts[target]++;
    for (let k = 0; k < K; k++) model.bias[k] = Math.log((counts[k] + 1) / (texts.length + K));

    const squaredWeights = new Float64Array(model.weights.length).fill(1e-8);
    const squaredBias = new Float64Array(K).fill(1e-8);
    const order = Array.from(targets.keys());
    const random = mulberry32(seed);
    const probabilities = new Float64Array(K);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const n of order) {
        const vector = vectors[n];
        model.scores(vector, probabilities);
        softmaxInPlace(probabilities);
        probabilities[targets[n]] -= 1; // gradient of the cross-entropy with respect to the scores
        for (let k = 0; k < K; k++) {
          const g = probabilities[k];
          squaredBias[k] += g * g;
          model.bias[k] -= (learningRate * g) / Math.sqrt(squaredBias[k]);
        }
        for (let p = 0; p < vector.index.length; p++) {
          const row = vector.index[p] * K;
          const x = vector.value[p];
          for (let k = 0; k < K; k++) {
            const w = row + k;
            const g = probabilities[k] * x + l2 * model.weights[w];
            squaredWeights[w] += g * g;
            model.weights[w] -= (learningRate * g) / Math.sqrt(squaredWeights[w]);
          }
        }
      }
    }
    return model;
  }

  static fromJson(json: ModelJson): TextClassifier {
    if (json.kind !== 'tfidf-softmax' || json.version !== 1) throw new Error(`unsupported model ${json.kind} v${json.version}`);
    if (json.weights.length !== json.features.length * json.labels.length) throw new Error('model weights do not match its features and labels');
    return new TextClassifier(json.labels, json.features, Float64Array.from(json.idf), Float64Array.from(json.weights), Float64Array.from(json.bias), json.samples);
  }

  toJson(): ModelJson {
    // Six significant digits are plenty for ranking and keep the stored model small.
    const round = (values: Float64Array) => Array.from(values, (v) => Number(v.toPrecision(6)));
    return { kind: 'tfidf-softmax', version: 1, labels: this.labels, features: this.features, idf: round(this.idf), weights: round(this.weights), bias: round(this.bias), samples: this.samples };
  }

  /** The k most likely labels with their probabilities, best first. */
  predict(text: string, k = 3): Suggestion[] {
    const probabilities = new Float64Array(this.labelCount);
    this.scores(this.vectorise(textFeatures(text)), probabilities);
    softmaxInPlace(probabilities);
    return Array.from(probabilities, (confidence, index) => ({ label: this.labels[index], confidence }))
      .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label))
      .slice(0, k);
  }

  /** TF-IDF with sublinear term frequency, L2-normalised; unknown features are dropped. */
  private vectorise(features: string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const feature of features) {
      const index = this.featureIndex.get(feature);
      if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
    }
    const index = new Int32Array(counts.size);
    const value = new Float64Array(counts.size);
    let norm = 0;
    let i = 0;
    for (const [feature, count] of counts) {
      index[i] = feature;
      value[i] = (1 + Math.log(count)) * this.idf[feature];
      norm += value[i] * value[i];
      i++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < value.length; j++) value[j] /= norm;
    return { index, value };
  }

  private scores(vector: SparseVector, out: Float64Array): void {
    const K = this.labelCount;
    out.set(this.bias);
    for (let p = 0; p < vector.index.length; p++) {
      const row = vector.index[p] * K;
      const x = vector.value[p];
      for (let k = 0; k < K; k++) out[k] += this.weights[row + k] * x;
    }
  }
}

function softmaxInPlace(values: Float64Array): void {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    values[k] = Math.exp(values[k] - max);
    sum += values[k];
  }
  for (let k = 0; k < values.length; k++) values[k] /= sum;
}
