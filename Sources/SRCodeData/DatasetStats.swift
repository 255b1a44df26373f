// Describes a pair file: counts per CWE, project and language; code-size and diff-size percentiles.

/// Streaming statistics over `VulnerabilityPair` records.
public struct DatasetStats: Codable, Sendable {
    public var pairs = 0
    public var perCWE: [String: Int] = [:]
    public var perProject: [String: Int] = [:]
    public var perLanguage: [String: Int] = [:]
    public var perSource: [String: Int] = [:]
    /// Lines of the vulnerable function.
    var functionLines: [Int] = []
    /// Changed lines (deleted + added).
    var diffLines: [Int] = []

    public init() {}

    public mutating func add(_ p: VulnerabilityPair) {
        pairs += 1
        for c in p.cwes.isEmpty ? ["(none)"] : p.cwes { perCWE[c, default: 0] += 1 }
        perProject[p.project ?? "(unknown)", default: 0] += 1
        perLanguage[p.language.rawValue, default: 0] += 1
        perSource[p.source, default: 0] += 1
        functionLines.append(p.vulnerableCode.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) })
        diffLines.append(p.diff.changedLineCount)
    }

    public static func percentiles(_ values: [Int], _ qs: [Double] = [0.5, 0.9, 0.99, 1.0]) -> [Int] {
        guard !values.isEmpty else { return qs.map { _ in 0 } }
        let s = values.sorted()
        return qs.map { q in s[min(s.count - 1, Int((q * Double(s.count - 1)).rounded()))] }
    }

    public func render(top: Int = 20) -> String {
        func table(_ title: String, _ d: [String: Int]) -> String {
            let rows = d.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            var s = "\(title) (\(d.count)):\n"
            for (k, v) in rows.prefix(top) { s += "  \(k): \(v)\n" }
            if rows.count > top { s += "  … \(rows.count - top) more\n" }
            return s
        }
        let f = Self.percentiles(functionLines), d = Self.percentiles(diffLines)
        var s = "pairs: \(pairs)\n"
        s += table("per source", perSource) + table("per language", perLanguage) + table("per CWE", perCWE)
        s += table("per project", perProject)
        s += "function lines  p50 \(f[0])  p90 \(f[1])  p99 \(f[2])  max \(f[3])\n"
        s += "changed lines   p50 \(d[0])  p90 \(d[1])  p99 \(d[2])  max \(d[3])\n"
        return s
    }

    /// Reads a pair file and computes its statistics.
    public static func of(path: String) throws -> DatasetStats {
        var reader = try PairReader(path: path)
        var stats = DatasetStats()
        while let p = try reader.nextPair() { stats.add(p) }
        return stats
    }
}
