// Recognizes which dataset layout a JSON row or CSV header follows, and which fields it requires.

/// The input layouts `data import` understands.
public enum RowFormat: String, Sendable, CaseIterable {
    /// SVEN and SafeCoder: `func_src_before`, `func_src_after`, `vul_type`, `char_changes`, …
    case sven
    /// PrimeVul single-function rows (`func`, `target`, `commit_id`, …), unpaired or `*_paired.jsonl`.
    case primevulRow = "primevul"
    /// One pair per line with `func_before`/`func_after` (the `primevul-sample` layout).
    case pairPerLine = "primevul-sample"
    /// CVEfixes-style `code_before`/`code_after`/`cwe_id`/`cve_id`/`hash`, from CSV or JSONL.
    case cvefixes

    /// Fields a row must have; a row missing one is reported and skipped.
    public var requiredFields: [String] {
        switch self {
        case .sven: ["func_src_before", "func_src_after"]
        case .primevulRow: ["func", "target", "commit_id"]
        case .pairPerLine: ["func_before", "func_after"]
        case .cvefixes: ["code_before", "code_after"]
        }
    }

    /// Guesses the layout from the keys of one row.
    public static func detect(keys: some Collection<String>) -> RowFormat? {
        let k = Set(keys)
        if k.contains("func_src_before") || k.contains("func_src_after") { return .sven }
        if k.contains("func_before") || k.contains("func_after") { return .pairPerLine }
        if k.contains("code_before") || k.contains("code_after") { return .cvefixes }
        if k.contains("func") && k.contains("target") { return .primevulRow }
        return nil
    }
}
