// Assigns train/valid/test by project/commit so one fix commit never straddles splits.
import Foundation
import SRCodeData

/// The same commit-hash buckets as `srcode data split` (``PairSplitter`` with its defaults, 80/10/10),
/// so a commit in the imported test split is in PrimeVul+'s test split too. A split file, a JSON
/// object mapping pair ids or commit groups to split names, overrides the hash.
public struct SplitAssigner: Sendable {
    public let overrides: [String: String]

    public init(splitFile: String? = nil) throws {
        guard let splitFile else { overrides = [:]; return }
        guard let data = FileManager.default.contents(atPath: splitFile) else {
            throw DataError(file: splitFile, line: 0, reason: "cannot read split file")
        }
        guard let map = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw DataError(file: splitFile, line: 0, reason: "split file must be a JSON object {\"id or project/commit\": \"train|valid|test\"}")
        }
        overrides = map
    }

    public func split(for pair: VulnerabilityPair) -> String {
        if let s = overrides[pair.id] ?? overrides[pair.commitGroup] { return s }
        return Self.hashSplit(pair.commitGroup)
    }

    public static func hashSplit(_ group: String) -> String {
        PairSplitter().split(ofGroup: group).rawValue
    }
}
