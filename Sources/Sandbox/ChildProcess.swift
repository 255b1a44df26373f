// ChildProcess: start one program in its own process group (output to files) and wait for it with a timeout.
//
// The one place the project spawns child processes: the oracle's external tools (`ToolProcess`) and the
// sandbox (`SandboxProcess`) both run on it. It lives in Sandbox, the lowest layer that needs it
// (Foundation only), so the oracle depends on it rather than keeping a copy.
import Foundation

public enum ChildProcess {
    /// `posix_spawn` refused to start the program.
    public struct SpawnError: Error, Sendable { public var reason: String }

    /// How a child ended.
    public struct Exit: Sendable {
        /// The raw `waitpid` status, or -1 when it could not be read.
        public var raw: Int32
        /// Whether the timeout signalled the child.
        public var timedOut: Bool
        /// The signal that ended the child, if one did.
        public var signal: Int32? { raw != -1 && (raw & 0x7f) != 0 ? raw & 0x7f : nil }
        /// The exit code, or 128 + the signal that ended the child, or -1.
        public var status: Int32 { raw == -1 ? -1 : signal.map { 128 + $0 } ?? (raw >> 8) & 0xff }
    }

    /// Starts `argv` (argv[0] an absolute path) with cwd `directory`, stdin from `stdin` (or /dev/null),
    /// stdout/stderr to the given files, default signal handling and its own process group (so a kill
    /// reaches its children).
    ///
    /// Why posix_spawn and our own `waitpid`, not Foundation's `Process`: with many children started
    /// concurrently (the ensemble, the test suite), Foundation on Linux sometimes never noticed a
    /// child's exit: the child stayed a zombie and the caller waited forever (seen as a hung test run
    /// after semgrep's rule test). A thread blocked in `waitpid` on the one pid cannot miss it.
    public static func spawn(_ argv: [String], in directory: String, stdin: String? = nil, stdout: String, stderr: String,
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
        // The working directory through the shell (glibc's posix_spawn_file_actions_addchdir_np is not
        // visible to Swift); `exec` keeps the child's pid (and group) the one we wait for.
        let shArgv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
        let env = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStringArray(shArgv) { a in withCStringArray(env) { e in posix_spawn(&pid, "/bin/sh", &actions, &attr, a, e) } }
        guard rc == 0 else { throw SpawnError(reason: String(cString: strerror(rc))) }
        return pid
    }

    /// Blocks until `pid` exits. After `timeout` seconds its process group gets SIGTERM and, `killGrace`
    /// seconds later, SIGKILL; with `killGrace` nil it gets SIGKILL at once.
    ///
    /// The timer is a thread of its own, not a Dispatch pool timer: with every pool thread busy in
    /// other work (a loaded test run), a pool timer fired 40 s late and the timeout was moot.
    public static func wait(_ pid: pid_t, timeout: Double, killGrace: Double?) -> Exit {
        let child = ChildState()
        let timer = Thread {
            guard !child.waitForExit(seconds: timeout) else { return }
            guard let grace = killGrace else { _ = child.signal(SIGKILL, pid: pid); return }
            if child.signal(SIGTERM, pid: pid), !child.waitForExit(seconds: grace) { _ = child.signal(SIGKILL, pid: pid) }
        }
        timer.name = "srcode-timeout-\(pid)"
        timer.start()
        // Wait without reaping first: until the zombie is reaped its pid cannot be reused, so the
        // timer never signals a stranger.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        child.markExited()
        var raw: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &raw, 0) } while r == -1 && errno == EINTR
        return Exit(raw: r == pid ? raw : -1, timedOut: child.timedOut)
    }

    /// Calls `body` with a NULL-terminated C array of `strings`, freed afterwards.
    static func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }
}

/// Whether the child has exited and whether the timer signalled it: the timer signals only while the
/// child is alive or an unreaped zombie.
final class ChildState: @unchecked Sendable {
    private let lock = NSCondition()
    private var exited = false, signalled = false
    /// Sends `sig` to the child's process group unless it has exited; true if sent.
    func signal(_ sig: Int32, pid: pid_t) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !exited else { return false }
        signalled = true
        kill(-pid, sig)
        return true
    }
    func markExited() { lock.lock(); exited = true; lock.broadcast(); lock.unlock() }
    /// Waits up to `seconds` for the child's exit; true when it has exited.
    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        lock.lock(); defer { lock.unlock() }
        while !exited { if !lock.wait(until: deadline) { break } }
        return exited
    }
    var timedOut: Bool { lock.lock(); defer { lock.unlock() }; return signalled }
}
