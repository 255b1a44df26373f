// Is the response working code? Stub detection on the oracle's C structure, and the task's tests when a caller has them.
import Foundation
import SecurityOracle

/// The functional half of the outcome: a response is *working* when its code compiles, is not a stub,
/// and passes the task's tests if the caller provides some. Only working code reaches the top tiers
/// (see ``FunctionalConfig`` for why the tiers must be ordered).
public enum FunctionalTerm {
    /// Comment phrases that mark a placeholder body (`// TODO: implement`, `/* your code here */`).
    static let placeholders = ["todo", "your code here", "implement this", "not implemented", "fixme"]

    /// `true` when no function of `code` has a real body: every body is shorter than `minBodyTokens`
    /// significant tokens, or is a placeholder (a placeholder comment and under twice that many tokens).
    /// Code with no function at all (a statement snippet) is judged by its whole length.
    public static func isStub(_ code: String, minBodyTokens: Int) -> Bool {
        let src = CSource(bytes: Array(code.utf8))
        let lowered = code.lowercased()
        let hasPlaceholder = placeholders.contains { lowered.contains($0) }
        for fn in src.functions {
            // `<top-level>` spans every token (bodyOpen −1); a real function's braces are excluded.
            let n = fn.bodyClose - fn.bodyOpen - 1
            if n >= minBodyTokens && !(hasPlaceholder && n < 2 * minBodyTokens) { return false }
        }
        return true
    }

    /// Compiles `code` followed by the caller's `tests` (C with a `main` that returns non-zero on a
    /// failure) and runs the program. `nil` when no C compiler is installed, so a missing tool is never
    /// read as failing code. A test that does not build or times out counts as failed.
    public static func runTests(code: String, tests: String, cplusplus: Bool, timeout: Double) async -> Bool? {
        let compilers = cplusplus ? ["clang++-19", "clang++", "g++"] : ["clang-19", "clang", "gcc", "cc"]
        guard let cc = ToolProcess.firstAvailable(compilers) else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("srcode-tests-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let source = dir.appendingPathComponent(cplusplus ? "task.cpp" : "task.c")
            let prelude = cplusplus ? "" : "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
            try (prelude + code + "\n\n" + tests + "\n").write(to: source, atomically: true, encoding: .utf8)
            let build = try await ToolProcess.run(cc, ["-w", "-O0", source.lastPathComponent, "-o", "task"], in: dir, timeout: timeout)
            guard build.status == 0, !build.timedOut else { return false }
            let run = try await ToolProcess.run(dir.appendingPathComponent("task").path, [], in: dir, timeout: timeout)
            return run.status == 0 && !run.timedOut
        } catch {
            return false
        }
    }

    /// Factors that scale the positive and the negative per-token rewards so that each sign's sum
    /// stays within `cap` (1 when it already does). Tokens keep their share of their sign's total.
    public static func boundScales(_ rewards: [Float], cap: Float) -> (positive: Float, negative: Float) {
        let pos = rewards.filter { $0 > 0 }.reduce(0, +), neg = -rewards.filter { $0 < 0 }.reduce(0, +)
        return (pos > cap ? cap / pos : 1, neg > cap ? cap / neg : 1)
    }
}
