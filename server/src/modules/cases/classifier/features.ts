// Text features for the dispatch classifier, one scheme for Chinese and English alike. Chinese is
// written without spaces, so CJK runs give character unigrams and bigrams (a two-character word is the
// commonest word length); Latin text gives word unigrams and bigrams plus character 3- and 4-grams
// inside each word, so "conduits" still meets "conduit" and a typo still shares most of its grams.

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
const TOKEN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+|[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

/** Feature strings of a text, with repeats (the caller counts them). */
export function textFeatures(text: string): string[] {
  const features: string[] = [];
  const normalised = text.normalize('NFKC').toLowerCase();
  let previousWord: string | null = null;
  for (const match of normalised.matchAll(TOKEN)) {
    const token = match[0];
    if (CJK.test(token[0])) {
      previousWord = null;
      const chars = [...token];
      for (let i = 0; i < chars.length; i++) {
        features.push(`z:${chars[i]}`);
        if (i + 1 < chars.length) features.push(`zz:${chars[i]}${chars[i + 1]}`);
      }
      continue;
    }
    // Numbers vary (dates, ward numbers, addresses) while their shape carries the meaning.
    const word = token.replace(/\d/g, '0');
    features.push(`w:${word}`);
    if (previousWord !== null) features.push(`b:${previousWord}_${word}`);
    previousWord = word;
    if (word.length > 3) {
      const bounded = `^${word}$`;
      for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= bounded.length; i++) features.push(`c:${bounded.slice(i, i + n)}`);
    }
  }
  return features;
}
