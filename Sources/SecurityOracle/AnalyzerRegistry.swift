// Maps `--tools` names to analyzer factories: the one place where the set of analyzers is spelled out.

/// Analyzer factories by tool name, in the order `--tools` lists them in help text.
///
/// External tools are always registered (they report absence at run time); the built-in analyzer is
/// in-process and always available.
public enum AnalyzerRegistry {
    public typealias Factory = @Sendable () -> any Analyzer

    public static let factories: [(name: String, make: Factory)] = {
        var f: [(name: String, make: Factory)] = []
        f.append(("builtin", { BuiltinAnalyzer() }))
        f.append(("cppcheck", { CppcheckAnalyzer() }))
        f.append(("flawfinder", { FlawfinderAnalyzer() }))
        f.append(("clang", { ClangAnalyzer() }))
        f.append(("gcc", { GCCAnalyzer() }))
        f.append(("semgrep", { SemgrepAnalyzer() }))
        return f
    }()

    public static var names: [String] { factories.map(\.name) }

    /// A fresh analyzer for `name`, or `nil` for an unknown name.
    public static func make(_ name: String) -> (any Analyzer)? {
        factories.first { $0.name == name }?.make()
    }

    /// `true` when `name`'s tool can run here (an external tool found on PATH, or an in-process analyzer).
    public static func isAvailable(_ name: String) -> Bool {
        guard let a = make(name) else { return false }
        if let e = a as? any ExternalAnalyzer { return e.executable != nil }
        return true
    }

    /// What `srcode scan` runs without `--tools`: the built-in analyzer when this build has it
    /// (fast, span-precise), else every external tool installed here.
    public static var defaultToolNames: [String] {
        if names.contains("builtin") { return ["builtin"] }
        return names.filter(isAvailable)
    }
}
