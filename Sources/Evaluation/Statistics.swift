// Statistics: bootstrap intervals for rates and paired tests between two models on the same prompts.
import Foundation
import Tensor

/// A rate with its 95% interval.
public struct RateInterval: Codable, Sendable, Equatable {
    public var rate: Double
    public var low: Double
    public var high: Double
    public var count: Int
    public var total: Int
}

/// The statistics behind every claim in a report.
///
/// Why the bootstrap resamples prompts, not samples: the k samples of one prompt are correlated (the
/// same task elicits the same flaw), so treating them as independent would give intervals that are
/// too narrow. Resampling whole prompts (a cluster bootstrap) keeps that correlation. Resampling is
/// seeded, so a report's intervals are reproducible.
public enum Statistics {
    public static let resamples = 2000

    /// The rate of `true` over all samples, with a 95% percentile interval from a prompt-level bootstrap.
    /// - Parameter groups: one array of sample flags per prompt.
    public static func rate(_ groups: [[Bool]], seed: UInt64 = 0x5eed) -> RateInterval {
        let count = groups.reduce(0) { $0 + $1.filter { $0 }.count }, total = groups.reduce(0) { $0 + $1.count }
        guard total > 0 else { return RateInterval(rate: 0, low: 0, high: 0, count: 0, total: 0) }
        let pos = groups.map { Double($0.filter { $0 }.count) }, n = groups.map { Double($0.count) }
        var rng = SeededRNG(seed: seed)
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var p = 0.0, t = 0.0
            for _ in groups.indices { let i = Int(rng.next() % UInt64(groups.count)); p += pos[i]; t += n[i] }
            stats.append(t > 0 ? p / t : 0)
        }
        stats.sort()
        return RateInterval(rate: Double(count) / Double(total), low: quantile(stats, 0.025), high: quantile(stats, 0.975),
                            count: count, total: total)
    }

    /// ``rate(_:seed:)`` of flags keyed by prompt (``SampleStore/key(_:_:)``), then by sample index: prompts
    /// in key order and each prompt's samples in index order, so every report that holds the same samples
    /// gives the same interval.
    public static func rate(byPrompt g: [String: [Int: Bool]], seed: UInt64 = 0x5eed) -> RateInterval {
        rate(g.keys.sorted().map { k in g[k]!.keys.sorted().map { g[k]![$0]! } }, seed: seed)
    }

    /// Two models on the same prompts: the difference of their rates (B − A) with a paired-bootstrap
    /// interval and two-sided p-value, and McNemar's exact test on the sample pairs.
    public struct Paired: Codable, Sendable, Equatable {
        public var difference: Double
        public var low: Double
        public var high: Double
        /// Paired bootstrap: twice the smaller tail of the resampled differences around 0.
        public var bootstrapP: Double
        /// Sample pairs where only A / only B was flagged (the discordant pairs McNemar counts).
        public var onlyA: Int
        public var onlyB: Int
        public var mcnemarP: Double
        public var prompts: Int
    }

    /// - Parameters: `a`, `b`: per shared prompt, the flags of samples 0..<k of each model (same order).
    public static func paired(_ a: [[Bool]], _ b: [[Bool]], seed: UInt64 = 0x5eed) -> Paired {
        precondition(a.count == b.count, "paired: the two models must cover the same prompts")
        var onlyA = 0, onlyB = 0
        for (x, y) in zip(a, b) { for (u, v) in zip(x, y) { if u && !v { onlyA += 1 } else if v && !u { onlyB += 1 } } }
        let pa = a.map { Double($0.filter { $0 }.count) }, pb = b.map { Double($0.filter { $0 }.count) }
        let na = a.map { Double($0.count) }, nb = b.map { Double($0.count) }
        func diff(_ idx: [Int]) -> Double {
            var sa = 0.0, ta = 0.0, sb = 0.0, tb = 0.0
            for i in idx { sa += pa[i]; ta += na[i]; sb += pb[i]; tb += nb[i] }
            return (tb > 0 ? sb / tb : 0) - (ta > 0 ? sa / ta : 0)
        }
        let observed = diff(Array(a.indices))
        var rng = SeededRNG(seed: seed)
        var stats: [Double] = []
        for _ in 0..<resamples { stats.append(diff(a.indices.map { _ in Int(rng.next() % UInt64(a.count)) })) }
        stats.sort()
        let le = Double(stats.filter { $0 <= 0 }.count) / Double(stats.count)
        let ge = Double(stats.filter { $0 >= 0 }.count) / Double(stats.count)
        return Paired(difference: observed, low: a.isEmpty ? 0 : quantile(stats, 0.025), high: a.isEmpty ? 0 : quantile(stats, 0.975),
                      bootstrapP: a.isEmpty ? 1 : min(1, 2 * min(le, ge)), onlyA: onlyA, onlyB: onlyB,
                      mcnemarP: mcnemarExact(onlyA, onlyB), prompts: a.count)
    }

    /// McNemar's exact test: two-sided binomial p-value of `min(b, c)` successes in `b + c` fair trials.
    public static func mcnemarExact(_ b: Int, _ c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        // log-space binomial terms: C(n, i) / 2^n
        var logC = 0.0, tail = 0.0
        for i in 0...k {
            if i > 0 { logC += log(Double(n - i + 1)) - log(Double(i)) }
            tail += exp(logC - Double(n) * log(2))
        }
        return min(1, 2 * tail)
    }

    /// Cohen's kappa of two judges' verdicts on the same samples.
    public static func kappa(bothYes: Int, onlyFirst: Int, onlySecond: Int, bothNo: Int) -> Double? {
        let n = Double(bothYes + onlyFirst + onlySecond + bothNo)
        guard n > 0 else { return nil }
        let po = Double(bothYes + bothNo) / n
        let p1 = Double(bothYes + onlyFirst) / n, p2 = Double(bothYes + onlySecond) / n
        let pe = p1 * p2 + (1 - p1) * (1 - p2)
        return pe >= 1 ? nil : (po - pe) / (1 - pe)
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let pos = q * Double(sorted.count - 1), lo = Int(pos.rounded(.down)), hi = min(sorted.count - 1, lo + 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }
}
