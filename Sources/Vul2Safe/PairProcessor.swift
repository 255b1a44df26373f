// Turns one VulnerabilityPair into one PrimeVul+ record: teacher protocol, gates, fallback, spans, prompts.
import Foundation
import SRCodeData

/// Acceptance policy shared by teacher repairs and the official fallback.
public struct AcceptancePolicy: Codable, Sendable, Equatable {
    /// Minimum confidence score (see ``GateReport/confidence``).
    public var minConfidence: Double = 0.5
    /// Strict: the compile, oracle and overlap gates must *pass*, not merely be skipped.
    public var strict = false
    public init(minConfidence: Double = 0.5, strict: Bool = false) { self.minConfidence = minConfidence; self.strict = strict }

    public func accepts(_ r: GateReport) -> Bool {
        if !r.failedGates.isEmpty || r.confidence < minConfidence { return false }
        if strict { return r.skippedGates.allSatisfy { $0 == "verdict_stable" } }
        return true
    }
}

/// Stateless per-pair worker; the builder runs many of these concurrently.
public struct PairProcessor: Sendable {
    public var reflection: SelfReflection?
    public var gates: GateEvaluator
    public var policy: AcceptancePolicy
    public var filter: LeakageFilter
    public var splits: SplitAssigner
    public var promptsPerPair: Int
    public var promptStyle: PromptStyle

    public init(reflection: SelfReflection?, gates: GateEvaluator, policy: AcceptancePolicy, filter: LeakageFilter,
                splits: SplitAssigner, promptsPerPair: Int, promptStyle: PromptStyle = .project) {
        self.reflection = reflection; self.gates = gates; self.policy = policy; self.filter = filter
        self.splits = splits; self.promptsPerPair = promptsPerPair; self.promptStyle = promptStyle
    }

    /// The record for `pair`. Teacher faults become reasons/notes; only cancellation throws.
    public func process(_ pair: VulnerabilityPair) async throws -> PrimeVulPlusRecord {
        var rec = PrimeVulPlusRecord(
            id: pair.id, source: pair.source, project: pair.project, commit: pair.commit, commitGroup: pair.commitGroup,
            cve: pair.cve, cwe: pair.cwes.first, cwes: pair.cwes, language: pair.language, functionName: pair.functionName,
            fileName: pair.fileName, status: "rejected", repairSource: "none", offline: reflection == nil, prompts: [],
            promptStats: nil, secureCode: nil, vulnerableCode: pair.vulnerableCode, secureSpans: [], vulnerableSpans: [],
            secureLines: [], vulnerableLines: [], analysis: nil, reflection: [], gates: nil, teacherGates: nil,
            confidence: 0, reasons: [], notes: [], teacherTokens: 0, split: splits.split(for: pair))
        let baseline = await gates.baseline(for: pair)
        var chosen: (code: String, source: String, report: GateReport)?
        var teacherError: String?

        // Teacher path: analyze → repair → reflect, then the objective gates.
        if let reflection {
            let outcome = try await reflection.run(pair)
            try Task.checkCancellation()
            rec.analysis = outcome.analysis
            rec.reflection = outcome.rounds
            rec.teacherTokens += outcome.tokens
            if let raw = outcome.repair {
                let repair = Self.matchTrailingNewline(raw, like: pair.vulnerableCode)
                let report = await gates.evaluate(pair: pair, repair: repair, baseline: baseline, stability: outcome.stability)
                if policy.accepts(report) { chosen = (repair, "teacher", report) } else {
                    rec.teacherGates = report
                    rec.reasons += Self.reasons("teacher repair", report, policy)
                }
            }
            if let e = outcome.error { teacherError = e; rec.reasons.append(e) }
        }

        // Fallback: the official fixed function, through the same gates.
        if chosen == nil {
            let stability = GateResult(.skipped, "official fix: no teacher verdict")
            let report = await gates.evaluate(pair: pair, repair: pair.fixedCode, baseline: baseline, stability: stability)
            if policy.accepts(report) { chosen = (pair.fixedCode, "official-fallback", report) } else {
                rec.gates = report
                rec.confidence = report.confidence
                rec.reasons += Self.reasons("official fix", report, policy)
            }
        }

        guard let chosen else {
            rec.status = teacherError != nil && rec.teacherGates == nil ? "failed" : "rejected"
            return rec
        }
        rec.status = "accepted"
        rec.repairSource = chosen.source
        rec.gates = chosen.report
        rec.confidence = chosen.report.confidence
        // Accepted: reasons become notes (why the teacher's own repair was not used, if it was not).
        rec.notes = rec.reasons
        rec.reasons = []
        rec.secureCode = chosen.code
        let diff = SpanDiff.codeDiff(from: pair.vulnerableCode, to: chosen.code)
        rec.secureSpans = diff.addedSpans
        rec.vulnerableSpans = diff.deletedSpans
        rec.secureLines = diff.addedLines
        rec.vulnerableLines = diff.deletedLines
        try await addPrompts(&rec, pair: pair, secureCode: chosen.code)
        return rec
    }

    // MARK: - Prompts

    private func addPrompts(_ rec: inout PrimeVulPlusRecord, pair: VulnerabilityPair, secureCode: String) async throws {
        let short = promptStyle != .project
        let styles = short ? ImplicitPrompts.shortTaskStyles(count: promptsPerPair) : Array(ImplicitPrompts.styles.prefix(max(1, promptsPerPair)))
        var candidates: [ImplicitPrompt] = []
        if promptStyle == .pattern {
            // Data, not the teacher: the teacher's own short tasks did not lead to the risky code.
            candidates = PatternTasks.bundled?.prompts(for: pair) ?? []
        } else if let reflection {
            do {
                let (reply, tokens) = try await reflection.implicitPrompts(pair, secureCode: secureCode, styles: styles,
                                                                           template: short ? "short-task-prompts" : "implicit-prompts")
                rec.teacherTokens += tokens
                candidates = ImplicitPrompts.parse(reply, requested: styles)
            } catch let e as TeacherError {
                rec.notes.append("implicit prompts: \(e.description)")
            }
        }
        let teacherCount = candidates.count
        var sel = ImplicitPrompts.select(candidates, cwes: pair.cwes, count: promptsPerPair, filter: filter)
        var fill = 0
        if sel.prompts.count < promptsPerPair {
            // Top up with offline prompts (marked `origin: offline`), deduplicated against what is kept.
            let offline = short ? ImplicitPrompts.offlineShortTasks(pair: pair, code: secureCode, filter: filter)
                : ImplicitPrompts.offline(pair: pair, code: secureCode, filter: filter)
            let merged = ImplicitPrompts.select(sel.prompts + offline, cwes: pair.cwes, count: promptsPerPair, filter: filter)
            fill = merged.prompts.count - sel.prompts.count
            sel = ImplicitPrompts.Selection(prompts: merged.prompts, leaked: sel.leaked, duplicates: sel.duplicates)
        }
        rec.prompts = sel.prompts
        rec.promptStats = PromptStats(candidates: teacherCount, leaked: sel.leaked, duplicates: sel.duplicates,
                                      offlineFill: fill, diversity: NearDuplicate.diversity(sel.prompts.map(\.text)))
    }

    // MARK: - Helpers

    static func reasons(_ who: String, _ r: GateReport, _ policy: AcceptancePolicy) -> [String] {
        var out = r.all.filter { $0.1.outcome == .fail }.map { "\(who): gate \($0.0) failed: \($0.1.detail)" }
        if out.isEmpty && r.confidence < policy.minConfidence {
            out.append("\(who): confidence \(r.confidence) below \(policy.minConfidence)")
        }
        if out.isEmpty && policy.strict {
            out.append("\(who): strict mode: skipped gate(s) \(r.skippedGates.joined(separator: ", "))")
        }
        return out
    }

    /// Teachers drop or add the final newline; match the vulnerable code so the diff ignores it.
    static func matchTrailingNewline(_ code: String, like reference: String) -> String {
        var c = code
        while c.hasSuffix("\n") { c.removeLast() }
        return reference.hasSuffix("\n") ? c + "\n" : c
    }
}
