// Writes Codable records as JSON Lines, buffered, to a temp file renamed into place on close.
import Foundation

/// A JSONL sink. Output appears atomically at `path` when ``close()`` succeeds, so a crash never
/// leaves a half-written file that a later stage would read as complete.
public final class JSONLWriter {
    public let path: String
    private let tmpPath: String
    private let handle: FileHandle
    private var buffer = Data()
    private let encoder: JSONEncoder
    public private(set) var count = 0

    public init(path: String) throws {
        self.path = path
        tmpPath = path + ".partial"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: tmpPath, contents: nil), let h = FileHandle(forWritingAtPath: tmpPath) else {
            throw DataError(file: path, line: 0, reason: "cannot create output file")
        }
        handle = h
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public func write<T: Encodable>(_ value: T) throws {
        buffer.append(try encoder.encode(value))
        buffer.append(0x0A)
        count += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and moves the file into place.
    public func close() throws {
        try flush()
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: tmpPath, toPath: path)
    }
}

/// Reads `VulnerabilityPair` JSONL (our own output) back, streaming.
public struct PairReader {
    private let lines: LineReader
    private let decoder = JSONDecoder()
    public let path: String

    public init(path: String) throws {
        self.path = path
        lines = try LineReader(path: path)
    }

    /// The next record; throws a `DataError` naming the line for a record that doesn't decode.
    public mutating func nextPair() throws -> VulnerabilityPair? {
        while let line = try lines.next() {
            if line.bytes.isEmpty { continue }
            do { return try decoder.decode(VulnerabilityPair.self, from: Data(line.bytes)) } catch {
                throw DataError(file: path, line: line.number, reason: "not a VulnerabilityPair record (\(error))")
            }
        }
        return nil
    }
}
