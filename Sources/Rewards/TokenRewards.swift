// The composer's output: one reward per response token, the scalar outcome, and their parts.
import SecurityOracle

/// Rewards for one sampled response.
public struct TokenRewards: Codable, Sendable, Equatable {
    /// One value per response token; the outcome is already added at the last token.
    public var perToken: [Float]
    /// The scalar outcome (also included in `perToken.last`).
    public var outcome: Float
    /// Sum of each source over the response, for metrics: `oracle`, `secure_pattern`,
    /// `vulnerable_pattern`, `judge`, `outcome`.
    public var parts: [String: Float]
    /// Oracle findings, with spans in response byte offsets.
    public var findings: [Finding]
    /// `true` when a high- or medium-severity finding remains: the vulnerability-rate metric.
    public var vulnerable: Bool
    /// `nil` when the compile gate did not run.
    public var compiles: Bool?
    public var hasCode: Bool
    /// Functional term (only with `reward.functional`): the code is a stub; `nil` when not checked.
    public var stub: Bool? = nil
    /// The task's tests passed; `nil` when there were none or they did not run.
    public var testsPass: Bool? = nil

    public var total: Float { perToken.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case perToken = "per_token", outcome, parts, findings, vulnerable, compiles
        case hasCode = "has_code", stub, testsPass = "tests_pass"
    }
}

/// Names the vulnerable lines of a response (the optional teacher judge). Implementations cache verdicts.
public protocol VulnerabilityJudge: Sendable {
    /// 1-based line numbers of `code` that the judge considers vulnerable for `cwes`.
    func vulnerableLines(code: String, cwes: [String]) async -> [Int]
}
