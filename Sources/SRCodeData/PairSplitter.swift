// Assigns pairs to train/valid/test by fix commit, so no commit's functions leak across splits.

/// The three splits.
public enum Split: String, Codable, Sendable, CaseIterable { case train, valid, test }

/// Stable commit-grouped split assignment.
///
/// The bucket is a hash of `seed` and the pair's ``VulnerabilityPair/commitGroup``, not a random draw:
/// every function of one commit lands in one split, and rerunning (or adding data) never moves a
/// commit from test into train.
public struct PairSplitter: Sendable {
    public var validFraction: Double
    public var testFraction: Double
    public var seed: UInt64

    public init(validFraction: Double = 0.1, testFraction: Double = 0.1, seed: UInt64 = 0) {
        self.validFraction = validFraction
        self.testFraction = testFraction
        self.seed = seed
    }

    public func split(of pair: VulnerabilityPair) -> Split { split(ofGroup: pair.commitGroup) }

    public func split(ofGroup group: String) -> Split {
        let u = StableHash.unit(group, seed: seed)
        if u < testFraction { return .test }
        if u < testFraction + validFraction { return .valid }
        return .train
    }

    /// Streams `input` into `<outDir>/{train,valid,test}.jsonl`; returns the count per split.
    @discardableResult
    public func write(input: String, outDir: String) throws -> [Split: Int] {
        var reader = try PairReader(path: input)
        var writers: [Split: JSONLWriter] = [:]
        for s in Split.allCases { writers[s] = try JSONLWriter(path: "\(outDir)/\(s.rawValue).jsonl") }
        while let p = try reader.nextPair() { try writers[split(of: p)]!.write(p) }
        var counts: [Split: Int] = [:]
        for (s, w) in writers { counts[s] = w.count; try w.close() }
        return counts
    }
}
