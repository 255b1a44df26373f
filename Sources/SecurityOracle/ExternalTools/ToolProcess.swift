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
    /// we are not reading yet. On timeout the process gets SIGTERM, then SIGKILL a second later.
    public static func run(_ executable: String, _ args: [String], in directory: URL,
                           timeout: Double, environment: [String: String]? = nil) async throws -> ToolOutput {
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString.prefix(8))")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString.prefix(8))")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close(); try? errHandle.close()
            try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.currentDirectoryURL = directory
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        if let environment { process.environment = environment }
        let killer = TimeoutFlag()
        let status: Int32 = try await withCheckedThrowingContinuation { cont in
            process.terminationHandler = { p in cont.resume(returning: p.terminationStatus) }
            do { try process.run() } catch { process.terminationHandler = nil; cont.resume(throwing: error); return }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                guard process.isRunning else { return }
                killer.set()
                kill(pid, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + 1) { if process.isRunning { kill(pid, SIGKILL) } }
            }
        }
        // Lossy decoding: a tool echoing a non-UTF-8 source line must not cost us its whole report.
        let out = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let err = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        return ToolOutput(status: status, stdout: out, stderr: err, timedOut: killer.isSet)
    }
}

/// A flag set from the timeout queue and read after the process ends.
final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
