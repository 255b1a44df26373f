// The compile gate's checker: `clang -fsyntax-only` over the snippet behind a permissive prelude.
import Foundation
import SecurityOracle
import SRCodeData

/// Syntax-checks C/C++ with clang. The prelude (`Resources/compile-prelude.h`) is prepended; all
/// warnings are off and the C89-era leniencies (implicit declarations, int conversions) are
/// warnings again, because dataset functions call project helpers that no header here declares.
///
/// Replace `prelude` with the security oracle's stub prelude when it lands (same role).
public struct ClangCompileChecker: CompileChecker {
    public let clangPath: String
    public let prelude: String
    public let timeoutSeconds: Double
    /// Substrings of errors caused by missing context (`Resources/compile-context-errors.txt`): ignored.
    public let contextErrors: [String]

    /// `nil` when no clang is on `PATH` (the compile gate is then `skipped`).
    public init?(clang: String? = nil, prelude: String? = nil, timeoutSeconds: Double = 30) {
        guard let path = clang ?? Self.findClang() else { return nil }
        clangPath = path
        self.prelude = prelude ?? PromptLibrary.resourceText("compile-prelude.h") ?? ""
        self.timeoutSeconds = timeoutSeconds
        contextErrors = LeakageFilter.parseVocabulary(PromptLibrary.resourceText("compile-context-errors.txt") ?? "")
    }

    static func findClang() -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["clang-19", "clang"] {
            for d in dirs where FileManager.default.isExecutableFile(atPath: "\(d)/\(name)") { return "\(d)/\(name)" }
        }
        return nil
    }

    public func compiles(code: String, language: Language) async -> CompileVerdict {
        guard language.isCFamily else { return .unavailable("not C/C++") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vul2safe-cc-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(language == .cpp ? "snippet.cpp" : "snippet.c")
        do { try (prelude + "\n#line 1 \"snippet\"\n" + code + "\n").write(to: file, atomically: true, encoding: .utf8) } catch {
            return .unavailable("cannot write temp file: \(error)")
        }
        var args = ["-fsyntax-only", "-fno-color-diagnostics", "-ferror-limit=0", "-w",
                    "-Wno-error=implicit-function-declaration", "-Wno-error=implicit-int",
                    "-Wno-error=int-conversion", "-Wno-error=incompatible-pointer-types",
                    "-Wno-error=return-type"]
        args += language == .cpp ? ["-x", "c++", "-std=gnu++17", "-fpermissive"] : ["-x", "c", "-std=gnu11"]
        args.append(file.path)
        guard let (status, stderr) = await run(args, in: dir) else { return .unavailable("clang did not finish in \(timeoutSeconds)s") }
        if status == 0 { return .compiles }
        let errors = stderr.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: ": error: ") else { return nil }
            return String(line[r.upperBound...])
        }
        if errors.isEmpty { return .unavailable("clang exited \(status) without diagnostics") }
        let own = errors.filter { e in let l = e.lowercased(); return !contextErrors.contains { l.contains($0) } }
        return own.isEmpty ? .compiles : .errors(own)
    }

    /// clang's exit status and stderr, or nil when it did not finish in time (or could not start).
    /// Through the oracle's `ToolProcess` (posix_spawn + waitpid), like every other external tool.
    private func run(_ args: [String], in dir: URL) async -> (Int32, String)? {
        guard let out = try? await ToolProcess.run(clangPath, args, in: dir, timeout: timeoutSeconds), !out.timedOut else { return nil }
        return (out.status, out.stderr)
    }
}
