// Streams a file line by line in bounded memory, the basis of every JSONL/CSV reader.
import Foundation

/// Reads a file as lines of raw bytes, in chunks, never holding more than one chunk plus the
/// current line. Lines longer than ``maxLineBytes`` are reported, not buffered without bound.
///
/// ```swift
/// let reader = try LineReader(path: "pairs.jsonl")
/// while let line = try reader.next() { print(line.number, line.bytes.count) }
/// ```
public final class LineReader {
    /// One line without its terminator. `tooLong` lines carry no bytes: they were skipped.
    public struct Line {
        public var number: Int
        /// Byte offset of the line's first byte in the file, so a reader can come back to it later.
        public var offset: Int
        public var bytes: [UInt8]
        public var tooLong: Bool
    }

    public let path: String
    public let maxLineBytes: Int
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false
    private var lineNumber = 0
    private var consumed = 0      // file offset of buffer[0]
    private var lineStart = 0     // file offset of the line being assembled
    private let chunkSize: Int

    /// - Parameters:
    ///   - path: the file to read (`-` reads standard input).
    ///   - maxLineBytes: lines longer than this are skipped and flagged `tooLong`.
    public init(path: String, maxLineBytes: Int = 64 << 20, chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw DataError(file: path, line: 0, reason: "cannot open file")
            }
            handle = h
        }
    }

    deinit { if path != "-" { try? handle.close() } }

    /// The next line, or `nil` at end of file.
    public func next() throws -> Line? {
        var skipping = false
        var line: [UInt8] = []
        while true {
            if position >= buffer.count {
                if eof { break }
                try refill()
                if position >= buffer.count { break }
            }
            if let nl = buffer[position...].firstIndex(of: 0x0A) {
                if !skipping { line.append(contentsOf: buffer[position..<nl]) }
                position = nl + 1
                lineNumber += 1
                defer { lineStart = consumed + position }
                return finish(line, tooLong: skipping || line.count > maxLineBytes)
            }
            if !skipping { line.append(contentsOf: buffer[position...]) }
            position = buffer.count
            if line.count > maxLineBytes { skipping = true; line = [] }
        }
        if line.isEmpty && !skipping { return nil }
        lineNumber += 1
        return finish(line, tooLong: skipping)
    }

    private func finish(_ line: [UInt8], tooLong: Bool) -> Line {
        var bytes = tooLong ? [] : line
        if bytes.last == 0x0D { bytes.removeLast() }  // tolerate CRLF files
        return Line(number: lineNumber, offset: lineStart, bytes: bytes, tooLong: tooLong)
    }

    private func refill() throws {
        let data = try handle.read(upToCount: chunkSize) ?? Data()
        if data.isEmpty { eof = true }
        consumed += buffer.count
        buffer = [UInt8](data)
        position = 0
    }
}

/// A problem in one place of one input file: the unit of bad-input reporting (`file:line: reason`).
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable, Codable {
    public var file: String
    public var line: Int
    public var reason: String
    public init(file: String, line: Int, reason: String) { self.file = file; self.line = line; self.reason = reason }
    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}
