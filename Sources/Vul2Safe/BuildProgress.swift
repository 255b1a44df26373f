// Live counters of a build and the one-line progress bar drawn on stderr.
import Foundation

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
    private var lastDraw = ContinuousClock.now - .seconds(10)
    private let draw: Bool

    public init(draw: Bool) { self.draw = draw }

    public func begin(total: Int, resumed: Int) {
        self.total = total
        self.resumed = resumed
    }

    public func add(_ r: PrimeVulPlusRecord, fresh: Bool) {
        done += 1
        if r.status == "accepted" { accepted += 1 }
        if r.status == "failed" { failed += 1 }
        for g in r.gates?.failedGates ?? [] where r.status != "accepted" { rejectedByGate[g, default: 0] += 1 }
        if fresh { tokens += r.teacherTokens }
        render(force: done == total)
    }

    /// Seconds since the build started.
    public func elapsed() -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func render(force: Bool) {
        guard draw else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw > .milliseconds(250) else { return }
        lastDraw = now
        let fresh = done - resumed
        let secs = elapsed()
        let eta = fresh > 0 ? Double(total - done) * secs / Double(fresh) : 0
        let width = 24
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let gates = GateReport.names.compactMap { g in rejectedByGate[g].map { "\(Self.short[g] ?? g) \($0)" } }.joined(separator: " ")
        let line = "\r\(bar) \(done)/\(total) accepted \(accepted) rejected[\(gates.isEmpty ? "-" : gates)] failed \(failed) tok \(Self.kilo(tokens)) ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data((line + "\u{1B}[K" + (done == total ? "\n" : "")).utf8))
    }

    static let short = ["compiles": "cc", "cwe_findings_removed": "cwe", "no_new_high_severity": "high",
                        "overlaps_official_patch": "overlap", "verdict_stable": "stable"]

    static func kilo(_ n: Int) -> String { n >= 1000 ? String(format: "%.1fk", Double(n) / 1000) : "\(n)" }
    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : "\(t / 60)m\(String(format: "%02d", t % 60))s"
    }
}
