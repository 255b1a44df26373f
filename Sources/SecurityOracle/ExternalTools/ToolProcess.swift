// Runs one external analyzer process with a wall-clock bound, in its own temp dir, never blocking on pipes.
import Foundation

/// What an external tool left behind: exit status, captured output, and whether the bound killed it.
public struct ToolOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
}

/// An external tool's failure, surfaced as a diagnostic by the ensemble (never a crash).
public struct ExternalToolError: Error, CustomStringConvertible, Sendable {
    public var tool: String
    public var unit: String
    public var reason: String
    public init(tool: String, unit: String, reason: String) { self.tool = tool; self.unit = unit; self.reason = reason }
    public var description: String { "\(tool): \(unit): \(reason)" }
}

public enum ToolProcess {
    // MARK: - Detection

    /// The absolute path of `name` on `PATH`, or `nil`. Tools are optional: callers skip when absent.
    public static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The first of `names` found on `PATH` (e.g. `clang-19`, then `clang`).
    public static func firstAvailable(_ names: [String]) -> String? {
        for n in names { if let p = which(n) { return p } }
        return nil
    }

    // MARK: - Temp dirs

    /// A fresh private directory; the caller removes it with ``removeTempDir(_:)``.
    public static func makeTempDir(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("srcode-\(prefix)-\(UUID().uuidString.prefix(12))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public static func removeTempDir(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    // MARK: - Running

    /// Runs `executable args` in `directory` for at most `timeout` seconds.
    ///
    /// Output goes to files, not pipes: a chatty tool can then never deadlock us by filling a pipe
    /// we are not reading yet. On timeout the tool's process group gets SIGTERM, then SIGKILL a
    /// second later. Exit status: the tool's exit code, or 128 + the signal that ended it.
    ///
    /// Why posix_spawn and our own `waitpid`, not Foundation's `Process`: with many tools started
    /// concurrently (the ensemble, the test suite), Foundation on Linux sometimes never noticed a
    /// child's exit — the child stayed a zombie and the caller waited forever (seen as a hung test
    /// run after semgrep's rule test). A thread blocked in `waitpid` on the one pid cannot miss it.
    public static func run(_ executable: String, _ args: [String], in directory: URL,
                           timeout: Double, environment: [String: String]? = nil) async throws -> ToolOutput {
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString.prefix(8))")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let pid = try spawn(executable, args, in: directory, stdout: outURL.path, stderr: errURL.path, environment: environment)
        let child = ChildState()
        // The timeout runs on a thread of its own, not on Dispatch's global pool: with every pool thread
        // busy in other work (a loaded test run), a pool timer fired 40 s late and the timeout was moot.
        let timer = Thread {
            guard !child.waitForExit(seconds: timeout), child.signal(SIGTERM, pid: pid) else { return }
            if !child.waitForExit(seconds: 1) { _ = child.signal(SIGKILL, pid: pid) }
        }
        timer.name = "srcode-timeout-\(pid)"
        timer.start()
        let raw: Int32 = await withCheckedContinuation { cont in
            let waiter = Thread {
                // Wait without reaping first: until the zombie is reaped its pid cannot be reused,
                // so the timeout timer never signals a stranger.
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
                child.markExited()
                var st: Int32 = 0
                var r: pid_t
                repeat { r = waitpid(pid, &st, 0) } while r == -1 && errno == EINTR
                cont.resume(returning: r == pid ? st : -1)
            }
            waiter.name = "srcode-wait-\(pid)"
            waiter.start()
        }
        // Lossy decoding: a tool echoing a non-UTF-8 source line must not cost us its whole report.
        let out = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let err = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        let status: Int32 = raw == -1 ? -1 : (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return ToolOutput(status: status, stdout: out, stderr: err, timedOut: child.timedOut)
    }

    /// Starts `executable args` with cwd `directory`, stdin from /dev/null, stdout/stderr to the given
    /// files, default signal handling and its own process group (so a timeout reaches its children).
    static func spawn(_ executable: String, _ args: [String], in directory: URL, stdout: String, stderr: String,
                      environment: [String: String]?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
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
        // The working directory through the shell: glibc's posix_spawn_file_actions_addchdir_np is
        // not visible to Swift. `exec` keeps the tool's pid (and group) the one we wait for.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path, executable] + args
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStringArray(argv) { a in withCStringArray(env) { e in posix_spawn(&pid, "/bin/sh", &actions, &attr, a, e) } }
        guard rc == 0 else { throw ExternalToolError(tool: executable, unit: directory.path, reason: "cannot start: \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Calls `body` with a NULL-terminated C array of `strings`, freed afterwards.
    static func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }
}

/// Whether the child has exited and whether the timeout signalled it: the timer signals only
/// while the child is known to be alive or an unreaped zombie.
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
