// The `reward.functional` section: what counts as working code, and the bound that keeps the outcome tiers ordered.

/// Settings of the functional term (``FunctionalTerm``). Present in a recipe, it makes the reward
/// order the outcomes as working secure code > working flawed code > broken, stubbed or missing code,
/// for every response, whatever its dense terms.
///
/// Why a bound on the dense terms: without it the ordering depends on how many findings a response
/// has. With the old outcomes, no code at all (−1) beat compiling code with one medium finding
/// (−0.5 − 0.6 = −1.1), so the cheapest way up was to stop writing code; and a compiling stub
/// (`int f(char *s) { return 0; }`) earned the maximum. With the dense sum (oracle spans, repair
/// patterns, judge) scaled into ±`dense_cap`, each tier is a band `outcome ± dense_cap`, and
/// ``RewardConfig/orderingProblem()`` checks that the bands do not overlap. Scaling (not clipping
/// tokens) keeps *where* the dense reward lands, which is what the token-level arm is about.
///
/// ```yaml
/// reward:
///   outcome_broken: -2.0
///   functional: {dense_cap: 0.5, min_body_tokens: 8}
/// ```
public struct FunctionalConfig: Codable, Sendable, Equatable {
    /// Bound on the absolute sum of the positive dense rewards, and separately of the negative ones.
    public var denseCap: Float = 0.5
    /// A function body with fewer significant C tokens than this (`{ return 0; }` has 3) is a stub.
    public var minBodyTokens = 8
    /// Run the task's own tests (``RewardReference/tests``) when a caller provides them.
    public var runTests = true
    /// Seconds for compiling and for running the tests, each.
    public var testTimeout: Double = 10

    public init() {}

    enum CodingKeys: String, CodingKey {
        case denseCap = "dense_cap", minBodyTokens = "min_body_tokens", runTests = "run_tests", testTimeout = "test_timeout"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = FunctionalConfig()
        denseCap = try c.decodeIfPresent(Float.self, forKey: .denseCap) ?? d.denseCap
        minBodyTokens = try c.decodeIfPresent(Int.self, forKey: .minBodyTokens) ?? d.minBodyTokens
        runTests = try c.decodeIfPresent(Bool.self, forKey: .runTests) ?? d.runTests
        testTimeout = try c.decodeIfPresent(Double.self, forKey: .testTimeout) ?? d.testTimeout
    }
}
