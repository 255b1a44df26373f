// The verdict of one sandboxed run: passed, failed, timed out or killed, with a reason a person can read.
import Foundation

/// What happened to one sandboxed command. A scorer counts everything but `.passed` as a failed sample;
/// the distinction is for the per-sample results file and for debugging a benchmark.
public struct SandboxResult: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// Exit status 0.
        case passed
        /// A non-zero exit status (an assertion, an exception, a failed compile).
        case failed
        /// The wall clock or the CPU-time limit ended it.
        case timedOut = "timed out"
        /// A signal ended it: a crash (SIGSEGV, SIGABRT), the file-size limit (SIGXFSZ), or the kernel.
        case killed
    }

    public var outcome: Outcome
    /// Exit code, or 128 + the signal that ended the program (bubblewrap reports a signal death that way).
    public var exitStatus: Int32
    /// One line: `exit status 1`, `wall-clock limit 10 s`, `CPU time limit 5 s (SIGXCPU)`, `signal 11 (SIGSEGV)`.
    public var reason: String
    public var stdout: String
    public var stderr: String
    public var seconds: Double

    public var passed: Bool { outcome == .passed }

    /// Classifies a raw exit status. Statuses above 128 are read as signals: through bubblewrap's pid-1 a
    /// program killed by signal N and one that exits with 128 + N look the same, and no test program
    /// has a reason to exit with such a code.
    static func classify(status: Int32, wallKilled: Bool, limits: SandboxLimits) -> (Outcome, String) {
        if wallKilled { return (.timedOut, "wall-clock limit \(format(limits.wallSeconds)) s") }
        if status == 0 { return (.passed, "passed") }
        if status > 128 && status < 128 + 65 {
            let sig = status - 128
            if sig == SIGXCPU { return (.timedOut, "CPU time limit \(limits.cpuSeconds) s (SIGXCPU)") }
            if sig == SIGXFSZ { return (.killed, "file size limit \(limits.fileSizeBytes) bytes (SIGXFSZ)") }
            return (.killed, "signal \(sig) (\(signalName(sig)))")
        }
        return (.failed, "exit status \(status)")
    }

    static func signalName(_ sig: Int32) -> String {
        switch sig {
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGILL: "SIGILL"
        case SIGTERM: "SIGTERM"
        case SIGXCPU: "SIGXCPU"
        case SIGXFSZ: "SIGXFSZ"
        case SIGPIPE: "SIGPIPE"
        default: "SIG\(sig)"
        }
    }

    static func format(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s) }
}
