// Scores a batch of items with the composer, in parallel, under a deadline; the JSON shape of each answer.
import Foundation
import Rewards
import SecurityOracle

/// One item's answer in `POST /v1/rewards`.
///
/// `token_rewards` has one value per caller token and already holds the outcome at the last token,
/// exactly as `train ppo` feeds the advantage estimator; `outcome` repeats it for callers that want
/// the scalar alone. `parts` sums each source over the response.
public struct ItemResult: Codable, Sendable, Equatable {
    public struct FindingOut: Codable, Sendable, Equatable {
        public var ruleID: String
        public var cwe: String
        public var severity: String
        public var confidence: String
        public var message: String
        public var tool: String
        public var line: Int
        /// `[start, end)` in the request's offset unit (characters by default) of the response.
        public var start: Int
        public var end: Int
        public var byteStart: Int
        public var byteEnd: Int
        /// The caller's tokens that received this finding's penalty.
        public var tokens: [Int]
        enum CodingKeys: String, CodingKey {
            case ruleID = "rule_id", cwe, severity, confidence, message, tool, line, start, end
            case byteStart = "byte_start", byteEnd = "byte_end", tokens
        }
    }
    public struct ItemError: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public var index: Int
    public var id: String?
    public var tokenRewards: [Float]?
    public var outcome: Float?
    public var total: Float?
    public var parts: [String: Float]?
    public var findings: [FindingOut]?
    public var vulnerable: Bool?
    public var compiles: Bool?
    public var hasCode: Bool?
    public var error: ItemError?

    enum CodingKeys: String, CodingKey {
        case index, id, outcome, total, parts, findings, vulnerable, compiles, error
        case tokenRewards = "token_rewards", hasCode = "has_code"
    }

    static func failure(_ index: Int, _ id: String?, _ e: RewardAPIError) -> ItemResult {
        ItemResult(index: index, id: id, error: ItemError(code: e.code, message: e.message))
    }
}

/// Runs the composer over items: every item is its own task (the cooperative pool keeps one per
/// core), and the compile gate's clang processes are capped at the core count.
public struct RewardScorer: Sendable {
    public let composer: RewardComposer

    /// - Parameter composer: build it exactly as `train ppo` does (`RewardComposer(config: recipe.reward)`)
    ///   so the two produce identical rewards; the compile gate is wrapped to bound its processes.
    public init(composer: RewardComposer, compileSlots: Int = ProcessInfo.processInfo.activeProcessorCount) {
        var c = composer
        let gate = composer.compile, slots = AsyncSlots(max(1, compileSlots))
        c.compile = { code in await slots.run { await gate(code) } }
        self.composer = c
    }

    /// Scores one aligned item.
    func score(_ item: RewardItem, index: Int) async -> ItemResult {
        let align = TokenAlignment(response: item.response)
        let spans: TokenSpans
        switch align.spans(item.offsets, unit: item.unit) {
        case .success(let s): spans = s
        case .failure(let e): return .failure(index, item.id, RewardAPIError(400, "invalid_offsets", "items[\(index)].\(e.reason)"))
        }
        let r = await composer.compose(response: align.bytes, spans: spans, reference: item.reference)
        let findings = r.findings.map { f -> ItemResult.FindingOut in
            let (lo, hi) = (f.span.start.offset, f.span.end.offset)
            let (s, e) = item.unit == .char ? align.charRange(bytes: lo, hi) : (lo, hi)
            let toks = spans.indices(overlapping: lo, hi).filter { spans.ends[$0] > spans.starts[$0] }
            return .init(ruleID: f.ruleID, cwe: f.cwe, severity: f.severity.rawValue, confidence: f.confidence.rawValue,
                         message: f.message, tool: f.tool, line: f.span.start.line, start: s, end: e,
                         byteStart: lo, byteEnd: hi, tokens: toks)
        }
        return ItemResult(index: index, id: item.id, tokenRewards: r.perToken, outcome: r.outcome, total: r.total, parts: r.parts,
                          findings: findings, vulnerable: r.vulnerable, compiles: r.compiles, hasCode: r.hasCode)
    }

    /// Scores all items; those unfinished after `deadline` seconds answer `deadline_exceeded`
    /// (their work finishes in the background and is dropped).
    func scoreAll(_ items: [Result<RewardItem, RewardAPIError>], deadline: Double) async -> [ItemResult] {
        var out = [ItemResult?](repeating: nil, count: items.count)
        let (stream, cont) = AsyncStream<(Int, ItemResult)>.makeStream()
        var pending = 0
        for (i, it) in items.enumerated() {
            switch it {
            case .failure(let e): out[i] = .failure(i, nil, e)
            case .success(let item):
                pending += 1
                Task { cont.yield((i, await score(item, index: i))) }
            }
        }
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0, deadline) * 1e9))
            cont.finish()
        }
        if pending > 0 {
            for await (i, r) in stream {
                out[i] = r
                pending -= 1
                if pending == 0 { break }
            }
        }
        timer.cancel()
        cont.finish()
        return out.enumerated().map { i, r in
            r ?? .failure(i, nil, RewardAPIError(504, "deadline_exceeded", "items[\(i)]: not scored within the \(deadline) s deadline"))
        }
    }
}

/// A counting semaphore for async work.
final class AsyncSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ n: Int) { free = n }

    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        defer { release() }
        return await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if free > 0 { free -= 1; lock.unlock(); c.resume() } else { waiters.append(c); lock.unlock() }
        }
    }

    private func release() {
        lock.lock()
        if waiters.isEmpty { free += 1; lock.unlock() } else { let c = waiters.removeFirst(); lock.unlock(); c.resume() }
    }
}
