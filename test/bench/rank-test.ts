// The Mann-Whitney U test (Wilcoxon rank-sum): do two samples of round-trip times come
// from the same distribution? Rank-based, so a few slow outliers (GC, scheduling) do
// not decide it the way they would a t-test on means.

export interface RankTest {
  /** U of the first sample: how often one of its values exceeds one of the second's. */
  u: number;
  /** The normal approximation's z (with tie and continuity corrections); > 0 when the first is larger. */
  z: number;
  /** Two-sided p-value. */
  p: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Samples of a few hundred each are well within the normal approximation. */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort(
    (x, y) => x.v - y.v,
  );
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && (all[j] as { v: number }).v === (all[i] as { v: number }).v) j++;
    // Tied values share the mean of the ranks i+1 … j.
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((all[k] as { first: boolean }).first) rankSumA += rank;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1 };
  const diff = u - mean;
  const z = (Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5)) / Math.sqrt(variance);
  return { u, z, p: twoSidedP(z) };
}

/** The two-sided p-value of a standard normal z. */
export const twoSidedP = (z: number): number => Math.min(1, erfc(Math.abs(z) / Math.SQRT2));

/**
 * The complementary error function by a Chebyshev fit (relative error below 1.2e-7),
 * enough for p-values down to far below any threshold a bench would use.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + z / 2);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}
