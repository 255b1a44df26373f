// Weights of the reward sources, loadable from a recipe's `reward:` section (YAML/JSON, snake_case).
import SecurityOracle

/// How the composer weighs each source. Every field has a default, so a recipe names only what it changes.
public struct RewardConfig: Codable, Sendable, Equatable {
    /// `token`: each source lands on the tokens it concerns (SRCode). `instance`: the same total lands
    /// on the last token (the scalar-reward ablation arm) — identical information, different credit.
    public enum Level: String, Codable, Sendable { case token, instance }

    /// Where, at token level, the outcome's security part lands: `last` puts the whole outcome on the last token;
    /// `findings` puts `outcome_clean` there and the flagged-code difference (`outcome_vulnerable −
    /// outcome_clean`) on the tokens of the high/medium findings that caused it. The totals are the same, so
    /// the instance level (everything summed on the last token) cannot tell the two apart.
    public enum OutcomePlacement: String, Codable, Sendable { case last, findings }

    public var level: Level = .token
    /// See ``OutcomePlacement``. `last` by default (the seed-1 proof run's reward).
    public var outcomePlacement: OutcomePlacement = .last
    /// Total penalty of one oracle finding, before its severity factor, spread over its span's tokens.
    public var oracleWeight: Float = 1.0
    public var severityHigh: Float = 1.0
    public var severityMedium: Float = 0.6
    public var severityLow: Float = 0.2
    /// Reward of one matched secure fragment of the record (e.g. the added bounds check).
    public var securePatternWeight: Float = 0.5
    /// Penalty of one matched vulnerable fragment of the record (e.g. the removed unbounded copy).
    public var vulnerablePatternWeight: Float = 0.5
    /// Penalty per line the teacher judge names (only when a judge is configured).
    public var judgeWeight: Float = 0.5
    /// Outcome at the last token: code with no high/medium finding that compiles.
    public var outcomeClean: Float = 1.0
    /// Outcome when the code has high or medium findings (their spans are penalized too).
    public var outcomeVulnerable: Float = -0.5
    /// Outcome when there is no code, or it does not compile.
    public var outcomeBroken: Float = -1.0
    /// Run the compile gate (clang -fsyntax-only with the oracle's prelude).
    public var checkCompile = true
    /// Which oracle judges a rollout: `builtin` (in-process, < 1 ms) or `ensemble` (builtin ∪ clang --analyze ∪
    /// gcc -fanalyzer, in parallel, each bounded by `oracleTimeout`; cost in docs/BENCHMARKS.md).
    public var oracle: RewardOracle.Mode = .builtin
    /// Seconds each external tool of the ensemble may spend on one sample.
    public var oracleTimeout: Double = 10
    /// Reward of one secure idiom the oracle recognizes (a bounded copy, a null or bounds check, …), spread over
    /// its span. 0 (off) by default: the experiment turns it on.
    public var secureIdiomWeight: Float = 0
    /// The functional term (stubs, the task's tests) and the bound that orders the outcome tiers.
    /// `nil` (a config without the section) keeps the original reward, tiers unordered.
    public var functional: FunctionalConfig?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case level
        case outcomePlacement = "outcome_placement"
        case oracleWeight = "oracle_weight"
        case severityHigh = "severity_high"
        case severityMedium = "severity_medium"
        case severityLow = "severity_low"
        case securePatternWeight = "secure_pattern_weight"
        case vulnerablePatternWeight = "vulnerable_pattern_weight"
        case judgeWeight = "judge_weight"
        case outcomeClean = "outcome_clean"
        case outcomeVulnerable = "outcome_vulnerable"
        case outcomeBroken = "outcome_broken"
        case checkCompile = "check_compile"
        case oracle
        case oracleTimeout = "oracle_timeout"
        case secureIdiomWeight = "secure_idiom_weight"
        case functional
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RewardConfig()
        level = try c.decodeIfPresent(Level.self, forKey: .level) ?? d.level
        outcomePlacement = try c.decodeIfPresent(OutcomePlacement.self, forKey: .outcomePlacement) ?? d.outcomePlacement
        oracleWeight = try c.decodeIfPresent(Float.self, forKey: .oracleWeight) ?? d.oracleWeight
        severityHigh = try c.decodeIfPresent(Float.self, forKey: .severityHigh) ?? d.severityHigh
        severityMedium = try c.decodeIfPresent(Float.self, forKey: .severityMedium) ?? d.severityMedium
        severityLow = try c.decodeIfPresent(Float.self, forKey: .severityLow) ?? d.severityLow
        securePatternWeight = try c.decodeIfPresent(Float.self, forKey: .securePatternWeight) ?? d.securePatternWeight
        vulnerablePatternWeight = try c.decodeIfPresent(Float.self, forKey: .vulnerablePatternWeight) ?? d.vulnerablePatternWeight
        judgeWeight = try c.decodeIfPresent(Float.self, forKey: .judgeWeight) ?? d.judgeWeight
        outcomeClean = try c.decodeIfPresent(Float.self, forKey: .outcomeClean) ?? d.outcomeClean
        outcomeVulnerable = try c.decodeIfPresent(Float.self, forKey: .outcomeVulnerable) ?? d.outcomeVulnerable
        outcomeBroken = try c.decodeIfPresent(Float.self, forKey: .outcomeBroken) ?? d.outcomeBroken
        checkCompile = try c.decodeIfPresent(Bool.self, forKey: .checkCompile) ?? d.checkCompile
        oracle = try c.decodeIfPresent(RewardOracle.Mode.self, forKey: .oracle) ?? d.oracle
        oracleTimeout = try c.decodeIfPresent(Double.self, forKey: .oracleTimeout) ?? d.oracleTimeout
        secureIdiomWeight = try c.decodeIfPresent(Float.self, forKey: .secureIdiomWeight) ?? d.secureIdiomWeight
        functional = try c.decodeIfPresent(FunctionalConfig.self, forKey: .functional)
    }

    /// Why the totals of working secure code, working flawed code and broken code can overlap under
    /// this config, or `nil` when every total of a tier lies strictly above every total of the next.
    /// With ``functional`` each tier is the band `outcome ± dense_cap` (``FunctionalConfig``).
    public func orderingProblem() -> String? {
        guard let f = functional else {
            return "no `functional:` section: without the bound on the dense terms, no code (\(outcomeBroken)) can beat "
                + "compiling code with findings, and a compiling stub earns the maximum; add `functional: {}` and an "
                + "outcome_broken below outcome_vulnerable − 2·dense_cap"
        }
        let c = f.denseCap
        guard c >= 0 else { return "functional.dense_cap must be ≥ 0 (got \(c))" }
        if !(outcomeClean - c > outcomeVulnerable + c) {
            return "outcome_clean − dense_cap (\(outcomeClean - c)) must exceed outcome_vulnerable + dense_cap (\(outcomeVulnerable + c))"
        }
        if !(outcomeVulnerable - c > outcomeBroken + c) {
            return "outcome_vulnerable − dense_cap (\(outcomeVulnerable - c)) must exceed outcome_broken + dense_cap (\(outcomeBroken + c))"
        }
        return nil
    }

    public func severityFactor(_ s: Severity) -> Float {
        switch s { case .high: severityHigh; case .medium: severityMedium; case .low: severityLow }
    }
}
