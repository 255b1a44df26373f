// Checks a reward before compute is spent on it: how often each source fires on real rollouts, and where it lands.
import Foundation
import LM
import Rewards
import Tensor

/// What a reward does on a batch of rollouts (`srcode reward diagnose`).
///
/// A reward that fires on under 10% of rollouts cannot teach much in 30 RL steps, and a dense term
/// whose mean is the same on flagged and clean samples carries no signal: both show up here before
/// an RL run is spent finding them out.
///
/// ```swift
/// let samples = try await RewardDiagnostics.collect(policy: model, sampler: sampler, items: items,
///                                                   rollouts: 200, config: recipe.rollout, seed: 1)
/// let report = RewardDiagnostics(samples, examples: 5) { sampler.tokenizer.decode([Int($0)]) }
/// print(report.markdown())
/// ```
public struct RewardDiagnostics: Codable, Sendable {
    /// The per-token *dense* reward (oracle spans, repair patterns, judge: everything but the outcome)
    /// over a set of samples.
    public struct TokenStats: Codable, Sendable, Equatable {
        public var samples = 0
        public var tokens = 0
        public var mean: Double = 0
        public var std: Double = 0
        /// Share of tokens with a non-zero dense reward.
        public var nonzeroShare: Double = 0
        /// Mean total reward per sample (dense + outcome).
        public var totalMean: Double = 0

        enum CodingKeys: String, CodingKey {
            case samples, tokens, mean, std, nonzeroShare = "nonzero_share", totalMean = "total_mean"
        }
    }

    /// One rollout with its token rewards marked on the text.
    public struct Example: Codable, Sendable {
        public var record: String
        public var prompt: String
        public var total: Double
        public var outcome: Double
        public var vulnerable: Bool
        public var compiles: Bool?
        public var truncated: Bool
        /// The response with each token that carries a dense reward written `⟦token⟧{reward}`.
        public var annotated: String
    }

    public var rollouts: Int
    /// Share of rollouts on which each dense source is non-zero: `oracle`, `secure_pattern`,
    /// `vulnerable_pattern`, `judge`, and `any_dense` (at least one of them).
    public var firing: [String: Double]
    /// Share of rollouts per outcome: `clean`, `vulnerable`, `broken` (no working code: none, does not
    /// compile, stub, failed tests), and the flags `no_code`, `stub`, `truncated`.
    public var outcomes: [String: Double]
    /// Samples the oracle flags (a high or medium finding) versus samples with code and no such finding.
    public var flagged: TokenStats
    public var clean: TokenStats
    public var examples: [Example]

    static let sources = ["oracle", "secure_pattern", "vulnerable_pattern", "judge"]

    // MARK: - Collect

    /// Samples `rollouts` responses (the recipe's samples per prompt, from prompts in a seeded shuffle of
    /// `items`) from `policy` and rewards them, in batches of the rollout batch size.
    public static func collect(policy: LlamaModel, sampler: RolloutSampler, items: [(record: PromptRecord, prompt: String)],
                               rollouts: Int, config: RolloutConfig, seed: UInt64,
                               progress: ((Int) -> Void)? = nil) async throws -> [ScoredSample] {
        guard !items.isEmpty, rollouts > 0 else { return [] }
        let per = max(config.samplesPerPrompt, 1)
        var rng = SeededRNG(seed: seed)
        var order: [Int] = []
        var out: [ScoredSample] = []
        let promptsPerBatch = max(config.batchSize / per, 1)
        var batch = 0
        while out.count < rollouts {
            if order.isEmpty { order = Array(items.indices).shuffled(using: &rng) }
            let need = (rollouts - out.count + per - 1) / per
            let take = Array(order.prefix(min(need, promptsPerBatch)))
            order.removeFirst(take.count)
            out += try await sampler.sample(policy: policy, items: take.map { items[$0] }, samples: per, config: config,
                                            seed: seed &+ UInt64(batch) &* 65_537, groupOffset: out.count)
            batch += 1
            progress?(min(out.count, rollouts))
        }
        return Array(out.prefix(rollouts))
    }

    // MARK: - Measure

    /// - Parameters:
    ///   - samples: rewarded rollouts.
    ///   - examples: how many worked examples to keep (those with the most rewarded tokens first).
    ///   - tokenText: a token's text, for the annotated examples.
    public init(_ samples: [ScoredSample], examples k: Int, tokenText: (Int32) -> String) {
        rollouts = samples.count
        let n = Double(max(samples.count, 1))
        func dense(_ s: ScoredSample) -> [Float] {
            var d = s.reward.perToken
            if !d.isEmpty { d[d.count - 1] -= s.reward.outcome }
            return d
        }
        var firing: [String: Double] = [:]
        for src in Self.sources { firing[src] = Double(samples.filter { ($0.reward.parts[src] ?? 0) != 0 }.count) / n }
        firing["any_dense"] = Double(samples.filter { dense($0).contains { $0 != 0 } }.count) / n
        self.firing = firing
        let working = { (s: ScoredSample) in s.reward.hasCode && s.reward.compiles != false && s.reward.stub != true && s.reward.testsPass != false }
        outcomes = [
            "clean": Double(samples.filter { working($0) && !$0.reward.vulnerable }.count) / n,
            "vulnerable": Double(samples.filter { working($0) && $0.reward.vulnerable }.count) / n,
            "broken": Double(samples.filter { !working($0) }.count) / n,
            "no_code": Double(samples.filter { !$0.reward.hasCode }.count) / n,
            "stub": Double(samples.filter { $0.reward.stub == true }.count) / n,
            "truncated": Double(samples.filter(\.truncated).count) / n,
        ]
        func stats(_ set: [ScoredSample]) -> TokenStats {
            let values = set.flatMap(dense).map(Double.init)
            var t = TokenStats(samples: set.count, tokens: values.count)
            guard !values.isEmpty else { return t }
            t.mean = values.reduce(0, +) / Double(values.count)
            t.std = (values.reduce(0) { $0 + ($1 - t.mean) * ($1 - t.mean) } / Double(values.count)).squareRoot()
            t.nonzeroShare = Double(values.filter { $0 != 0 }.count) / Double(values.count)
            t.totalMean = set.map { Double($0.reward.total) }.reduce(0, +) / Double(set.count)
            return t
        }
        flagged = stats(samples.filter(\.reward.vulnerable))
        clean = stats(samples.filter { $0.reward.hasCode && !$0.reward.vulnerable })
        // Worked examples: most rewarded tokens first, one per record while records last.
        let ranked = samples.indices.sorted { a, b in
            let ca = dense(samples[a]).filter { $0 != 0 }.count, cb = dense(samples[b]).filter { $0 != 0 }.count
            return ca != cb ? ca > cb : a < b
        }
        var picked: [Int] = [], seen = Set<String>()
        for i in ranked where picked.count < k && !seen.contains(samples[i].recordID) { picked.append(i); seen.insert(samples[i].recordID) }
        for i in ranked where picked.count < k && !picked.contains(i) { picked.append(i) }
        examples = picked.map { i in
            let s = samples[i], d = dense(s)
            var text = ""
            for (t, tok) in s.rollout.responseTokens.enumerated() {
                let piece = tokenText(tok)
                if t < d.count, d[t] != 0 { text += "⟦\(piece)⟧{\(String(format: "%+.3f", d[t]))}" } else { text += piece }
            }
            return Example(record: s.recordID, prompt: s.prompt, total: Double(s.reward.total), outcome: Double(s.reward.outcome),
                           vulnerable: s.reward.vulnerable, compiles: s.reward.compiles, truncated: s.truncated, annotated: text)
        }
    }

    // MARK: - Report

    /// A Markdown report: firing rates, outcome shares, flagged-versus-clean token statistics, examples.
    public func markdown(title: String = "Reward diagnostics") -> String {
        func pct(_ x: Double?) -> String { String(format: "%.1f%%", 100 * (x ?? 0)) }
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        var md = "# \(title)\n\n\(rollouts) rollouts.\n\n## How often each source fires\n\n| source | rollouts |\n|---|---|\n"
        for src in Self.sources + ["any_dense"] { md += "| \(src) | \(pct(firing[src])) |\n" }
        md += "\n## Outcomes\n\n| outcome | rollouts |\n|---|---|\n"
        for o in ["clean", "vulnerable", "broken", "no_code", "stub", "truncated"] { md += "| \(o) | \(pct(outcomes[o])) |\n" }
        md += "\n## Dense per-token reward (everything but the outcome)\n\n"
        md += "| samples | n | tokens | mean | std | non-zero tokens | mean total |\n|---|---|---|---|---|---|---|\n"
        for (name, t) in [("flagged (high/medium finding)", flagged), ("clean (code, no such finding)", clean)] {
            md += "| \(name) | \(t.samples) | \(t.tokens) | \(f(t.mean)) | \(f(t.std)) | \(pct(t.nonzeroShare)) | \(f(t.totalMean)) |\n"
        }
        if (firing["any_dense"] ?? 0) < 0.1 {
            md += "\n**The dense reward fires on under 10% of rollouts: it cannot teach much in a short run.**\n"
        }
        md += "\n## Worked examples\n\nTokens with a dense reward are written `⟦token⟧{reward}`.\n"
        for (i, e) in examples.enumerated() {
            md += "\n### \(i + 1). \(e.record): total \(String(format: "%.3f", e.total)), outcome \(String(format: "%.2f", e.outcome))"
            md += e.vulnerable ? ", flagged" : ""
            md += e.compiles == false ? ", does not compile" : ""
            md += e.truncated ? ", truncated" : ""
            md += "\n\nPrompt: \(e.prompt.prefix(300))\n\n~~~~text\n\(e.annotated)\n~~~~\n"
        }
        return md
    }
}
