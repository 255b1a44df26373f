// Runs one external analyzer process with a wall-clock bound, in its own temp dir, never blocking on pipes.
import Foundation
import Sandbox

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
    /// second later. Exit status: the tool's exit code, or 128 + the signal that ended it. Spawning
    /// and waiting are `ChildProcess`'s (posix_spawn and a thread blocked in `waitpid`: see there why).
    public static func run(_ executable: String, _ args: [String], in directory: URL,
                           timeout: Double, environment: [String: String]? = nil) async throws -> ToolOutput {
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString.prefix(8))")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn([executable] + args, in: directory.path, stdout: outURL.path, stderr: errURL.path,
                                         environment: environment ?? ProcessInfo.processInfo.environment)
        } catch let e as ChildProcess.SpawnError {
            throw ExternalToolError(tool: executable, unit: directory.path, reason: "cannot start: \(e.reason)")
        }
        let exit: ChildProcess.Exit = await withCheckedContinuation { cont in
            let waiter = Thread { cont.resume(returning: ChildProcess.wait(pid, timeout: timeout, killGrace: 1)) }
            waiter.name = "srcode-wait-\(pid)"
            waiter.start()
        }
        // Lossy decoding: a tool echoing a non-UTF-8 source line must not cost us its whole report.
        let out = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let err = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        return ToolOutput(status: exit.status, stdout: out, stderr: err, timedOut: exit.timedOut)
    }
}
