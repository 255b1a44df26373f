// The resource bounds one sandboxed run gets: rlimits enforced by the kernel plus our wall clock.
import Foundation

/// Bounds for one run. The kernel enforces the rlimits (set by `prlimit` inside the sandbox, so the
/// sandbox's own set-up is not charged); the harness enforces the wall clock, which also catches a
/// program that sleeps or blocks instead of burning CPU.
///
/// Defaults suit one HumanEval-sized program: generous against a 2-core machine under load, tight
/// against a runaway. `addressSpaceBytes` is RLIMIT_AS (virtual memory), so a 1 GB allocation fails
/// in the program (`MemoryError`, `malloc` → NULL) instead of pressing on the host.
public struct SandboxLimits: Sendable, Codable, Equatable {
    /// Wall-clock seconds before the whole sandbox is SIGKILLed.
    public var wallSeconds: Double
    /// RLIMIT_CPU per process, seconds (SIGXCPU at the limit, SIGKILL one second later).
    public var cpuSeconds: Int
    /// RLIMIT_AS per process, bytes.
    public var addressSpaceBytes: Int
    /// RLIMIT_NPROC: processes (threads count too) in the sandbox's own user namespace.
    public var processes: Int
    /// RLIMIT_FSIZE: largest file a process may write, bytes (also caps captured stdout/stderr).
    public var fileSizeBytes: Int
    /// Size of the private writable `/tmp` (tmpfs) that is the program's working directory.
    public var tmpBytes: Int

    public init(wallSeconds: Double = 20, cpuSeconds: Int = 10, addressSpaceBytes: Int = 512 << 20,
                processes: Int = 64, fileSizeBytes: Int = 16 << 20, tmpBytes: Int = 64 << 20) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.addressSpaceBytes = addressSpaceBytes
        self.processes = processes
        self.fileSizeBytes = fileSizeBytes
        self.tmpBytes = tmpBytes
    }

    /// The `prlimit` arguments that impose these limits on the command after them.
    /// CPU soft < hard so that hitting it is visible as SIGXCPU, not an anonymous SIGKILL.
    var prlimitArguments: [String] {
        ["--cpu=\(cpuSeconds):\(cpuSeconds + 1)", "--as=\(addressSpaceBytes)", "--nproc=\(processes)",
         "--fsize=\(fileSizeBytes)", "--core=0"]
    }
}
