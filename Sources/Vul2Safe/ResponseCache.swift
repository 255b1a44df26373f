// On-disk cache of teacher replies keyed by the request hash, so reruns and resumes cost nothing.
import Foundation

/// One JSON file per request: `<dir>/<aa>/<sha256>.json`, written to a temp file and renamed, so a
/// kill mid-write never leaves a torn entry that a resume would trust.
public struct ResponseCache: Sendable {
    public let directory: String

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func path(for key: String) -> String {
        "\(directory)/\(key.prefix(2))/\(key).json"
    }

    /// The cached reply, or `nil` when absent or unreadable (a corrupt entry is treated as a miss).
    public func lookup(_ key: String) -> ChatReply? {
        guard let data = FileManager.default.contents(atPath: path(for: key)) else { return nil }
        return try? JSONDecoder().decode(ChatReply.self, from: data)
    }

    public func store(_ reply: ChatReply, for key: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(reply) else { return }
        try? AtomicFile.write(data, to: path(for: key))
    }
}

/// Atomic whole-file writes: temp file in the same directory, then `rename(2)`.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = "\(dir)/.tmp-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw DataErrorLike("cannot write \(tmp)")
        }
        if rename(tmp, path) != 0 {
            try? FileManager.default.removeItem(atPath: tmp)
            throw DataErrorLike("cannot rename \(tmp) to \(path)")
        }
    }
}

/// A plain message error for file-system failures.
public struct DataErrorLike: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
