// The teacher protocol per pair: analyze → repair → reflect (critique + revise, up to K rounds).
import Foundation
import SRCodeData

/// Sampling settings stamped on every teacher request (and so part of every cache key).
public struct Sampling: Codable, Sendable, Equatable {
    public var temperature: Double = 0.2
    public var maxTokens: Int = 768
    public var seed: Int? = 0
    public init(temperature: Double = 0.2, maxTokens: Int = 768, seed: Int? = 0) {
        self.temperature = temperature; self.maxTokens = maxTokens; self.seed = seed
    }
}

/// What the teacher produced for one pair, before the objective gates.
public struct ReflectionOutcome: Sendable {
    public var analysis: TeacherAnalysis?
    public var rounds: [ReflectionRound] = []
    /// The final repair, `nil` when the teacher failed before producing code.
    public var repair: String?
    public var stability = GateResult(.fail, "no reflection round")
    /// The teacher error that ended the protocol early, if any.
    public var error: String?
    public var tokens = 0
}

/// Runs steps 1–3 of the protocol against any ``Teacher``.
///
/// Stability rule: the repair is *stable* when the teacher accepts the same code (no revision) in
/// `min(2, K)` consecutive rounds. Each round's prompt carries its round number, so a confirmation
/// is a fresh sample rather than a cache hit of the previous answer.
public struct SelfReflection: Sendable {
    public let teacher: any Teacher
    public let prompts: PromptLibrary
    public let filter: LeakageFilter
    public let sampling: Sampling
    public let maxRounds: Int

    public init(teacher: any Teacher, prompts: PromptLibrary, filter: LeakageFilter, sampling: Sampling, maxRounds: Int) {
        self.teacher = teacher; self.prompts = prompts; self.filter = filter; self.sampling = sampling; self.maxRounds = max(1, maxRounds)
    }

    /// Never throws for teacher faults (they end up in `error`); only cancellation propagates.
    public func run(_ pair: VulnerabilityPair) async throws -> ReflectionOutcome {
        var out = ReflectionOutcome()
        var values = baseValues(pair)
        do {
            // 1. Analyze.
            let a = try await ask("analyze", values, &out)
            let analysis = Self.parseAnalysis(a)
            out.analysis = analysis
            values["root_cause"] = analysis.rootCause
            values["vulnerable_lines"] = analysis.vulnerableLines.isEmpty ? "see the diff" : analysis.vulnerableLines.map(String.init).joined(separator: ", ")
            values["fix_strategy"] = analysis.fixStrategy.isEmpty ? "follow the official patch" : analysis.fixStrategy

            // 2. Repair.
            let r = try await ask("repair", values, &out)
            guard let code = ReplyExtraction.code(in: r, functionName: pair.functionName) else {
                out.error = "repair: no code in the teacher's reply"
                return out
            }
            var current = code

            // 3. Reflect, up to K rounds.
            let needed = min(2, maxRounds)
            var confirmations = 0
            for round in 1...maxRounds {
                values["round"] = String(round)
                values["repair"] = current
                let reply = try await ask("reflect", values, &out)
                var parsed = Self.parseReflection(reply, round: round)
                let revision = parsed.verdict == "revise" ? Self.revisionCode(reply, functionName: pair.functionName) : nil
                if let revision, revision != current {
                    current = revision
                    parsed.revised = true
                    confirmations = 0
                } else if parsed.verdict == "accept" && parsed.rootCauseRemoved != false {
                    confirmations += 1
                } else {
                    confirmations = 0
                }
                out.rounds.append(parsed)
                if confirmations >= needed { break }
            }
            out.repair = current
            out.stability = confirmations >= needed
                ? GateResult(.pass, "accepted unchanged in \(needed) consecutive round(s)")
                : GateResult(.fail, "verdict not stable after \(out.rounds.count) round(s): \(out.rounds.map(\.verdict).joined(separator: ","))")
        } catch let error as TeacherError {
            out.error = error.description
        }
        return out
    }

    /// Asks the implicit-prompt question for an accepted secure version.
    /// `template` is `implicit-prompts` (tasks that rebuild the project function) or
    /// `short-task-prompts` (short self-contained tasks with the same pattern, ``PromptStyle/shortTask``).
    public func implicitPrompts(_ pair: VulnerabilityPair, secureCode: String, styles: [String],
                                template: String = "implicit-prompts") async throws -> (String, Int) {
        var values = baseValues(pair)
        values["secure_code"] = secureCode
        values["count"] = String(styles.count)
        values["styles"] = styles.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        var scratch = ReflectionOutcome()
        let reply = try await ask(template, values, &scratch)
        return (reply, scratch.tokens)
    }

    // MARK: - Requests

    private func ask(_ template: String, _ values: [String: String], _ out: inout ReflectionOutcome) async throws -> String {
        let messages: [ChatMessage] = [.system(try prompts.render("system", values)), .user(try prompts.render(template, values))]
        let request = ChatRequest(model: teacher.model, messages: messages, temperature: sampling.temperature,
                                  maxTokens: sampling.maxTokens, seed: sampling.seed)
        let reply = try await teacher.complete(request)
        out.tokens += reply.totalTokens
        return reply.content
    }

    func baseValues(_ pair: VulnerabilityPair) -> [String: String] {
        let cwe = pair.cwes.first ?? "unknown CWE"
        let desc = pair.metadata["cve_description"] ?? pair.metadata["cve_desc"] ?? pair.metadata["description"]
            ?? pair.metadata["commit_message"] ?? "not available"
        let numbered = pair.vulnerableCode.components(separatedBy: "\n").enumerated()
            .map { String(format: "%4d  ", $0.offset + 1) + $0.element }.joined(separator: "\n")
        return [
            "language": pair.language == .cpp ? "C++" : (pair.language == .c ? "C" : pair.language.rawValue),
            "cwe": cwe, "cwe_name": filter.name(of: cwe), "cve": pair.cve ?? "no CVE id",
            "cve_description": desc.isEmpty ? "not available" : desc,
            "function_name": pair.functionName ?? ImplicitPrompts.functionName(in: ImplicitPrompts.signature(of: pair.vulnerableCode)) ?? "the function",
            "project": pair.project ?? "an open-source project",
            "vulnerable_code": pair.vulnerableCode, "numbered_vulnerable_code": numbered,
            "official_diff": SpanDiff.unified(from: pair.vulnerableCode, to: pair.fixedCode),
        ]
    }

    // MARK: - Reply parsing

    static func parseAnalysis(_ reply: String) -> TeacherAnalysis {
        if let obj = ReplyExtraction.jsonObject(in: reply) {
            let lines = (obj["vulnerable_lines"] as? [Any] ?? []).compactMap { ($0 as? Int) ?? Int(String(describing: $0)) }
            return TeacherAnalysis(rootCause: (obj["root_cause"] as? String) ?? "", vulnerableLines: lines,
                                   fixStrategy: (obj["fix_strategy"] as? String) ?? "", parsed: true)
        }
        let text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        return TeacherAnalysis(rootCause: String(text.prefix(600)), vulnerableLines: [], fixStrategy: "", parsed: false)
    }

    static func parseReflection(_ reply: String, round: Int) -> ReflectionRound {
        guard let obj = ReplyExtraction.jsonObject(in: reply) else {
            let lower = reply.lowercased()
            let verdict = lower.contains("\"revise\"") || lower.contains("verdict: revise") ? "revise"
                : (lower.contains("\"accept\"") || lower.contains("verdict: accept") ? "accept" : "unknown")
            return ReflectionRound(round: round, verdict: verdict, rootCauseRemoved: nil, behaviourPreserved: nil,
                                   newIssues: [], critique: String(reply.prefix(400)), revised: false)
        }
        let verdict = ((obj["verdict"] as? String) ?? "unknown").lowercased()
        return ReflectionRound(round: round, verdict: ["accept", "revise"].contains(verdict) ? verdict : "unknown",
                               rootCauseRemoved: obj["root_cause_removed"] as? Bool,
                               behaviourPreserved: obj["behaviour_preserved"] as? Bool,
                               newIssues: (obj["new_issues"] as? [Any] ?? []).map { String(describing: $0) },
                               critique: String(((obj["critique"] as? String) ?? "").prefix(600)), revised: false)
    }

    /// A revision's code: a fenced, non-JSON block (the JSON verdict may itself be fenced).
    static func revisionCode(_ reply: String, functionName: String?) -> String? {
        let blocks = ReplyExtraction.codeBlocks(in: reply).filter {
            $0.language != "json" && !$0.code.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{")
                && !$0.code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        guard !blocks.isEmpty else { return nil }
        if let name = functionName, let hit = blocks.first(where: { $0.code.contains(name + "(") }) { return hit.code }
        return blocks.max { $0.code.count < $1.code.count }!.code
    }
}
