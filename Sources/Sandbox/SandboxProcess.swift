// SandboxProcess: runs one host process (bwrap, prlimit, a compiler) to its end or its wall-clock limit, through ChildProcess.
import Foundation

/// What a finished host process left: raw exit status (exit code, or 128 + signal) and whether our
/// wall-clock timer killed it.
struct ProcessExit: Sendable {
    var status: Int32
    var signal: Int32?
    var wallKilled: Bool
    var seconds: Double
}

enum SandboxProcess {
    /// Runs `argv` (argv[0] an absolute path) with cwd `directory`, stdin from `stdin` (or /dev/null),
    /// stdout/stderr to the given files, and SIGKILLs its process group after `timeout` seconds.
    /// Blocks the calling thread.
    static func runBlocking(_ argv: [String], in directory: String, stdin: String?, stdout: String, stderr: String,
                            environment: [String: String], timeout: Double) throws -> ProcessExit {
        let start = Date()
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(argv, in: directory, stdin: stdin, stdout: stdout, stderr: stderr, environment: environment)
        } catch let e as ChildProcess.SpawnError {
            throw SandboxError.cannotStart(argv.first ?? "", e.reason)
        }
        let exit = ChildProcess.wait(pid, timeout: timeout, killGrace: nil)
        return ProcessExit(status: exit.status, signal: exit.signal, wallKilled: exit.timedOut, seconds: Date().timeIntervalSince(start))
    }

    /// The absolute path of `name` on `PATH`, or `nil`.
    static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
