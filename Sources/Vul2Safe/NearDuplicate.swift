// Near-duplicate removal (MinHash over word 3-grams, confirmed by exact Jaccard) and diversity statistics.
import Foundation

public enum NearDuplicate {
    // MARK: - Shingles and similarity

    /// Word n-gram shingles of a lower-cased text (n = 3; shorter texts use their whole word list).
    public static func shingles(_ text: String, n: Int = 3) -> Set<String> {
        let w = LeakageFilter.words(text)
        if w.count < n { return w.isEmpty ? [] : [w.joined(separator: " ")] }
        return Set((0...(w.count - n)).map { w[$0..<$0 + n].joined(separator: " ") })
    }

    public static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    /// A 64-permutation MinHash signature (FNV-1a seeded per permutation): deterministic across runs,
    /// unlike Swift's per-process randomized `Hasher`.
    public static func minHash(_ shingles: Set<String>, permutations: Int = 64) -> [UInt64] {
        (0..<permutations).map { p in
            shingles.reduce(UInt64.max) { m, s in min(m, fnv1a(s, seed: UInt64(p) &* 0x9E3779B97F4A7C15)) }
        }
    }

    public static func estimatedJaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count)
    }

    static func fnv1a(_ s: String, seed: UInt64) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325 ^ seed
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x100000001b3 }
        return h
    }

    // MARK: - Dedup

    /// Indices of `texts` to keep: in order, dropping any whose similarity to a kept one is ≥
    /// `threshold`. MinHash screens candidates; exact Jaccard decides (so the result is exact).
    public static func keepIndices(_ texts: [String], threshold: Double = 0.6) -> [Int] {
        let sh = texts.map { shingles($0) }
        let sig = sh.map { minHash($0) }
        var kept: [Int] = []
        for i in texts.indices {
            let dup = kept.contains { j in
                estimatedJaccard(sig[i], sig[j]) >= threshold - 0.2 && jaccard(sh[i], sh[j]) >= threshold
            }
            if !dup { kept.append(i) }
        }
        return kept
    }

    // MARK: - Diversity

    /// Distinct-n ratios and mean pairwise Jaccard of a prompt set (lower similarity = more diverse).
    public struct Diversity: Codable, Sendable, Equatable {
        public var count: Int
        public var distinct1: Double
        public var distinct2: Double
        public var distinct3: Double
        public var meanPairwiseJaccard: Double
        enum CodingKeys: String, CodingKey {
            case count
            case distinct1 = "distinct_1", distinct2 = "distinct_2", distinct3 = "distinct_3"
            case meanPairwiseJaccard = "mean_pairwise_jaccard"
        }
    }

    /// Pairwise similarity is quadratic, so it uses only the first `pairwiseLimit` texts.
    public static func diversity(_ texts: [String], pairwiseLimit: Int = Int.max) -> Diversity {
        func distinct(_ n: Int) -> Double {
            var total = 0
            var set = Set<String>()
            for t in texts {
                let w = LeakageFilter.words(t)
                guard w.count >= n else { continue }
                for i in 0...(w.count - n) { set.insert(w[i..<i + n].joined(separator: " ")); total += 1 }
            }
            return total == 0 ? 0 : round3(Double(set.count) / Double(total))
        }
        let sh = texts.prefix(pairwiseLimit).map { shingles($0) }
        var sum = 0.0, pairs = 0
        for i in sh.indices { for j in sh.indices where j > i { sum += jaccard(sh[i], sh[j]); pairs += 1 } }
        return Diversity(count: texts.count, distinct1: distinct(1), distinct2: distinct(2), distinct3: distinct(3),
                         meanPairwiseJaccard: pairs == 0 ? 0 : round3(sum / Double(pairs)))
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
