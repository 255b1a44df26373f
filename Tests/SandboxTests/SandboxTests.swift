// The sandbox contains what generated code may do: each hostile program is a failed sample, never a crash.
import Foundation
import Testing
@testable import Sandbox

/// The sandbox under test, or nil (with the reason printed) where bubblewrap cannot run here.
/// CI installs bubblewrap (scripts/setup.sh), so there these tests always run.
private func sandbox(_ limits: SandboxLimits = SandboxLimits(wallSeconds: 15, cpuSeconds: 5)) -> Sandbox? {
    do { return try Sandbox(isolation: .bubblewrap, limits: limits) } catch {
        print("skipping sandbox test: \(error)")
        return nil
    }
}

/// The sandbox's Python: the system interpreter under /usr (a venv or pyenv shim outside /usr is invisible inside).
private let python = "/usr/bin/python3"

@Suite("Sandbox") struct SandboxTests {
    @Test func normalProgramPasses() async throws {
        guard let box = sandbox() else { return }
        let r = try await box.run([python, "p.py"], files: [SandboxFile("p.py", "import sys\nprint(sum(range(10)))\n")])
        #expect(r.outcome == .passed, "\(r.reason): \(r.stderr)")
        #expect(r.stdout == "45\n")
    }

    @Test func failingProgramFails() async throws {
        guard let box = sandbox() else { return }
        let r = try await box.run([python, "-c", "assert 1 == 2"])
        #expect(r.outcome == .failed)
        #expect(r.exitStatus == 1)
        #expect(r.stderr.contains("AssertionError"))
    }

    @Test func stdinAndFilesReachTheProgram() async throws {
        guard let box = sandbox() else { return }
        let r = try await box.run(["/bin/sh", "-c", "cat data/in.txt; cat"], files: [SandboxFile("data/in.txt", "file\n")], stdin: "stdin\n")
        #expect(r.passed)
        #expect(r.stdout == "file\nstdin\n")
    }

    @Test func forkBombIsContained() async throws {
        guard let box = sandbox() else { return }
        let bomb = """
        import os, time
        children = 0
        while True:
            try:
                if os.fork() == 0:
                    time.sleep(2); os._exit(0)
                children += 1
            except OSError as e:
                print("fork refused after", children, e.strerror, flush=True)
                raise SystemExit(3)
        """
        let r = try await box.run([python, "bomb.py"], files: [SandboxFile("bomb.py", bomb)])
        #expect(!r.passed)
        // RLIMIT_NPROC (64) stops it; it must never have run into the thousands.
        let refusedAfter = r.stdout.split(separator: " ").dropFirst(3).first.flatMap { Int($0) } ?? -1
        #expect(r.exitStatus == 3 && refusedAfter >= 0 && refusedAfter < 64, "\(r.reason) \(r.stdout) \(r.stderr)")
        // And the classic shell bomb ends as a failed (or timed-out) sample, not a hung harness.
        let sh = try await box.run(["/bin/sh", "-c", "f() { f | f & }; f; sleep 1; exit 1"], limits: SandboxLimits(wallSeconds: 5, cpuSeconds: 2))
        #expect(!sh.passed)
    }

    @Test func endlessLoopTimesOut() async throws {
        guard let box = sandbox() else { return }
        // CPU-bound: RLIMIT_CPU (SIGXCPU) or the wall clock, whichever a loaded machine hits first.
        let spin = try await box.run([python, "-c", "while True: pass"], limits: SandboxLimits(wallSeconds: 6, cpuSeconds: 1))
        #expect(spin.outcome == .timedOut, "\(spin.reason)")
        // Blocking, not burning CPU: only the wall clock can end it.
        let start = Date()
        let sleep = try await box.run(["/bin/sleep", "60"], limits: SandboxLimits(wallSeconds: 1, cpuSeconds: 5))
        #expect(sleep.outcome == .timedOut)
        #expect(sleep.reason.contains("wall-clock"))
        // Well under the sleep's 60 s. Not tighter: with the whole suite in parallel on a loaded 2-core
        // machine, starting the sandbox alone took 12 s once (3.8 s when the suite runs by itself).
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func networkIsUnreachable() async throws {
        guard let box = sandbox() else { return }
        let code = """
        import socket
        s = socket.socket(); s.settimeout(3)
        s.connect(("1.1.1.1", 80))
        print("connected")
        """
        let r = try await box.run([python, "-c", code])
        #expect(!r.passed)
        #expect(!r.stdout.contains("connected"))
        #expect(r.stderr.contains("unreachable") || r.stderr.contains("Errno"), "\(r.stderr)")
    }

    @Test func writesOutsideTheTempRootFail() async throws {
        guard let box = sandbox() else { return }
        let host = FileManager.default.temporaryDirectory.appendingPathComponent("srcode-sandbox-escape-\(UUID().uuidString.prefix(8))").path
        let cwd = FileManager.default.currentDirectoryPath
        for target in ["/usr/escape.txt", "/etc/escape.txt", cwd + "/escape.txt", "/sandbox/escape.txt"] {
            let r = try await box.run([python, "-c", "open(\(pyString(target)), 'w').write('x')"])
            #expect(!r.passed, "wrote \(target)")
        }
        // The host's /tmp is not the sandbox's: the write lands in the private tmpfs and vanishes.
        let tmp = try await box.run([python, "-c", "open(\(pyString(host)), 'w').write('x')"])
        #expect(tmp.passed)
        #expect(!FileManager.default.fileExists(atPath: host))
        #expect(!FileManager.default.fileExists(atPath: cwd + "/escape.txt"))
        // The project and home directories are not even visible.
        let look = try await box.run(["/bin/sh", "-c", "ls \(cwd) || ls /root || ls /home/*"])
        #expect(!look.passed)
        // While the private /tmp is writable, and bounded.
        let ok = try await box.run([python, "-c", "open('/tmp/x','w').write('x'); open('y','w').write('y')"])
        #expect(ok.passed, "\(ok.stderr)")
        let fill = try await box.run(["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9; do head -c 15000000 /dev/zero > f$i || exit 1; done"])
        #expect(!fill.passed)
    }

    @Test func oneGigabyteAllocationFails() async throws {
        guard let box = sandbox() else { return }
        let r = try await box.run([python, "-c", "b = bytearray(1 << 30); print(len(b))"])
        #expect(!r.passed)
        #expect(r.stderr.contains("MemoryError"), "\(r.reason) \(r.stderr)")
    }

    @Test func crashIsReportedAsKilled() async throws {
        guard let box = sandbox() else { return }
        let r = try await box.run([python, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"])
        #expect(r.outcome == .killed)
        #expect(r.reason.contains("SIGSEGV"))
    }

    @Test func unsafeModeIsExplicitAndStillLimited() async throws {
        let box = try Sandbox(isolation: .none, limits: SandboxLimits(wallSeconds: 5, cpuSeconds: 1))
        #expect(box.isolation == .none)
        let r = try await box.run(["/bin/sh", "-c", "cat in.txt"], files: [SandboxFile("in.txt", "hi")])
        #expect(r.passed && r.stdout == "hi")
        let spin = try await box.run(["/bin/sh", "-c", "while :; do :; done"])
        #expect(spin.outcome == .timedOut)
    }

    @Test func missingBubblewrapIsAnErrorNotAFallback() {
        do {
            _ = try Sandbox(isolation: .bubblewrap, limits: SandboxLimits(), bwrapName: "bwrap-not-installed-\(UUID().uuidString)")
            Issue.record("a sandbox without bwrap was created")
        } catch let e as SandboxError {
            #expect("\(e)".contains("bubblewrap"))
            #expect("\(e)".contains("--unsafe-no-sandbox"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func classifiesExitStatuses() {
        let l = SandboxLimits(wallSeconds: 3, cpuSeconds: 2)
        #expect(SandboxResult.classify(status: 0, wallKilled: false, limits: l).0 == .passed)
        #expect(SandboxResult.classify(status: 1, wallKilled: false, limits: l) == (.failed, "exit status 1"))
        #expect(SandboxResult.classify(status: 128 + SIGXCPU, wallKilled: false, limits: l).0 == .timedOut)
        #expect(SandboxResult.classify(status: 137, wallKilled: true, limits: l) == (.timedOut, "wall-clock limit 3 s"))
        #expect(SandboxResult.classify(status: 128 + SIGXFSZ, wallKilled: false, limits: l).0 == .killed)
    }
}

private func pyString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'" }
