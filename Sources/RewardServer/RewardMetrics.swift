// Request counters, a latency histogram and items/s of the reward server, in the Prometheus text format.
import Foundation

/// What `GET /metrics` reports. Thread-safe; every handler records into one instance.
///
/// - `srcode_reward_requests_total{endpoint, status}`: requests answered, by HTTP status.
/// - `srcode_reward_items_total{result="ok|error"}`: items scored or rejected.
/// - `srcode_reward_request_seconds`: histogram of request latency (body read to answer built).
/// - `srcode_reward_items_per_second`: items over the last 60 s (or since start, if shorter).
public final class RewardMetrics: @unchecked Sendable {
    /// Upper bounds (seconds) of the latency buckets: a batch of 64 takes tens of milliseconds
    /// without the compile gate and seconds with it.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    private let lock = NSLock()
    private var requests: [String: Int] = [:]  // "endpoint\u{0}status"
    private var itemsOK = 0, itemsError = 0
    private var bucketCounts = [Int](repeating: 0, count: buckets.count)
    private var latencyCount = 0
    private var latencySum = 0.0
    /// Items finished per second of the last minute: (epoch second, count).
    private var recent: [(Int, Int)] = []
    private let started = Date()

    public init() {}

    public func record(endpoint: String, status: Int, seconds: Double, ok: Int = 0, errors: Int = 0) {
        lock.lock()
        defer { lock.unlock() }
        requests["\(endpoint)\u{0}\(status)", default: 0] += 1
        itemsOK += ok
        itemsError += errors
        if let b = Self.buckets.firstIndex(where: { seconds <= $0 }) { bucketCounts[b] += 1 }
        latencyCount += 1
        latencySum += seconds
        let now = Int(Date().timeIntervalSince1970)
        if let last = recent.last, last.0 == now { recent[recent.count - 1].1 += ok + errors } else { recent.append((now, ok + errors)) }
        recent.removeAll { $0.0 <= now - 60 }
    }

    /// The Prometheus exposition text (version 0.0.4).
    public func render() -> String {
        lock.lock()
        defer { lock.unlock() }
        var s = "# HELP srcode_reward_requests_total Requests answered, by endpoint and HTTP status.\n"
        s += "# TYPE srcode_reward_requests_total counter\n"
        for (k, v) in requests.sorted(by: { $0.key < $1.key }) {
            let p = k.split(separator: "\u{0}", omittingEmptySubsequences: false)
            s += "srcode_reward_requests_total{endpoint=\"\(p[0])\",status=\"\(p[1])\"} \(v)\n"
        }
        s += "# HELP srcode_reward_items_total Items scored (ok) or rejected (error).\n# TYPE srcode_reward_items_total counter\n"
        s += "srcode_reward_items_total{result=\"ok\"} \(itemsOK)\nsrcode_reward_items_total{result=\"error\"} \(itemsError)\n"
        s += "# HELP srcode_reward_request_seconds Request latency.\n# TYPE srcode_reward_request_seconds histogram\n"
        var cum = 0
        for (b, n) in zip(Self.buckets, bucketCounts) {
            cum += n
            s += "srcode_reward_request_seconds_bucket{le=\"\(b)\"} \(cum)\n"
        }
        s += "srcode_reward_request_seconds_bucket{le=\"+Inf\"} \(latencyCount)\n"
        s += "srcode_reward_request_seconds_sum \(latencySum)\nsrcode_reward_request_seconds_count \(latencyCount)\n"
        let now = Date().timeIntervalSince1970
        let window = min(60, max(1e-3, Date().timeIntervalSince(started)))
        let recentItems = recent.filter { Double($0.0) > now - 60 }.reduce(0) { $0 + $1.1 }
        s += "# HELP srcode_reward_items_per_second Items per second over the last minute.\n# TYPE srcode_reward_items_per_second gauge\n"
        s += "srcode_reward_items_per_second \(Double(recentItems) / window)\n"
        return s
    }
}
