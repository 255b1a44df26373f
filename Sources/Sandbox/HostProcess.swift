// Runs a trusted host tool (not generated code) with a timeout: e.g. `gzip -dc` for a benchmark file.
import Foundation

/// A trusted helper command on the host, outside any sandbox, with the same spawn-and-wait as the sandbox.
public enum HostProcess {
    /// Runs `argv` (argv[0] a name on PATH or a path) with stdout to `stdoutPath`, for at most `timeout` s.
    /// - Returns: the exit status (128 + signal for a signal) and stderr.
    public static func run(_ argv: [String], stdoutPath: String, timeout: Double = 120) throws -> (status: Int32, stderr: String) {
        guard let exe = argv.first.flatMap(SandboxProcess.which) else {
            throw SandboxError.cannotStart(argv.first ?? "", "not found on PATH")
        }
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("srcode-host-\(UUID().uuidString.prefix(8)).err").path
        defer { try? FileManager.default.removeItem(atPath: err) }
        let exit = try SandboxProcess.runBlocking([exe] + argv.dropFirst(), in: FileManager.default.currentDirectoryPath, stdin: nil,
                                                  stdout: stdoutPath, stderr: err,
                                                  environment: ProcessInfo.processInfo.environment, timeout: timeout)
        return (exit.status, Sandbox.readCapped(err, max: 4096))
    }
}
