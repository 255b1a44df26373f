// JSONL records: stream a file's lines, decode each as a record type, report bad lines as file:line: reason.
import Foundation

extension DataError {
    /// A short reason for a decoding error: the field path, not Foundation's whole debug dump.
    public static func reason(for error: Error) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let k, let c):
            let at = path(c)
            return "missing field \(at.isEmpty ? "" : at + ".")\(k.stringValue)"
        case DecodingError.typeMismatch(_, let c): return "wrong type at \(path(c))"
        case DecodingError.valueNotFound(_, let c): return "null at \(path(c))"
        case DecodingError.dataCorrupted(let c):
            let at = path(c)
            return at.isEmpty ? "invalid JSON" : "bad value at \(at): \(c.debugDescription)"
        default: return "\(error)"
        }
    }
}

/// Decodes every non-blank line of the JSONL file at `path` as `T`, streaming (memory stays bounded
/// by the longest line), and hands each record with its 1-based line number to `body`.
///
/// Every reader of project JSONL (PrimeVul+ for training and evaluation, pairs for Vul2Safe) goes
/// through here, so bad input reads the same everywhere: a line that is too long, not JSON, or not a
/// `T` becomes a `DataError` naming the file, the line and the reason (`what` names the record kind),
/// and so does a `DataError` thrown by `body` (a record the caller cannot use). Such an error is
/// thrown when `strict`, else passed to `skip` and its line dropped.
///
/// - Parameter body: returns `false` to stop reading early (a limit was reached).
public func readJSONLRecords<T: Decodable>(_: T.Type, path: String, what: String, strict: Bool = false,
                                           skip: (DataError) -> Void, _ body: (T, Int) throws -> Bool) throws {
    let reader: LineReader
    do { reader = try LineReader(path: path) } catch {
        throw DataError(file: path, line: 0, reason: "cannot open: \(error)")
    }
    let decoder = JSONDecoder()
    while let line = try reader.next() {
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) && !line.tooLong { continue }
        let goOn = try withBadRowPolicy(strict: strict, skip: skip) {
            if line.tooLong { throw DataError(file: path, line: line.number, reason: "line too long") }
            return try body(decodeRow(T.self, Data(line.bytes), decoder: decoder, path: path, line: line.number, what: what), line.number)
        }
        guard goOn else { return }
    }
}

/// The bad-row policy of every row reader: a `DataError` from `work` is thrown when `strict`, else
/// handed to `skip` and the row dropped (reading goes on). Returns `work`'s "go on".
func withBadRowPolicy(strict: Bool, skip: (DataError) -> Void, _ work: () throws -> Bool) throws -> Bool {
    do { return try work() } catch let e as DataError {
        if strict { throw e }
        skip(e)
        return true
    }
}

/// `bytes` as a `T`, or a `DataError` naming the file, the row's line and the reason.
func decodeRow<T: Decodable>(_: T.Type, _ bytes: Data, decoder: JSONDecoder, path: String, line: Int, what: String) throws -> T {
    do { return try decoder.decode(T.self, from: bytes) } catch {
        throw DataError(file: path, line: line, reason: "not \(what): \(DataError.reason(for: error))")
    }
}
