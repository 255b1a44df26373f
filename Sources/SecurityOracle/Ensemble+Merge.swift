// Cross-tool de-duplication and the ensemble's flag policy.

extension Ensemble {
    // MARK: - De-duplication

    /// Merges findings that name the same flaw: same CWE family and overlapping spans (or, since tools
    /// disagree on columns, the same start line). The representative is the most severe, then most
    /// confident, then narrowest finding; its tool list is every tool in the cluster.
    public static func merge(_ findings: [Finding]) -> [EnsembleFinding] {
        let map = ToolCWEMap.shared
        let sorted = findings.sorted {
            ($0.span.start.offset, $0.span.end.offset, $0.tool, $0.ruleID) < ($1.span.start.offset, $1.span.end.offset, $1.tool, $1.ruleID)
        }
        var clusters: [EnsembleFinding] = []
        for f in sorted {
            let family = map.family(of: f.cwe) ?? f.cwe
            if let i = clusters.firstIndex(where: { c in
                c.family == family && (c.finding.span.overlaps(f.span) || c.finding.span.start.line == f.span.start.line)
            }) {
                if !clusters[i].tools.contains(f.tool) { clusters[i].tools.append(f.tool); clusters[i].tools.sort() }
                if rank(f) > rank(clusters[i].finding) { clusters[i].finding = f }
            } else {
                clusters.append(EnsembleFinding(finding: f, tools: [f.tool], family: family))
            }
        }
        return clusters.sorted { ($0.finding.span.start.offset, $0.finding.cwe) < ($1.finding.span.start.offset, $1.finding.cwe) }
    }

    static func rank(_ f: Finding) -> (Int, Int, Int) {
        (f.severity.rank, f.confidence.rank, -(f.span.end.offset - f.span.start.offset))
    }

    // MARK: - Flag policy

    /// Whether a merged finding counts as a flag of its unit.
    ///
    /// Lexical and style-grade hits fire on vulnerable and fixed code alike; in a union they only add
    /// noise. So, fixed a priori from what each tool *is* (not fitted to any data set): a finding counts
    /// when it is at least medium severity with at least medium confidence (path-sensitive or
    /// value-flow evidence), or when two or more tools agree on it.
    public static func counts(_ f: EnsembleFinding) -> Bool {
        if f.tools.count >= 2 { return true }
        return f.finding.severity >= .medium && f.finding.confidence >= .medium
    }
}

// MARK: - Timeouts

struct TimeoutError: Error {}

/// Runs `operation` but returns (throwing ``TimeoutError``) after `seconds` even if it has not finished.
///
/// A task group would wait for a stuck child; here the operation runs in an unstructured task that is
/// cancelled and abandoned, so one pathological input can never hang the whole scan.
func withTimeout<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, Error>) in
        once.set(cont)
        let work = Task {
            do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
        }
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            if Task.isCancelled { return }
            work.cancel()
            once.resume(.failure(TimeoutError()))
        }
        Task { _ = await work.result; timer.cancel() }
    }
}

import Foundation

/// Resumes a continuation exactly once, whichever of the racers gets there first.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Error>?
    func set(_ c: CheckedContinuation<T, Error>) { lock.lock(); continuation = c; lock.unlock() }
    func resume(_ r: Result<T, Error>) {
        lock.lock()
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume(with: r)
    }
}
