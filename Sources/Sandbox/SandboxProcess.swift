// Spawns one host process in its own process group, output to files, and waits for it on a dedicated thread.
//
// A copy of the minimal part of SecurityOracle's `ToolProcess` (spawn + wait + timed kill): Sandbox is a
// Foundation-only layer below the oracle's users, and must not pull the oracle in to run a program.
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
    /// Blocks the calling thread: callers in async code use ``run(_:in:stdin:stdout:stderr:environment:timeout:)``.
    ///
    /// Why posix_spawn and our own `waitpid`, not Foundation's `Process`: with many children started
    /// concurrently, Foundation on Linux sometimes never noticed a child's exit and the caller waited
    /// forever (seen in the oracle's test suite). A thread blocked in `waitpid` on the one pid cannot miss it.
    static func runBlocking(_ argv: [String], in directory: String, stdin: String?, stdout: String, stderr: String,
                            environment: [String: String], timeout: Double) throws -> ProcessExit {
        let start = Date()
        let pid = try spawn(argv, in: directory, stdin: stdin, stdout: stdout, stderr: stderr, environment: environment)
        let child = ChildState()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { _ = child.signal(SIGKILL, pid: pid) }
        // Wait without reaping first: until the zombie is reaped its pid cannot be reused,
        // so the timer never signals a stranger.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        child.markExited()
        var raw: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &raw, 0) } while r == -1 && errno == EINTR
        if r != pid { raw = -1 }
        let signalled = raw != -1 && (raw & 0x7f) != 0
        let status: Int32 = raw == -1 ? -1 : signalled ? 128 + (raw & 0x7f) : (raw >> 8) & 0xff
        return ProcessExit(status: status, signal: signalled ? raw & 0x7f : nil, wallKilled: child.timedOut,
                           seconds: Date().timeIntervalSince(start))
    }

    /// Starts `argv` with default signal handling in its own process group (so a kill reaches its children).
    static func spawn(_ argv: [String], in directory: String, stdin: String?, stdout: String, stderr: String,
                      environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        // The working directory through the shell (glibc's addchdir_np is not visible to Swift);
        // `exec` keeps the child's pid (and group) the one we wait for.
        let shArgv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
        let env = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStringArray(shArgv) { a in withCStringArray(env) { e in posix_spawn(&pid, "/bin/sh", &actions, &attr, a, e) } }
        guard rc == 0 else { throw SandboxError.cannotStart(argv.first ?? "", String(cString: strerror(rc))) }
        return pid
    }

    static func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        return body(pointers)
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

/// Whether the child has exited and whether the timer signalled it: the timer signals only while the
/// child is alive or an unreaped zombie.
final class ChildState: @unchecked Sendable {
    private let lock = NSLock()
    private var exited = false, signalled = false
    func signal(_ sig: Int32, pid: pid_t) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !exited else { return false }
        signalled = true
        kill(-pid, sig)
        return true
    }
    func markExited() { lock.lock(); exited = true; lock.unlock() }
    var timedOut: Bool { lock.lock(); defer { lock.unlock() }; return signalled }
}
