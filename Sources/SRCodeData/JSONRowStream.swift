// JSONRowStream: the rows of a benchmark file, a JSON array or JSONL, one at a time with the line each starts on.
import Foundation

/// Streams the top-level rows of a JSON array (CyberSecEval, LLMSecEval) or of a JSONL file.
///
/// Why not `JSONSerialization` on the whole file: the bad-row policy needs the line a row starts on
/// (`file:line: reason`), and the benchmarks' full files are large enough (CyberSecEval's instruct and
/// autocomplete sets are several MB each) that a reader should not hold them twice. The scanner
/// tracks strings, escapes and nesting depth byte by byte, so a row's bytes are handed to the JSON
/// decoder unchanged; a row that does not parse is that row's problem, not the file's.
public struct JSONRowStream {
    public let path: String
    /// A row larger than this is reported and skipped (a runaway string would otherwise eat memory).
    public var maxRowBytes = 16 << 20

    public init(path: String) { self.path = path }

    /// Calls `body(rowBytes, line)` for each row in order; `body` returns `false` to stop.
    /// Throws `DataError` for a file that is neither a JSON array nor JSONL, or that ends inside a row.
    public func forEach(_ body: (Data, Int) throws -> Bool) throws {
        guard let fh = FileHandle(forReadingAtPath: path) else { throw DataError(file: path, line: 0, reason: "cannot open") }
        defer { try? fh.close() }
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), newline: UInt8 = 0x0A
        let open: Set<UInt8> = [UInt8(ascii: "{"), UInt8(ascii: "[")], close: Set<UInt8> = [UInt8(ascii: "}"), UInt8(ascii: "]")]
        var line = 1, depth = 0, inString = false, escaped = false, scalar = false
        var jsonl = false, started = false, finished = false
        var row = Data(), rowLine = 0

        /// Hands the current row to `body`; a row over the size limit is reported instead.
        func flush() throws {
            defer { row.removeAll(keepingCapacity: true); depth = 0; inString = false; escaped = false; scalar = false }
            guard !row.isEmpty else { return }
            if row.count > maxRowBytes { throw DataError(file: path, line: rowLine, reason: "row larger than \(maxRowBytes) bytes") }
            if try !body(row, rowLine) { finished = true }
        }
        var inRow: Bool { depth > 0 || inString || scalar }

        while !finished, let chunk = try fh.read(upToCount: 1 << 16), !chunk.isEmpty {
            for byte in chunk {
                if finished { break }
                if !started {
                    switch byte {
                    case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: continue  // whitespace, UTF-8 BOM
                    case UInt8(ascii: "["): started = true; continue
                    case UInt8(ascii: "{"): started = true; jsonl = true
                    default: throw DataError(file: path, line: line, reason: "not a JSON array or JSONL file")
                    }
                }
                // JSONL: a line is a row, whatever it holds, so one broken line cannot swallow the next.
                if byte == newline {
                    if jsonl && inRow { try flush() }
                    line += 1
                    if !inRow { continue }
                }
                if inRow {
                    if row.count <= maxRowBytes { row.append(byte) }
                    if inString {
                        if escaped { escaped = false } else if byte == backslash { escaped = true } else if byte == quote { inString = false }
                    } else if scalar {
                        if byte == UInt8(ascii: ",") || close.contains(byte) {
                            row.removeLast()
                            let ends = byte == UInt8(ascii: "]")
                            try flush()
                            if ends && !jsonl { finished = true }
                        }
                    } else if byte == quote {
                        inString = true
                    } else if open.contains(byte) {
                        depth += 1
                    } else if close.contains(byte) {
                        depth -= 1
                        if depth == 0 { try flush() }
                    }
                    continue
                }
                // Between rows.
                switch byte {
                case 0x20, 0x09, 0x0D, UInt8(ascii: ","): continue
                case UInt8(ascii: "]") where !jsonl: finished = true
                default:
                    // A row starts: an object or array (nested), or a scalar the decoder will reject.
                    rowLine = line
                    row.append(byte)
                    if open.contains(byte) { depth = 1 } else if byte == quote { inString = true; scalar = true } else { scalar = true }
                }
            }
        }
        if finished { return }
        if inRow && (depth > 0 || (inString && !jsonl)) { throw DataError(file: path, line: rowLine, reason: "file ends inside this row") }
        if !jsonl && started { throw DataError(file: path, line: line, reason: "the JSON array is not closed") }
        try flush()
    }
}

/// Decodes every row of a JSON-array or JSONL file as `T`, with the bad-row policy of
/// ``readJSONLRecords(_:path:what:strict:skip:_:)``: a row that is not a `T`, or that `body` rejects
/// with a `DataError`, is reported as `file:line: reason` (the line the row starts on) and skipped, or
/// thrown when `strict`. Benchmarks ship both layouts (HumanEval as JSONL, the HumanEval-Pro and
/// MBPP-Pro releases as one pretty-printed array), so their readers take either.
public func readJSONRows<T: Decodable>(_: T.Type, path: String, what: String, strict: Bool = false,
                                       skip: (DataError) -> Void, _ body: (T, Int) throws -> Bool) throws {
    let decoder = JSONDecoder()
    try JSONRowStream(path: path).forEach { bytes, line in
        try withBadRowPolicy(strict: strict, skip: skip) {
            try body(decodeRow(T.self, bytes, decoder: decoder, path: path, line: line, what: what), line)
        }
    }
}
