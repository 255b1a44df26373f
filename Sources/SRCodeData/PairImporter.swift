// Streams dataset files into `VulnerabilityPair`s: detect layout, convert, pair, dedupe, report.
import Foundation

/// Options for ``PairImporter``.
public struct ImportOptions: Sendable {
    /// Fail on the first bad row instead of skipping and counting it.
    public var strict = false
    public var limits = RowLimits()
    /// Commit shas to drop, e.g. the ones SVEN train shares with its validation split.
    public var excludeCommits: Set<String> = []
    public var deduplicate = true
    /// Forces a layout instead of detecting it from each row's fields.
    public var format: RowFormat? = nil
    public init() {}
}

/// Imports one or more files, emitting records in input order.
///
/// Memory stays bounded whatever the input size: lines are streamed, PrimeVul rows wait for their
/// partner as file offsets, and deduplication keeps 16 bytes per record.
///
/// ```swift
/// let importer = PairImporter(options: ImportOptions()) { print($0) }
/// try importer.importFile("sven/train/cwe-125.jsonl") { pair in try writer.write(pair) }
/// print(importer.summary.render())
/// ```
public final class PairImporter {
    public let options: ImportOptions
    public private(set) var summary = ImportSummary()
    private let report: (DataError) -> Void
    private var seen: Set<SIMD2<UInt64>> = []
    private let converter: RowConverter

    /// - Parameter report: called with each skipped row's `file:line: reason`.
    public init(options: ImportOptions, report: @escaping (DataError) -> Void) {
        self.options = options
        self.report = report
        self.converter = RowConverter(limits: options.limits)
    }

    /// Expands folders into their `.jsonl`/`.json`/`.csv` files, sorted, so runs are reproducible.
    public static func inputFiles(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw DataError(file: p, line: 0, reason: "no such file or folder") }
            if isDir.boolValue {
                let items = (try? fm.subpathsOfDirectory(atPath: p)) ?? []
                out += items.filter { [".jsonl", ".json", ".csv"].contains(where: $0.hasSuffix) }.sorted().map { "\(p)/\($0)" }
            } else {
                out.append(p)
            }
        }
        return out
    }

    // MARK: - One file

    public func importFile(_ path: String, emit: (VulnerabilityPair) throws -> Void) throws {
        summary.files += 1
        if path.lowercased().hasSuffix(".csv") {
            try importCSV(path, emit: emit)
            return
        }
        let reader = try LineReader(path: path, maxLineBytes: max(options.limits.maxFunctionBytes * 4, 1 << 20))
        let pairer = PrimeVulPairer(path: path)
        while let line = try reader.next() {
            if line.bytes.isEmpty && !line.tooLong { continue }
            summary.rows += 1
            if line.tooLong { try reject(path, line.number, .lineTooLong, "line over \(reader.maxLineBytes) bytes"); continue }
            guard String(validating: line.bytes, as: UTF8.self) != nil else {
                try reject(path, line.number, .invalidUTF8, "invalid UTF-8"); continue
            }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(line.bytes)) } catch {
                try reject(path, line.number, .malformedJSON, "malformed JSON (\(Self.jsonErrorHint(error)))"); continue
            }
            guard let row = object as? [String: Any] else { try reject(path, line.number, .notAnObject, "not a JSON object"); continue }
            // Detected per row, so a file mixing layouts (or PrimeVul pairs inside SVEN rows) still imports.
            guard let fmt = options.format ?? RowFormat.detect(keys: row.keys) else {
                try reject(path, line.number, .unrecognized,
                           "unrecognized row layout (expected SVEN, PrimeVul, pair-per-line or CVEfixes fields)")
                continue
            }
            if let missing = fmt.requiredFields.first(where: { row[$0] == nil || row[$0] is NSNull }) {
                try reject(path, line.number, .missingField, "missing field '\(missing)'"); continue
            }
            if fmt == .primevulRow {
                try offerPrimeVul(row, line: line, path: path, pairer: pairer, emit: emit)
            } else {
                try convertAndEmit(row, format: fmt, path: path, line: line.number, emit: emit)
            }
        }
        for p in pairer.unpaired() {
            let side = p.target == 1 ? "vulnerable row (target 1) has no patched partner" : "patched row (target 0) has no vulnerable partner"
            try reject(path, p.line, .unpaired, "unpaired row: \(side) with the same commit and function")
        }
    }

    private func importCSV(_ path: String, emit: (VulnerabilityPair) throws -> Void) throws {
        let csv = try CSVRecordReader(path: path, maxRecordBytes: max(options.limits.maxFunctionBytes * 4, 1 << 20))
        let fmt = options.format ?? RowFormat.detect(keys: csv.header) ?? .cvefixes
        if let missing = fmt.requiredFields.first(where: { !csv.header.contains($0) }) {
            try reject(path, 1, .missingField, "missing column '\(missing)' in CSV header")
            return
        }
        while let rec = try csv.next() {
            summary.rows += 1
            switch rec {
            case .bad(let line, let kind, let reason): try reject(path, line, kind, reason)
            case .row(let line, let fields):
                var row: [String: Any] = fields
                if fmt == .primevulRow, let t = fields["target"] { row["target"] = Int(t) ?? -1 }
                try convertAndEmit(row, format: fmt, path: path, line: line.number, emit: emit)
            }
        }
    }

    // MARK: - Pairing, conversion, dedup

    private func offerPrimeVul(_ row: [String: Any], line: LineReader.Line, path: String, pairer: PrimeVulPairer,
                               emit: (VulnerabilityPair) throws -> Void) throws {
        guard let target = (row["target"] as? NSNumber)?.intValue ?? Int(RowConverter.string(row["target"]) ?? ""),
              target == 0 || target == 1 else {
            try reject(path, line.number, .missingField, "field 'target' must be 0 or 1"); return
        }
        guard let code = row["func"] as? String, !code.allSatisfy(\.isWhitespace) else {
            try reject(path, line.number, .emptyFunction, "empty function in 'func'"); return
        }
        guard let (vul, fix, _) = pairer.offer(row, target: target, line: line) else { return }
        var merged = vul
        merged["func_before"] = vul["func"]
        merged["func_after"] = fix["func"]
        merged["func"] = nil
        merged["target"] = nil
        merged["pair_id"] = "\(RowConverter.string(vul["idx"]) ?? "?")-\(RowConverter.string(fix["idx"]) ?? "?")"
        merged["lang"] = nil
        var c = converter
        c.sourceName = "primevul"
        try convertAndEmit(merged, format: .pairPerLine, path: path, line: line.number, emit: emit, using: c)
    }

    private func convertAndEmit(_ row: [String: Any], format: RowFormat, path: String, line: Int,
                                emit: (VulnerabilityPair) throws -> Void, using c: RowConverter? = nil) throws {
        let pair: VulnerabilityPair
        do { pair = try (c ?? converter).convert(row, format: format) } catch {
            try reject(path, line, error.kind, error.reason); return
        }
        if let commit = pair.commit, options.excludeCommits.contains(commit) {
            summary.excludedCommits += 1
            return
        }
        if options.deduplicate {
            let key = SIMD2(StableHash.fnv1a(pair.codeHash), StableHash.fnv1a(pair.codeHash, seed: 7))
            if !seen.insert(key).inserted { summary.duplicates += 1; return }
        }
        summary.record(pair)
        try emit(pair)
    }

    private func reject(_ file: String, _ line: Int, _ kind: RejectKind, _ reason: String) throws {
        summary.reject(kind)
        let e = DataError(file: file, line: line, reason: reason)
        if options.strict { throw e }
        report(e)
    }

    static func jsonErrorHint(_ error: Error) -> String {
        let s = "\(error)"
        if let r = s.range(of: "debugDescription: \"") ?? s.range(of: "NSDebugDescription=") {
            let hint = s[r.upperBound...].prefix(80).prefix { !"\",})".contains($0) }
            return String(hint).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        }
        return "not valid JSON"
    }
}
