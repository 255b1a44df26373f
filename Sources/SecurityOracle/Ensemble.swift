// Runs several analyzers over many units in parallel, then merges their findings into one CWE-normalized list.
import Foundation

/// One merged finding: the representative ``Finding`` and every tool that reported it.
public struct EnsembleFinding: Codable, Sendable, Hashable {
    public var finding: Finding
    /// Tools that agreed on this finding (same CWE family, overlapping span or same line), sorted.
    public var tools: [String]
    /// The CWE family (`buffer`, `lifetime`, …) used for de-duplication.
    public var family: String
}

/// The outcome for one unit.
public struct UnitReport: Sendable {
    public var unit: String
    /// Raw findings per tool (before de-duplication), for per-tool metrics.
    public var perTool: [String: [Finding]]
    /// De-duplicated findings across tools, in source order.
    public var merged: [EnsembleFinding]
    /// Tool failures and timeouts: reported, never fatal.
    public var diagnostics: [String]
    /// Wall seconds each tool spent on this unit (batch tools: their batch time split evenly).
    public var seconds: [String: Double]
}

/// Runs analyzers over units with bounded concurrency and merges their findings.
///
/// ```swift
/// let ensemble = Ensemble(analyzers: [CppcheckAnalyzer(), ClangAnalyzer()], concurrency: 2)
/// for r in await ensemble.run(units) { print(r.unit, r.merged.count) }
/// ```
public struct Ensemble: Sendable {
    public var analyzers: [any Analyzer]
    /// Units analyzed at the same time (each runs its tools one after another).
    public var concurrency: Int
    /// Seconds one analyzer may spend on one unit (in-process analyzers included) before it is abandoned.
    public var perUnitTimeout: Double

    public init(analyzers: [any Analyzer], concurrency: Int = 2, perUnitTimeout: Double = 120) {
        self.analyzers = analyzers
        self.concurrency = max(1, concurrency)
        self.perUnitTimeout = perUnitTimeout
    }

    // MARK: - Running

    /// Reports for `units`, in the same order.
    public func run(_ units: [SourceUnit]) async -> [UnitReport] {
        var reports = units.map { UnitReport(unit: $0.name, perTool: [:], merged: [], diagnostics: [], seconds: [:]) }
        // Batch tools (semgrep) first: one process for all units instead of one per unit.
        for a in analyzers {
            guard let batch = a as? any BatchAnalyzer else { continue }
            for start in stride(from: 0, to: units.count, by: 500) {
                let chunk = Array(units[start..<min(start + 500, units.count)])
                let t0 = Date()
                do {
                    let found = try await batch.analyzeBatch(chunk)
                    let each = Date().timeIntervalSince(t0) / Double(chunk.count)
                    for (i, f) in found.enumerated() {
                        reports[start + i].perTool[a.name] = f
                        reports[start + i].seconds[a.name] = each
                    }
                } catch {
                    for i in start..<start + chunk.count { reports[i].diagnostics.append("\(error)") }
                }
            }
        }
        let single = analyzers.filter { !($0 is any BatchAnalyzer) }
        await withTaskGroup(of: (Int, [String: [Finding]], [String], [String: Double]).self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                group.addTask { await analyzeOne(units[i], with: single, index: i) }
            }
            for _ in 0..<min(concurrency, units.count) { launch() }
            while let (i, found, diags, secs) = await group.next() {
                reports[i].perTool.merge(found) { $1 }
                reports[i].diagnostics += diags
                reports[i].seconds.merge(secs) { $1 }
                if next < units.count { launch() }
            }
        }
        for i in reports.indices {
            reports[i].merged = Self.merge(reports[i].perTool.values.flatMap { $0 })
        }
        return reports
    }

    private func analyzeOne(_ unit: SourceUnit, with tools: [any Analyzer], index: Int)
        async -> (Int, [String: [Finding]], [String], [String: Double]) {
        var found: [String: [Finding]] = [:]
        var diags: [String] = []
        var secs: [String: Double] = [:]
        for a in tools {
            let t0 = Date()
            do {
                found[a.name] = try await withTimeout(perUnitTimeout) { try await a.analyze(unit) }
            } catch is TimeoutError {
                diags.append("\(a.name): \(unit.name): abandoned after \(Int(perUnitTimeout)) s")
            } catch {
                diags.append("\(error)")
            }
            secs[a.name] = Date().timeIntervalSince(t0)
        }
        return (index, found, diags, secs)
    }
}
