// The objective gates a repair must pass, and the protocols that plug the oracle and compiler in.
import SRCodeData
import SecurityOracle

// MARK: - Pluggable checkers

/// Oracle findings for a piece of code; `nil` means the oracle is unavailable for it (the gate is
/// then `skipped`, never silently passed).
public protocol FindingSource: Sendable {
    func findings(code: String, language: Language) async -> [Finding]?
}

/// Adapts any SecurityOracle `Analyzer` (the built-in one, or an ensemble) to a ``FindingSource``.
public struct AnalyzerFindingSource: FindingSource {
    public let analyzer: any Analyzer
    public init(analyzer: any Analyzer) { self.analyzer = analyzer }
    public func findings(code: String, language: Language) async -> [Finding]? {
        guard language.isCFamily else { return nil }
        return try? await analyzer.analyze(SourceUnit(name: "vul2safe", text: code, isCPlusPlus: language == .cpp))
    }
}

/// The compiler's view of a snippet.
public enum CompileVerdict: Sendable, Equatable {
    case compiles
    /// Normalized error messages (no file/line), one per diagnostic.
    case errors([String])
    case unavailable(String)
}

public protocol CompileChecker: Sendable {
    func compiles(code: String, language: Language) async -> CompileVerdict
}

// MARK: - Outcomes

public enum GateOutcome: String, Codable, Sendable { case pass, fail, skipped }

public struct GateResult: Codable, Sendable, Equatable {
    public var outcome: GateOutcome
    public var detail: String
    public init(_ outcome: GateOutcome, _ detail: String) { self.outcome = outcome; self.detail = detail }
}

/// Every gate's outcome for one candidate repair, stored verbatim on the record.
public struct GateReport: Codable, Sendable, Equatable {
    public var compiles: GateResult
    public var cweFindingsRemoved: GateResult
    public var noNewHighSeverity: GateResult
    public var overlapsOfficialPatch: GateResult
    public var verdictStable: GateResult

    enum CodingKeys: String, CodingKey {
        case compiles
        case cweFindingsRemoved = "cwe_findings_removed"
        case noNewHighSeverity = "no_new_high_severity"
        case overlapsOfficialPatch = "overlaps_official_patch"
        case verdictStable = "verdict_stable"
    }

    /// (name, result) in a fixed order: the order of weights, of the progress bar and of the summary.
    public var all: [(String, GateResult)] {
        [("compiles", compiles), ("cwe_findings_removed", cweFindingsRemoved),
         ("no_new_high_severity", noNewHighSeverity), ("overlaps_official_patch", overlapsOfficialPatch),
         ("verdict_stable", verdictStable)]
    }

    public static let names = ["compiles", "cwe_findings_removed", "no_new_high_severity", "overlaps_official_patch", "verdict_stable"]
    /// Weights of the confidence score (sum 1). The oracle gate weighs most: it is the one that
    /// checks the vulnerability itself; stability weighs least: a weak teacher can be stably wrong.
    public static let weights: [String: Double] = [
        "compiles": 0.2, "cwe_findings_removed": 0.3, "no_new_high_severity": 0.15,
        "overlaps_official_patch": 0.2, "verdict_stable": 0.15,
    ]

    /// Σ weight × (pass 1, skipped ½, fail 0), rounded to 3 decimals so records are byte-stable.
    public var confidence: Double {
        let raw = all.reduce(0.0) { acc, g in
            let s = g.1.outcome == .pass ? 1.0 : (g.1.outcome == .skipped ? 0.5 : 0.0)
            return acc + (GateReport.weights[g.0] ?? 0) * s
        }
        return (raw * 1000).rounded() / 1000
    }

    public var failedGates: [String] { all.filter { $0.1.outcome == .fail }.map(\.0) }
    public var skippedGates: [String] { all.filter { $0.1.outcome == .skipped }.map(\.0) }
}

// MARK: - Evaluation

/// What the gates need from the vulnerable side, computed once per pair.
public struct VulnerableBaseline: Sendable {
    public var findings: [Finding]?
    public var compile: CompileVerdict?
    public var officialTouched: Set<Int>
}

/// Runs the objective gates. Either checker may be absent; its gates are then `skipped`.
public struct GateEvaluator: Sendable {
    public var findingSource: (any FindingSource)?
    public var compileChecker: (any CompileChecker)?

    public init(findingSource: (any FindingSource)?, compileChecker: (any CompileChecker)?) {
        self.findingSource = findingSource
        self.compileChecker = compileChecker
    }

    public func baseline(for pair: VulnerabilityPair) async -> VulnerableBaseline {
        let findings = await findingSource?.findings(code: pair.vulnerableCode, language: pair.language)
        let compile = pair.language.isCFamily ? await compileChecker?.compiles(code: pair.vulnerableCode, language: pair.language) : nil
        return VulnerableBaseline(findings: findings, compile: compile,
                                  officialTouched: SpanDiff.touchedLines(from: pair.vulnerableCode, to: pair.fixedCode))
    }

    /// The gate report for `repair`; `stability` comes from the reflection loop (or is `skipped`
    /// for the official fix, which no teacher judged).
    public func evaluate(pair: VulnerabilityPair, repair: String, baseline: VulnerableBaseline, stability: GateResult) async -> GateReport {
        let compiles = await compileGate(pair, repair, baseline)
        let repairFindings = await findingSource?.findings(code: repair, language: pair.language)
        let (removed, noNewHigh) = findingGates(pair, repair, baseline, repairFindings)
        return GateReport(compiles: compiles, cweFindingsRemoved: removed, noNewHighSeverity: noNewHigh,
                          overlapsOfficialPatch: overlapGate(pair, repair, baseline), verdictStable: stability)
    }

    private func compileGate(_ pair: VulnerabilityPair, _ repair: String, _ base: VulnerableBaseline) async -> GateResult {
        guard pair.language.isCFamily else { return GateResult(.skipped, "no compiler for \(pair.language.rawValue)") }
        guard let checker = compileChecker else { return GateResult(.skipped, "no compile checker configured") }
        switch await checker.compiles(code: repair, language: pair.language) {
        case .compiles: return GateResult(.pass, "clang -fsyntax-only: no errors")
        case .unavailable(let why): return GateResult(.skipped, why)
        case .errors(let errs):
            // Snippets lack their file's context; only errors the vulnerable version did not have count.
            var known: [String: Int] = [:]
            if case .errors(let base)? = base.compile { for e in base { known[e, default: 0] += 1 } }
            var new: [String] = []
            for e in errs { if (known[e] ?? 0) > 0 { known[e]! -= 1 } else { new.append(e) } }
            if new.isEmpty { return GateResult(.pass, "no new errors (\(errs.count) shared with the vulnerable version: missing context)") }
            return GateResult(.fail, "\(new.count) new error(s): \(new[0])")
        }
    }

    private func findingGates(_ pair: VulnerabilityPair, _ repair: String, _ base: VulnerableBaseline, _ repairFindings: [Finding]?) -> (GateResult, GateResult) {
        guard let vf = base.findings, let rf = repairFindings else {
            let s = GateResult(.skipped, "oracle unavailable")
            return (s, s)
        }
        let cwes = Set(pair.cwes)
        let vulnCWE = vf.filter { cwes.contains($0.cwe) }
        let removed: GateResult
        if vulnCWE.isEmpty {
            removed = GateResult(.skipped, "oracle reports no \(pair.cwes.joined(separator: "/")) finding on the vulnerable version")
        } else {
            let left = Set(rf.map { key($0, repair) })
            let remaining = vulnCWE.filter { left.contains(key($0, pair.vulnerableCode)) }
            removed = remaining.isEmpty
                ? GateResult(.pass, "\(vulnCWE.count) \(pair.cwes.joined(separator: "/")) finding(s) gone")
                : GateResult(.fail, "still flagged: \(remaining.map(\.ruleID).joined(separator: ", "))")
        }
        var before: [String: Int] = [:]
        for f in vf where f.severity == .high { before[key(f, pair.vulnerableCode), default: 0] += 1 }
        var added: [String] = []
        for f in rf where f.severity == .high {
            let k = key(f, repair)
            if (before[k] ?? 0) > 0 { before[k]! -= 1 } else { added.append(f.ruleID) }
        }
        let noNewHigh = added.isEmpty ? GateResult(.pass, "no new high-severity finding")
                                      : GateResult(.fail, "new high-severity: \(added.joined(separator: ", "))")
        return (removed, noNewHigh)
    }

    /// A finding's identity across versions: rule plus the whitespace-collapsed flagged text (spans
    /// move when lines are inserted, the flagged expression does not).
    private func key(_ f: Finding, _ code: String) -> String {
        let bytes = Array(code.utf8)
        let lo = max(0, min(f.span.start.offset, bytes.count)), hi = max(lo, min(f.span.end.offset, bytes.count))
        let text = String(decoding: bytes[lo..<hi], as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return f.ruleID + "|" + text
    }

    private func overlapGate(_ pair: VulnerabilityPair, _ repair: String, _ base: VulnerableBaseline) -> GateResult {
        let touched = SpanDiff.touchedLines(from: pair.vulnerableCode, to: repair)
        if touched.isEmpty { return GateResult(.fail, "repair is identical to the vulnerable code") }
        if base.officialTouched.isEmpty { return GateResult(.skipped, "official patch changes nothing in this function") }
        let shared = touched.intersection(base.officialTouched)
        if shared.isEmpty {
            return GateResult(.fail, "changed lines \(Self.ranges(touched)) miss the official patch's \(Self.ranges(base.officialTouched))")
        }
        return GateResult(.pass, "overlaps official patch on line(s) \(Self.ranges(shared))")
    }

    static func ranges(_ lines: Set<Int>) -> String {
        var parts: [String] = []
        var run: (Int, Int)?
        for l in lines.sorted() {
            if let r = run, l == r.1 + 1 { run = (r.0, l) } else {
                if let r = run { parts.append(r.0 == r.1 ? "\(r.0)" : "\(r.0)-\(r.1)") }
                run = (l, l)
            }
        }
        if let r = run { parts.append(r.0 == r.1 ? "\(r.0)" : "\(r.0)-\(r.1)") }
        return parts.joined(separator: ",")
    }
}
