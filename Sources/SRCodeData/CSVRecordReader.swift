// Streams RFC 4180 CSV records (quoted fields may span lines) as header-keyed dictionaries.

/// Reads CSV records in bounded memory on top of ``LineReader``.
///
/// A record continues onto the next physical line while its quotes are unbalanced; its line number is
/// that of its first line, so errors point where the record starts.
final class CSVRecordReader {
    private let lines: LineReader
    private(set) var header: [String] = []
    let maxRecordBytes: Int

    init(path: String, maxRecordBytes: Int) throws {
        lines = try LineReader(path: path, maxLineBytes: maxRecordBytes)
        self.maxRecordBytes = maxRecordBytes
        if let first = try lines.next() {
            header = Self.fields(String(decoding: first.bytes, as: UTF8.self)) ?? []
            if header.first?.hasPrefix("\u{FEFF}") == true { header[0].removeFirst() }
        }
    }

    enum Record {
        case row(line: LineReader.Line, fields: [String: String])
        case bad(line: Int, kind: RejectKind, reason: String)
    }

    func next() throws -> Record? {
        guard var first = try lines.next() else { return nil }
        var bytes = first.bytes
        while Self.quoteCount(bytes) % 2 == 1 {
            guard let more = try lines.next() else {
                return .bad(line: first.number, kind: .malformedCSV, reason: "unterminated quoted field")
            }
            bytes.append(0x0A)
            bytes += more.bytes
            if bytes.count > maxRecordBytes || more.tooLong {
                return .bad(line: first.number, kind: .lineTooLong, reason: "record over \(maxRecordBytes) bytes")
            }
        }
        first.bytes = bytes
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .bad(line: first.number, kind: .invalidUTF8, reason: "invalid UTF-8")
        }
        guard let values = Self.fields(text) else {
            return .bad(line: first.number, kind: .malformedCSV, reason: "malformed quoting")
        }
        if values.count != header.count {
            return .bad(line: first.number, kind: .malformedCSV,
                        reason: "expected \(header.count) fields, found \(values.count)")
        }
        return .row(line: first, fields: Dictionary(zip(header, values), uniquingKeysWith: { a, _ in a }))
    }

    static func quoteCount(_ b: [UInt8]) -> Int { b.reduce(0) { $0 + ($1 == 0x22 ? 1 : 0) } }

    /// Splits one record; `nil` when quoting is malformed (text after a closing quote).
    static func fields(_ s: String) -> [String]? {
        var out: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var it = s.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "," {
                out.append(field); field = ""; wasQuoted = false
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if wasQuoted && c != "\r" {
                return nil
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        out.append(field)
        return out
    }
}
