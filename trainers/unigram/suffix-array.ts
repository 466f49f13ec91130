// Suffix array by induced sorting (SA-IS, Nong, Zhang and Chan 2009, "Linear Suffix Array
// Construction by Almost Pure Induced-Sorting") and the LCP array by Kasai et al. (2001).
// Enumerating the repeated substrings is left to seed.ts.

/**
 * Builds the suffix array of `text`, whose symbols lie in [0, upper].
 * Runs in O(n + upper) time; returns the start offsets of the suffixes in sorted order.
 */
export function buildSuffixArray(text: Int32Array, upper: number): Int32Array {
  const n = text.length;
  if (n === 0) return new Int32Array(0);
  if (n === 1) return Int32Array.of(0);
  if (n === 2) return text[0]! < text[1]! ? Int32Array.of(0, 1) : Int32Array.of(1, 0);

  // 1. Classify each suffix as S (smaller than its successor) or L, and size the buckets.
  const sa = new Int32Array(n);
  const isS = new Uint8Array(n);
  for (let i = n - 2; i >= 0; i--) {
    isS[i] = text[i] === text[i + 1] ? isS[i + 1]! : text[i]! < text[i + 1]! ? 1 : 0;
  }
  // sumL[c]: start of bucket c; sumS[c]: start of the S part of bucket c.
  const sumL = new Int32Array(upper + 2);
  const sumS = new Int32Array(upper + 2);
  for (let i = 0; i < n; i++) {
    if (isS[i] === 0) sumS[text[i]!]!++;
    else sumL[text[i]! + 1]!++;
  }
  for (let c = 0; c <= upper; c++) {
    sumS[c]! += sumL[c]!;
    if (c < upper) sumL[c + 1]! += sumS[c]!;
  }

  const bucket = new Int32Array(upper + 2);
  const induce = (lms: Int32Array): void => {
    sa.fill(-1);
    bucket.set(sumS);
    for (let k = 0; k < lms.length; k++) {
      const d = lms[k]!;
      if (d === n) continue;
      sa[bucket[text[d]!]!++] = d;
    }
    bucket.set(sumL);
    sa[bucket[text[n - 1]!]!++] = n - 1;
    for (let i = 0; i < n; i++) {
      const v = sa[i]!;
      if (v >= 1 && isS[v - 1] === 0) sa[bucket[text[v - 1]!]!++] = v - 1;
    }
    bucket.set(sumL);
    for (let i = n - 1; i >= 0; i--) {
      const v = sa[i]!;
      if (v >= 1 && isS[v - 1] === 1) sa[--bucket[text[v - 1]! + 1]!] = v - 1;
    }
  };

  // 2. Sort the LMS suffixes (an S suffix right after an L suffix) by induction.
  const lmsMap = new Int32Array(n + 1).fill(-1);
  let m = 0;
  for (let i = 1; i < n; i++) {
    if (isS[i - 1] === 0 && isS[i] === 1) lmsMap[i] = m++;
  }
  const lms = new Int32Array(m);
  for (let i = 1, k = 0; i < n; i++) {
    if (isS[i - 1] === 0 && isS[i] === 1) lms[k++] = i;
  }
  induce(lms);
  if (m === 0) return sa;

  // 3. Name the LMS substrings; if two are equal, sort the reduced string recursively.
  const sortedLms = new Int32Array(m);
  for (let i = 0, k = 0; i < n; i++) {
    const v = sa[i]!;
    if (lmsMap[v] !== -1) sortedLms[k++] = v;
  }
  const reduced = new Int32Array(m);
  let reducedUpper = 0;
  reduced[lmsMap[sortedLms[0]!]!] = 0;
  for (let i = 1; i < m; i++) {
    let left = sortedLms[i - 1]!;
    let right = sortedLms[i]!;
    const endLeft = lmsMap[left]! + 1 < m ? lms[lmsMap[left]! + 1]! : n;
    const endRight = lmsMap[right]! + 1 < m ? lms[lmsMap[right]! + 1]! : n;
    let same = true;
    if (endLeft - left !== endRight - right) {
      same = false;
    } else {
      while (left < endLeft && text[left] === text[right]) {
        left++;
        right++;
      }
      if (left === n || text[left] !== text[right]) same = false;
    }
    if (!same) reducedUpper++;
    reduced[lmsMap[sortedLms[i]!]!] = reducedUpper;
  }
  const reducedSa = buildSuffixArray(reduced, reducedUpper);
  for (let i = 0; i < m; i++) sortedLms[i] = lms[reducedSa[i]!]!;
  induce(sortedLms);
  return sa;
}

/**
 * Builds the LCP array: `lcp[i]` is the length of the common prefix of the suffixes at
 * `sa[i - 1]` and `sa[i]` (`lcp[0]` is 0). Every symbol, boundaries included, matches
 * itself, so a common prefix may run past a pre-token's end.
 */
export function buildLcpArray(text: Int32Array, sa: Int32Array): Int32Array {
  const n = text.length;
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[sa[i]!] = i;
  const lcp = new Int32Array(n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    if (h > 0) h--;
    const r = rank[i]!;
    if (r === 0) {
      h = 0;
      continue;
    }
    const j = sa[r - 1]!;
    while (i + h < n && j + h < n && text[i + h] === text[j + h]) h++;
    lcp[r] = h;
  }
  return lcp;
}
