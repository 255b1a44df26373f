// Pairs PrimeVul single-function rows: a vulnerable row (target 1) with its patched row (target 0).
import Foundation

/// Matches PrimeVul rows by commit, file and function name, in bounded memory.
///
/// Rows wait for their partner as a file offset, not as text: an unpaired file of benign functions
/// then costs a few dozen bytes per row, and the partner is re-read from disk when it arrives.
/// `*_paired.jsonl` files (partners adjacent) and unpaired files (partners anywhere) both work.
final class PrimeVulPairer {
    struct Pending { var line: Int; var offset: Int; var length: Int; var target: Int }

    private let path: String
    private var pending: [String: Pending] = [:]
    private var order: [String] = []  // insertion order, for deterministic unpaired reports
    private lazy var randomAccess: FileHandle? = FileHandle(forReadingAtPath: path)

    init(path: String) { self.path = path }

    /// The pairing key of a row, or `nil` if it lacks the fields to pair on.
    static func key(_ row: [String: Any]) -> String? {
        guard let commit = RowConverter.string(row["commit_id"]), let code = row["func"] as? String else { return nil }
        let file = RowConverter.string(row["file_name"]) ?? ""
        return "\(commit)|\(file)|\(functionName(code) ?? StableHash.hex128(StableHash.normalizedCode(code)))"
    }

    /// Offers a row. Returns the (vulnerable, fixed) rows when this one completes a pair.
    func offer(_ row: [String: Any], target: Int, line: LineReader.Line) -> (vulnerable: [String: Any], fixed: [String: Any], partnerLine: Int)? {
        guard let k = Self.key(row) else { return nil }
        if let p = pending[k], p.target != target, let other = reread(p) {
            pending[k] = nil
            return target == 1 ? (row, other, p.line) : (other, row, p.line)
        }
        if pending[k] == nil { order.append(k) }
        pending[k] = Pending(line: line.number, offset: line.offset, length: line.bytes.count, target: target)
        return nil
    }

    /// Rows still waiting at end of file, in file order.
    func unpaired() -> [Pending] {
        order.compactMap { pending[$0] }.sorted { $0.line < $1.line }
    }

    private func reread(_ p: Pending) -> [String: Any]? {
        guard let h = randomAccess else { return nil }
        do {
            try h.seek(toOffset: UInt64(p.offset))
            guard let d = try h.read(upToCount: p.length) else { return nil }
            return try JSONSerialization.jsonObject(with: d) as? [String: Any]
        } catch { return nil }
    }

    /// The declared name: the identifier (with `::`/`~`) just before the first top-level `(`.
    static func functionName(_ code: String) -> String? {
        let b = Array(code.utf8.prefix(4096))
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {  // skip block comments
                i += 2
                while i + 1 < b.count && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
                continue
            }
            if b[i] == UInt8(ascii: "(") { break }
            i += 1
        }
        guard i < b.count else { return nil }
        var j = i
        while j > 0 && (b[j - 1] == 0x20 || b[j - 1] == 0x09 || b[j - 1] == 0x0A) { j -= 1 }
        let end = j
        func ident(_ c: UInt8) -> Bool { c == 95 || c == 58 || c == 126 || (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) }
        while j > 0 && ident(b[j - 1]) { j -= 1 }
        return j < end ? String(decoding: b[j..<end], as: UTF8.self) : nil
    }
}
