// Runs untrusted generated code: bubblewrap namespaces + rlimits + a wall clock, never a silent fallback.
import Foundation

/// Why no sandboxed run could happen at all (as opposed to a program that failed inside it).
public enum SandboxError: Error, CustomStringConvertible, Sendable {
    case unavailable(String)
    case cannotStart(String, String)
    case io(String)
    public var description: String {
        switch self {
        case .unavailable(let why): "no sandbox: \(why)"
        case .cannotStart(let tool, let why): "cannot start \(tool): \(why)"
        case .io(let why): "sandbox: \(why)"
        }
    }
}

/// A file placed in the sandbox before the command runs (path relative to the working directory).
public struct SandboxFile: Sendable, Equatable {
    public var path: String
    public var contents: String
    public var executable: Bool
    public init(_ path: String, _ contents: String, executable: Bool = false) {
        self.path = path; self.contents = contents; self.executable = executable
    }
}

/// Executes commands on generated code, contained.
///
/// With `.bubblewrap` every run gets: new user, pid, network, IPC, UTS and cgroup namespaces (no
/// network: only a down loopback); a root built from scratch with `/usr` and `/etc` read-only (plus the
/// `/bin`, `/lib`… symlinks into `/usr`), fresh `/proc` and `/dev`, and a private size-limited tmpfs
/// `/tmp` as the working directory; nothing of the project, `/home`, `/root` or `/work`; a cleared
/// environment; a new session (no terminal injection); no nested user namespaces; and rlimits via
/// `prlimit` (``SandboxLimits``). Input files are written to a host temp dir, bound read-only at
/// `/sandbox`, and copied into `/tmp` before the command starts, so whatever the program writes stays in
/// the bounded tmpfs and vanishes with the run.
///
/// As root, the kernel never enforces RLIMIT_NPROC for uid 0 — not even for a uid mapped to 0 inside
/// a user namespace (checked on this project's machines: a fork loop ran to 23,000 children under
/// `--nproc=32`). So as root the sandbox first drops to `nobody` (65534) with `setpriv` and lets
/// bubblewrap build an unprivileged user namespace, where the limit holds and counts only that
/// sandbox's processes. As a normal user bubblewrap runs as is; either way unprivileged user namespaces
/// must be enabled (the probe says so when they are not).
///
/// `.none` (`--unsafe-no-sandbox`) runs the command directly in a host temp dir with the same rlimits and
/// wall clock, but with the network, the file system and (as root) unlimited processes: only for code
/// you trust. It is never chosen implicitly: ``init(isolation:limits:)`` throws when bubblewrap is missing.
///
/// ```swift
/// let box = try Sandbox(isolation: .bubblewrap)
/// let r = try await box.run(["python3", "p.py"], files: [SandboxFile("p.py", "print(1)")])
/// print(r.outcome, r.reason)
/// ```
public struct Sandbox: Sendable {
    public enum Isolation: String, Sendable { case bubblewrap, none }

    public let isolation: Isolation
    public let limits: SandboxLimits
    /// The command prefix that enters the sandbox; the command's own argv and rlimits follow it.
    private let prefix: [String]

    /// - Parameters:
    ///   - isolation: `.bubblewrap` (throws ``SandboxError/unavailable(_:)`` if bwrap is missing or cannot
    ///     create its namespaces here) or `.none` (explicitly unsafe).
    ///   - limits: default bounds for ``run(_:files:stdin:limits:)``.
    public init(isolation: Isolation = .bubblewrap, limits: SandboxLimits = SandboxLimits()) throws {
        try self.init(isolation: isolation, limits: limits, bwrapName: "bwrap")
    }

    /// `bwrapName` lets tests stand in a missing bubblewrap.
    init(isolation: Isolation, limits: SandboxLimits, bwrapName: String) throws {
        self.isolation = isolation
        self.limits = limits
        guard let prlimit = SandboxProcess.which("prlimit") else {
            throw SandboxError.unavailable("prlimit (util-linux) not found; it sets the rlimits")
        }
        switch isolation {
        case .none:
            prefix = [prlimit]
        case .bubblewrap:
            guard let bwrap = SandboxProcess.which(bwrapName) else {
                throw SandboxError.unavailable(
                    "bubblewrap (bwrap) is not installed; install the Debian package `bubblewrap` (scripts/setup.sh does), "
                        + "or pass --unsafe-no-sandbox to run generated code unconfined")
            }
            var p: [String] = []
            if geteuid() == 0 {
                guard let setpriv = SandboxProcess.which("setpriv") else {
                    throw SandboxError.unavailable("running as root needs setpriv (util-linux) to drop to nobody before bwrap")
                }
                p = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
            }
            prefix = p + [bwrap] + Sandbox.bwrapArguments(tmpBytes: limits.tmpBytes) + ["--", prlimit.hasPrefix("/usr/") ? prlimit : "/usr/bin/prlimit"]
            try probe()
        }
    }

    /// The fixed bubblewrap arguments (before `--`). `/sandbox` is bound per run.
    static func bwrapArguments(tmpBytes: Int) -> [String] {
        var a = ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
                 "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        // Merged-/usr systems (Debian ≥ 12) have these as links into /usr; older ones have real directories.
        var isDir: ObjCBool = false
        for d in ["bin", "sbin", "lib", "lib64", "lib32"] {
            if isSymlinkIntoUsr("/" + d) { a += ["--symlink", "usr/\(d)", "/\(d)"] }
            else if FileManager.default.fileExists(atPath: "/" + d, isDirectory: &isDir), isDir.boolValue { a += ["--ro-bind", "/" + d, "/" + d] }
        }
        a += ["--proc", "/proc", "--dev", "/dev", "--size", String(tmpBytes), "--tmpfs", "/tmp", "--chdir", "/tmp",
              "--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", "/tmp",
              "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1"]
        return a
    }

    private static func isSymlinkIntoUsr(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path))?.hasPrefix("usr/") ?? false
    }

    /// One trivial run, so a machine without user namespaces fails here with bubblewrap's own words,
    /// not later as every sample "failing".
    private func probe() throws {
        let r = try runBlocking(["/bin/sh", "-c", "exit 0"], files: [], stdin: nil, limits: SandboxLimits(wallSeconds: 20))
        guard r.passed else {
            let said = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SandboxError.unavailable("bubblewrap cannot create its sandbox here (\(r.reason): \(said.isEmpty ? "no message" : said)); "
                + "unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu "
                + "kernel.apparmor_restrict_unprivileged_userns=0)")
        }
    }

    // MARK: - Running

    /// Runs `argv` inside the sandbox with `files` in its working directory.
    ///
    /// Never throws for anything the program does (crash, fork bomb, endless loop, memory, writes):
    /// those come back as a ``SandboxResult``. It throws only when the harness itself cannot work
    /// (no temp dir, cannot spawn).
    /// - Parameters:
    ///   - argv: the command; a bare name is looked up on the sandbox's PATH (`/usr/bin:/bin`).
    ///   - stdin: text fed to standard input (default: empty).
    ///   - limits: overrides the sandbox's default bounds for this run (tmp size stays the sandbox's).
    public func run(_ argv: [String], files: [SandboxFile] = [], stdin: String? = nil,
                    limits: SandboxLimits? = nil) async throws -> SandboxResult {
        // One dedicated thread per run: the wait blocks, and must not starve Swift's cooperative pool.
        try await withCheckedThrowingContinuation { cont in
            let me = self
            let t = Thread { cont.resume(with: Result { try me.runBlocking(argv, files: files, stdin: stdin, limits: limits) }) }
            t.name = "srcode-sandbox-run"
            t.start()
        }
    }

    /// ``run(_:files:stdin:limits:)`` on the calling thread.
    func runBlocking(_ argv: [String], files: [SandboxFile], stdin: String?, limits: SandboxLimits?) throws -> SandboxResult {
        let limits = limits ?? self.limits
        let fm = FileManager.default
        let host = fm.temporaryDirectory.appendingPathComponent("srcode-sandbox-\(UUID().uuidString.prefix(12))").path
        let input = host + "/in", work = host + "/work"
        do {
            try fm.createDirectory(atPath: input, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        } catch { throw SandboxError.io("cannot create \(host): \(error)") }
        defer { try? fm.removeItem(atPath: host) }
        for f in files {
            guard !f.path.hasPrefix("/"), !f.path.split(separator: "/").contains("..") else {
                throw SandboxError.io("file path must be relative and stay inside: \(f.path)")
            }
            let url = URL(fileURLWithPath: input).appendingPathComponent(f.path)
            try? fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard fm.createFile(atPath: url.path, contents: Data(f.contents.utf8),
                                attributes: [.posixPermissions: f.executable ? 0o755 : 0o644]) else {
                throw SandboxError.io("cannot write \(url.path)")
            }
        }
        let stdinPath = host + "/stdin", outPath = host + "/stdout", errPath = host + "/stderr"
        _ = fm.createFile(atPath: stdinPath, contents: Data((stdin ?? "").utf8), attributes: [.posixPermissions: 0o644])
        // The sandbox user must read the inputs (the host dir is ours, mode 0700 by default).
        try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: host)
        try setReadable(input)

        let full: [String]
        let copyIn = ["/bin/sh", "-c", "cp -R /sandbox/. /tmp/ && exec \"$@\"", "sh"]
        switch isolation {
        case .bubblewrap:
            // prefix ends with bwrap's `--` and /usr/bin/prlimit; the bind of this run's inputs goes before `--`.
            let dash = prefix.lastIndex(of: "--")!
            full = Array(prefix[..<dash]) + ["--ro-bind", input, "/sandbox", "--"] + Array(prefix[dash...].dropFirst())
                + limits.prlimitArguments + ["--"] + copyIn + argv
        case .none:
            let unsafeCopy = ["/bin/sh", "-c", "cp -R \"$0\"/. . && exec \"$@\"", input]
            full = prefix + limits.prlimitArguments + ["--"] + unsafeCopy + argv
        }
        let env = isolation == .none
            ? ProcessInfo.processInfo.environment.merging(["HOME": work, "PYTHONDONTWRITEBYTECODE": "1"]) { $1 }
            : ["PATH": "/usr/bin:/bin"]
        // A little grace over the limit: bwrap's own set-up takes a few tens of milliseconds.
        let exit = try SandboxProcess.runBlocking(full, in: isolation == .none ? work : host, stdin: stdinPath,
                                                stdout: outPath, stderr: errPath, environment: env,
                                                timeout: limits.wallSeconds + 0.5)
        let (outcome, reason) = SandboxResult.classify(status: exit.status, wallKilled: exit.wallKilled, limits: limits)
        return SandboxResult(outcome: outcome, exitStatus: exit.status, reason: reason,
                             stdout: Sandbox.readCapped(outPath), stderr: Sandbox.readCapped(errPath), seconds: exit.seconds)
    }

    private func setReadable(_ dir: String) throws {
        let fm = FileManager.default
        try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
        guard let e = fm.enumerator(atPath: dir) else { return }
        for case let rel as String in e {
            let p = dir + "/" + rel
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: p)
            }
        }
    }

    /// Captured output, lossily decoded and capped: a test log never needs more than its head.
    static func readCapped(_ path: String, max: Int = 1 << 20) -> String {
        guard let h = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? h.close() }
        let data = (try? h.read(upToCount: max)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
