// The oracle a rollout reward asks: the built-in analyzer alone, or its union with the path-sensitive tools.
import Foundation

/// Judges one sampled completion for the reward.
///
/// `builtin` (the default) is the in-process analyzer: well under a millisecond per sample. `ensemble` adds clang's
/// static analyzer and gcc -fanalyzer, which see paths the rules cannot (a free on one branch, a NULL that flows
/// into a callee); they run in parallel with the built-in analyzer, each bounded by ``timeout`` seconds, and a tool
/// that is missing, fails or runs out of time contributes nothing (its reason lands in the diagnostics) rather than
/// stalling the rollout. The built-in findings stay as they are; an external finding is added unless it names a flaw
/// (same CWE family, same span or line) already found, and external findings that agree are merged
/// (``Ensemble/merge(_:)``), so one flaw is penalized once; spans are byte ranges of the same text, so the reward maps them to tokens the same way.
///
/// ```swift
/// let oracle = RewardOracle(mode: .ensemble, timeout: 10)
/// let verdict = await oracle.judge(code)
/// print(verdict.findings.count, verdict.idioms.count, verdict.seconds)
/// ```
public struct RewardOracle: Sendable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case builtin, ensemble
    }

    /// What the oracle found in one completion.
    public struct Verdict: Sendable {
        public var findings: [Finding]
        /// The built-in analyzer's secure idioms (the external tools report none).
        public var idioms: [SecureIdiom]
        /// Tools that failed, were missing or timed out.
        public var diagnostics: [String]
        /// Wall seconds for the whole judgement.
        public var seconds: Double
    }

    public var mode: Mode
    /// Seconds each external tool may spend on one sample.
    public var timeout: Double
    public var builtin: BuiltinAnalyzer
    /// The path-sensitive tools of `ensemble` mode (clang, gcc by default).
    public var external: [any Analyzer]

    public init(mode: Mode = .builtin, timeout: Double = 10, builtin: BuiltinAnalyzer = BuiltinAnalyzer(),
                external: [any Analyzer]? = nil) {
        self.mode = mode
        self.timeout = timeout
        self.builtin = builtin
        self.external = external ?? [ClangAnalyzer(timeout: timeout), GCCAnalyzer(timeout: timeout)]
    }

    /// Findings (and the built-in analyzer's idioms) for one completion's code.
    public func judge(_ code: String, cplusplus: Bool? = nil) async -> Verdict {
        let t0 = Date()
        let own = builtin.run(code)
        guard mode == .ensemble, !external.isEmpty else {
            return Verdict(findings: own.findings, idioms: own.idioms, diagnostics: [], seconds: Date().timeIntervalSince(t0))
        }
        let unit = SourceUnit(name: "rollout", text: code, isCPlusPlus: cplusplus ?? (code.contains("::") || code.contains("std::")))
        let timeout = self.timeout
        var found: [Finding] = []
        var diags: [String] = []
        await withTaskGroup(of: (String, Result<[Finding], Error>).self) { group in
            for a in external {
                if let e = a as? any ExternalAnalyzer, e.executable == nil {
                    diags.append("\(a.name): not installed"); continue
                }
                group.addTask {
                    do { return (a.name, .success(try await withTimeout(timeout) { try await a.analyze(unit) })) }
                    catch { return (a.name, .failure(error)) }
                }
            }
            for await (name, r) in group {
                switch r {
                case .success(let f): found += f
                case .failure(let e): diags.append(e is TimeoutError ? "\(name): abandoned after \(timeout) s" : "\(name): \(e)")
                }
            }
        }
        // The built-in findings stay as they are; an external finding joins unless it names a flaw already there.
        let map = ToolCWEMap.shared
        let added = Ensemble.merge(found).filter { e in
            !own.findings.contains { b in
                (map.family(of: b.cwe) ?? b.cwe) == e.family && (b.span.overlaps(e.finding.span) || b.span.start.line == e.finding.span.start.line)
            }
        }.map(\.finding)
        let all = (own.findings + added).sorted { ($0.span.start.offset, $0.ruleID) < ($1.span.start.offset, $1.ruleID) }
        return Verdict(findings: all, idioms: own.idioms, diagnostics: diags, seconds: Date().timeIntervalSince(t0))
    }
}
