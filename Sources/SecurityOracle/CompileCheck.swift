// The "does this repair still compile?" gate: clang -fsyntax-only over the snippet in its stub prelude.
import Foundation

/// The outcome of ``compileCheck(_:cplusplus:timeout:)``.
public struct CompileResult: Sendable, Equatable {
    /// `true` when the wrapped snippet parses and type-checks with no error.
    public var compiles: Bool
    /// `line:column: message` of each remaining error, lines counted in the snippet (`prelude:` otherwise).
    public var errors: [String]
    /// `false` when no clang was found: callers must not read `compiles == false` as a broken repair.
    public var checked: Bool
}

/// Checks that a header-less C/C++ function compiles, after the same stub inference the analyzers use.
///
/// Unknown external names are stubbed (the snippet lacks its headers, not its correctness), so the gate
/// catches what a repair can break: syntax, undeclared locals, type errors between known types.
///
/// ```swift
/// let r = await compileCheck("int f(char *s) { return strlen(s); }", cplusplus: false)
/// if r.checked && !r.compiles { print(r.errors) }
/// ```
/// - Parameters:
///   - code: the function (or file) text.
///   - cplusplus: compile as C++17 instead of GNU C11.
///   - timeout: seconds per compiler run.
public func compileCheck(_ code: String, cplusplus: Bool, timeout: Double = 20) async -> CompileResult {
    guard ToolProcess.firstAvailable(["clang-19", "clang"]) != nil else {
        return CompileResult(compiles: false, errors: ["clang not found on PATH"], checked: false)
    }
    let wrapped = await StubPrelude(timeout: timeout).wrap(SourceUnit(name: "snippet", text: code, isCPlusPlus: cplusplus))
    return CompileResult(compiles: wrapped.remainingErrors.isEmpty, errors: wrapped.remainingErrors, checked: true)
}
