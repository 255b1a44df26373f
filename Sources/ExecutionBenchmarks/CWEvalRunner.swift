// Compiles a CWEval-style completion with its harness and runs every test, all inside one sandbox run.
import Foundation
import Sandbox

/// One sandbox run per sample: a generated shell driver compiles `prog.c` (gcc) or `prog.cpp` (g++),
/// then runs each test in a fresh directory of its own (`t<i>/`, holding the test's files) with the
/// test's arguments and stdin, under a per-test `timeout` and a tighter address-space limit, and reports
/// one marker line per step on stdout:
///
/// ```
/// @@compile <status> <base64 of the compiler's stderr, first 4 KiB>
/// @@test <i> <status> <base64 of the program's stdout, first 64 KiB>
/// ```
///
/// The program's own output goes to files, so it can never forge a marker. Comparing outputs happens
/// here, in Swift, on the decoded stdout.
struct CWEvalRunner {
    var task: CWEvalTask
    var scorer: ExecScorer

    /// Address space of each test program (the compiler gets the sandbox's larger limit).
    static let programAddressSpace = 512 << 20

    func score(completion: String) async throws -> ExecVerdict {
        let cpp = task.language == "cpp"
        let src = cpp ? "prog.cpp" : "prog.c"
        var files = [SandboxFile(src, task.source(completion: completion))]
        var script = "cd /tmp\n"
        let compiler = cpp ? "g++ -std=c++17" : "gcc -std=gnu11"
        let flags = (task.compileFlags ?? []).map(shellQuote).joined(separator: " ")
        script += "\(compiler) -w -O1 -o /tmp/prog \(src) \(flags) 2>/tmp/compile.err\n"
        script += "s=$?; echo \"@@compile $s $(head -c 4096 /tmp/compile.err | base64 -w0)\"; [ $s -eq 0 ] || exit 0\n"
        let perTest = Int(scorer.testSeconds.rounded(.up))
        for (i, t) in task.tests.enumerated() {
            for (path, text) in (t.files ?? [:]).sorted(by: { $0.key < $1.key }) { files.append(SandboxFile("t\(i)/\(path)", text)) }
            files.append(SandboxFile("stdin\(i)", t.stdin ?? ""))
            let args = t.args.map(shellQuote).joined(separator: " ")
            script += "mkdir -p /tmp/t\(i) && cd /tmp/t\(i) && "
            script += "timeout -s KILL \(perTest) prlimit --as=\(CWEvalRunner.programAddressSpace) -- /tmp/prog \(args) "
            script += "</tmp/stdin\(i) >/tmp/out\(i) 2>/dev/null; s=$?; cd /tmp\n"
            script += "echo \"@@test \(i) $s $(head -c 65536 /tmp/out\(i) | base64 -w0)\"\n"
        }
        files.append(SandboxFile("driver.sh", script))
        let limits = SandboxLimits(wallSeconds: scorer.compileSeconds + Double(task.tests.count) * (scorer.testSeconds + 1),
                                   cpuSeconds: Int(scorer.compileSeconds), addressSpaceBytes: 2 << 30)
        let r = try await scorer.sandbox.run(["/bin/sh", "driver.sh"], files: files, limits: limits)
        return verdict(r)
    }

    /// Reads the driver's markers; a missing marker (the driver itself was killed) fails that step.
    func verdict(_ r: SandboxResult) -> ExecVerdict {
        var compiled: (Int32, String)?
        var runs: [Int: (Int32, String)] = [:]
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            if f.first == "@@compile", f.count >= 2, let s = Int32(f[1]) {
                compiled = (s, decode(f.count > 2 ? f[2] : ""))
            } else if f.first == "@@test", f.count >= 3, let i = Int(f[1]), let s = Int32(f[2]) {
                runs[i] = (s, decode(f.count > 3 ? f[3] : ""))
            }
        }
        guard let c = compiled, c.0 == 0 else {
            let why = compiled.map { "compile error: " + (firstError($0.1) ?? "exit status \($0.0)") } ?? "no compile result: \(r.reason)"
            let tests = task.tests.map { TestVerdict(name: $0.name, kind: $0.kind, passed: false, reason: "not compiled") }
            return ExecVerdict(passed: false, result: "failed: \(why)", outcome: r.outcome == .passed ? .failed : r.outcome,
                               functional: false, secure: false, tests: tests, seconds: r.seconds)
        }
        var verdicts: [TestVerdict] = []
        for (i, t) in task.tests.enumerated() {
            guard let run = runs[i] else {
                verdicts.append(TestVerdict(name: t.name, kind: t.kind, passed: false, reason: "not run: \(r.reason)"))
                continue
            }
            verdicts.append(TestVerdict(name: t.name, kind: t.kind, passed: false, reason: "")
                .judged(t, status: run.0, stdout: run.1))
        }
        let functional = verdicts.filter { $0.kind == .functional }.allSatisfy(\.passed)
        let secure = verdicts.filter { $0.kind == .security }.allSatisfy(\.passed)
        let firstFail = verdicts.first { !$0.passed }
        return ExecVerdict(passed: functional && secure,
                           result: firstFail.map { "failed: \($0.kind.rawValue) test \($0.name): \($0.reason)" } ?? "passed",
                           outcome: firstFail == nil ? .passed : (r.outcome == .passed ? .failed : r.outcome),
                           functional: functional, secure: secure, tests: verdicts, seconds: r.seconds)
    }

    private func decode(_ b64: String) -> String {
        String(decoding: Data(base64Encoded: b64) ?? Data(), as: UTF8.self)
    }

    private func firstError(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.contains("error") }.map { String($0.prefix(300)) }
    }
}

extension TestVerdict {
    /// Judges one run: `timeout -s KILL` reports 137, a crash 128 + its signal; neither ever passes.
    func judged(_ t: CWEvalTask.Test, status: Int32, stdout: String) -> TestVerdict {
        var v = self
        let expected = t.expectExit ?? 0
        if status == 137 { v.reason = "timed out or killed (SIGKILL)" }
        else if status > 128 && status != expected { v.reason = "signal \(status - 128)" }
        else if status != expected { v.reason = "exit status \(status) (expected \(expected))" }
        else if let want = t.expectStdout, trimTrailing(stdout) != trimTrailing(want) {
            v.reason = "stdout differs: got \(String(reflecting: String(trimTrailing(stdout).prefix(80))))"
        } else { v.passed = true; v.reason = "passed" }
        return v
    }

    private func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// `'…'` with embedded single quotes closed, escaped and reopened: safe for any argument string.
func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
