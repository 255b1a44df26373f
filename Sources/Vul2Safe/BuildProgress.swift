// Live counters of a build, drawn on stderr through the shared ProgressBar.
import Foundation
import SRCodeData

/// Counts records as they are committed; renders `done, accepted, rejected per gate, tokens, ETA`.
public actor BuildProgress {
    public private(set) var total = 0
    public private(set) var resumed = 0
    public private(set) var done = 0
    public private(set) var accepted = 0
    public private(set) var failed = 0
    public private(set) var rejectedByGate: [String: Int] = [:]
    public private(set) var tokens = 0
    private let start = ContinuousClock.now
    private let draw: Bool
    private var bar: ProgressBar?

    public init(draw: Bool) { self.draw = draw }

    public func begin(total: Int, resumed: Int) {
        self.total = total
        self.resumed = resumed
        bar = ProgressBar(total: total, done: resumed, unit: "records", enabled: draw)
    }

    public func add(_ r: PrimeVulPlusRecord, fresh: Bool) {
        done += 1
        if r.status == "accepted" { accepted += 1 }
        if r.status == "failed" { failed += 1 }
        for g in r.gates?.failedGates ?? [] where r.status != "accepted" { rejectedByGate[g, default: 0] += 1 }
        if fresh { tokens += r.teacherTokens }
        let gates = GateReport.names.compactMap { g in rejectedByGate[g].map { "\(Self.short[g] ?? g) \($0)" } }.joined(separator: " ")
        bar?.update(done, "accepted \(accepted) rejected[\(gates.isEmpty ? "-" : gates)] failed \(failed) tok \(Self.kilo(tokens))")
        if done == total { bar?.finish() }
    }

    /// Seconds since the build started.
    public func elapsed() -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static let short = ["compiles": "cc", "cwe_findings_removed": "cwe", "no_new_high_severity": "high",
                        "overlaps_official_patch": "overlap", "verdict_stable": "stable"]

    static func kilo(_ n: Int) -> String { n >= 1000 ? String(format: "%.1fk", Double(n) / 1000) : "\(n)" }
}
