// Composes token-level security rewards for a response: oracle spans, repair patterns, judge, outcome.
import SecurityOracle

/// Turns a sampled response into one reward per token plus a scalar outcome.
///
/// Each source adds a fixed *total* to the tokens it concerns, spread evenly over them, so that
/// a long span is not punished more than a short one and so that the instance-level ablation
/// (everything on the last token) sees exactly the same sum. See docs/SRCODE.md for the reasoning.
///
/// ```swift
/// let composer = RewardComposer(config: RewardConfig())
/// let r = await composer.compose(tokenBytes: ids.map { tokenizer.decodeBytes([$0]) }, reference: ref)
/// // r.perToken.count == ids.count
/// ```
public struct RewardComposer: Sendable {
    public var config: RewardConfig
    public var analyzer: BuiltinAnalyzer
    public var judge: (any VulnerabilityJudge)?
    /// Compile gate; defaults to the oracle's clang check. Tests inject a fake.
    public var compile: @Sendable (String) async -> Bool?
    /// Runs the task's tests on the code (`code`, `tests`); `nil` result: could not run. Tests inject a fake.
    public var runTests: @Sendable (String, String) async -> Bool?

    public init(config: RewardConfig, analyzer: BuiltinAnalyzer = BuiltinAnalyzer(), judge: (any VulnerabilityJudge)? = nil,
                compile: (@Sendable (String) async -> Bool?)? = nil, runTests: (@Sendable (String, String) async -> Bool?)? = nil) {
        self.config = config
        self.analyzer = analyzer
        self.judge = judge
        let timeout = config.functional?.testTimeout ?? 10
        self.runTests = runTests ?? { code, tests in
            await FunctionalTerm.runTests(code: code, tests: tests, cplusplus: code.contains("::"), timeout: timeout)
        }
        self.compile = compile ?? { code in
            let r = await compileCheck(code, cplusplus: code.contains("::") || code.contains("std::"))
            return r.checked ? r.compiles : nil
        }
    }

    /// - Parameters:
    ///   - tokenBytes: each response token's bytes, in order (their concatenation is the response).
    ///   - reference: the PrimeVul+ record's fragments; `nil` for prompts without one.
    public func compose(tokenBytes: [[UInt8]], reference: RewardReference?) async -> TokenRewards {
        await compose(response: tokenBytes.flatMap { $0 }, spans: TokenSpans(tokenByteCounts: tokenBytes.map(\.count)), reference: reference)
    }

    /// The same rewards for a response whose token ranges come from elsewhere (a remote caller's
    /// tokenizer, through the reward server): one reward per span, in span order.
    /// - Parameters:
    ///   - response: the response's UTF-8 bytes.
    ///   - spans: each token's byte range in `response`.
    ///   - reference: the PrimeVul+ record's fragments; `nil` for prompts without one.
    public func compose(response: [UInt8], spans: TokenSpans, reference: RewardReference?) async -> TokenRewards {
        var rewards = [Float](repeating: 0, count: spans.count)
        var parts: [String: Float] = ["oracle": 0, "secure_idiom": 0, "secure_pattern": 0, "vulnerable_pattern": 0, "judge": 0, "outcome": 0]

        /// Adds `total` spread evenly over the (non-empty) tokens covering the byte ranges, and to `parts[part]`
        /// unless `part` is nil; false when no token covers them.
        @discardableResult
        func spread(_ total: Float, over ranges: [Range<Int>], part: String?) -> Bool {
            var toks = Set<Int>()
            for r in ranges { for t in spans.indices(overlapping: r.lowerBound, r.upperBound) where spans.ends[t] > spans.starts[t] { toks.insert(t) } }
            guard !toks.isEmpty else { return false }
            let each = total / Float(toks.count)
            for t in toks { rewards[t] += each }
            if let part { parts[part, default: 0] += total }
            return true
        }

        // MARK: Oracle spans
        let code = ResponseCode.extract(from: response)
        var findings: [Finding] = []
        if code.found {
            let verdict: (findings: [Finding], idioms: [SecureIdiom])
            if config.oracle == .ensemble {
                let v = await RewardOracle(mode: .ensemble, timeout: config.oracleTimeout, builtin: analyzer).judge(code.code)
                verdict = (v.findings, v.idioms)
            } else {
                let r = analyzer.run(code.code)
                verdict = (r.findings, r.idioms)
            }
            findings = verdict.findings.map { f in
                var g = f
                g.span.start.offset += code.offset
                g.span.end.offset += code.offset
                return g
            }
            for f in findings {
                spread(-config.oracleWeight * config.severityFactor(f.severity), over: [f.span.start.offset..<f.span.end.offset], part: "oracle")
            }
            // Secure idioms: credited once per kind, so repeating a check earns nothing more.
            if config.secureIdiomWeight != 0 {
                var credited = Set<SecureIdiom.Kind>()
                for i in verdict.idioms where credited.insert(i.kind).inserted {
                    spread(config.secureIdiomWeight, over: [(i.span.start.offset + code.offset)..<(i.span.end.offset + code.offset)], part: "secure_idiom")
                }
            }
        }

        // MARK: Repair patterns
        if code.found, let ref = reference {
            let matcher = FragmentMatcher(code: Array(code.code.utf8))
            for frag in ref.secureFragments {
                // The first occurrence only: repeating a check is not more secure.
                if let occ = matcher.occurrences(of: frag).first {
                    spread(config.securePatternWeight, over: occ.map { ($0.lowerBound + code.offset)..<($0.upperBound + code.offset) }, part: "secure_pattern")
                }
            }
            for frag in ref.vulnerableFragments {
                for occ in matcher.occurrences(of: frag) {
                    spread(-config.vulnerablePatternWeight, over: occ.map { ($0.lowerBound + code.offset)..<($0.upperBound + code.offset) }, part: "vulnerable_pattern")
                }
            }
        }

        // MARK: Teacher judge
        if code.found, let judge {
            let lines = await judge.vulnerableLines(code: code.code, cwes: reference?.cwes ?? [])
            let bytes = Array(code.code.utf8)
            var starts = [0]
            for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
            for l in Set(lines) where l >= 1 && l <= starts.count {
                let lo = starts[l - 1], hi = l < starts.count ? starts[l] : bytes.count
                spread(-config.judgeWeight, over: [(lo + code.offset)..<(hi + code.offset)], part: "judge")
            }
        }

        // MARK: Outcome
        let vulnerable = findings.contains { $0.severity >= .medium }
        var compiles: Bool? = nil
        if code.found && config.checkCompile { compiles = await compile(code.code) }
        var working = code.found && compiles != false
        var stub: Bool? = nil, testsPass: Bool? = nil
        if let f = config.functional {
            // Functional term: a stub or code failing the task's tests is not working code.
            if code.found { stub = FunctionalTerm.isStub(code.code, minBodyTokens: f.minBodyTokens) }
            if working, stub == false, f.runTests, let tests = reference?.tests { testsPass = await runTests(code.code, tests) }
            working = working && stub == false && testsPass != false
            // Bound each sign of the dense terms, so every tier stays a band `outcome ± dense_cap`.
            let (sp, sn) = FunctionalTerm.boundScales(rewards, cap: f.denseCap)
            rewards = rewards.map { $0 > 0 ? $0 * sp : $0 * sn }
            for (k, v) in parts { parts[k] = v > 0 ? v * sp : v * sn }
        }
        let outcome: Float
        if !working { outcome = config.outcomeBroken } else if vulnerable { outcome = config.outcomeVulnerable } else { outcome = config.outcomeClean }
        parts["outcome"] = outcome
        if !rewards.isEmpty {
            // `findings` placement: the flagged-code difference goes on the spans that caused it (same total).
            if config.outcomePlacement == .findings, working, vulnerable,
               spread(config.outcomeVulnerable - config.outcomeClean,
                      over: findings.filter { $0.severity >= .medium }.map { $0.span.start.offset..<$0.span.end.offset }, part: nil) {
                rewards[rewards.count - 1] += config.outcomeClean
            } else {
                rewards[rewards.count - 1] += outcome
            }
        }

        if config.level == .instance, !rewards.isEmpty {
            let total = rewards.reduce(0, +)
            rewards = [Float](repeating: 0, count: rewards.count)
            rewards[rewards.count - 1] = total
        }
        return TokenRewards(perToken: rewards, outcome: outcome, parts: parts, findings: findings,
                            vulnerable: vulnerable, compiles: compiles, hasCode: code.found, stub: stub, testsPass: testsPass)
    }
}
