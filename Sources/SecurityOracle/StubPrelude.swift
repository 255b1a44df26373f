// Makes header-less dataset functions compile: a prelude of common headers plus stub declarations
// inferred from the compiler's own errors, with a map from wrapped lines back to the snippet.
import Foundation

/// A snippet wrapped in its prelude, ready for clang/gcc. Line `n` of the snippet is line
/// `n + preludeLineCount` of ``text``; the prelude's bytes come first, so offsets shift by ``preludeByteCount``.
public struct WrappedUnit: Sendable {
    public var text: String
    public var preludeLineCount: Int
    public var preludeByteCount: Int
    /// Errors that remain after stub inference (empty when the wrapped unit parses).
    public var remainingErrors: [String]

    /// The snippet line of a wrapped line, or `nil` when it lies in the prelude.
    public func snippetLine(_ wrappedLine: Int) -> Int? {
        let l = wrappedLine - preludeLineCount
        return l >= 1 ? l : nil
    }
}

/// Infers stub declarations for a snippet's unknown names.
///
/// Dataset functions come without their headers, so a compiler stops at the first unknown type and
/// clang's and gcc's analyzers then see nothing. Guessing every declaration up front is hopeless; the
/// compiler already tells us what it misses. So we iterate a few rounds of `clang -fsyntax-only`
/// and answer each error kind with the most permissive stub:
/// - `unknown type name 'T'` → `typedef struct __srcode_any T;`, or an empty macro when `T` stands
///   before another type (`MagickExport Image *f(…)`, `EXPORT int f(…)`): an annotation macro.
/// - `incomplete definition of type 'struct S'` → `struct S` with every member name the snippet uses.
/// - `use of undeclared identifier 'X'` → an `enum` constant for MACRO_CASE names (usable as array
///   sizes), a pointer when used with `->`/`[`, a variadic template function in C++ when called, else `long`.
/// Member types follow use: `a->f->g` needs `f` to be a pointer; otherwise `long`, which converts to
/// anything once `-Wno-int-conversion` is on. What still fails is reported, not hidden.
public struct StubPrelude: Sendable {
    public var rounds: Int
    public var timeout: Double

    public init(rounds: Int = 4, timeout: Double = 20) { self.rounds = rounds; self.timeout = timeout }

    /// Flags that turn C's legacy leniencies (implicit declarations, int/pointer mixing) into warnings, then silence warnings.
    public static func lenientFlags(cplusplus: Bool) -> [String] {
        var f = ["-w", "-ferror-limit=0", "-fno-color-diagnostics"]
        if cplusplus {
            f += ["-x", "c++", "-std=gnu++17", "-fpermissive"]
        } else {
            f += ["-x", "c", "-std=gnu11", "-Wno-error=int-conversion", "-Wno-error=implicit-function-declaration",
                  "-Wno-error=implicit-int", "-Wno-error=incompatible-pointer-types", "-Wno-error=return-type",
                  "-Wno-error=incompatible-function-pointer-types"]
        }
        return f
    }

    /// Wraps `unit.text`; without clang the headers alone are used (gcc then may still parse it).
    /// Results are memoized per text, so clang's and gcc's adapters pay for inference once.
    public func wrap(_ unit: SourceUnit) async -> WrappedUnit {
        let key = "\(unit.isCPlusPlus ? "c++" : "c")\u{0}\(unit.text)"
        if let hit = PreludeCache.shared.get(key) { return hit }
        let w = await infer(unit)
        PreludeCache.shared.put(key, w)
        return w
    }

    func infer(_ unit: SourceUnit) async -> WrappedUnit {
        let headers = Self.headers(cplusplus: unit.isCPlusPlus)
        var stubs = Stubs(snippet: unit.text, cplusplus: unit.isCPlusPlus)
        var wrapped = compose(headers: headers, stubs: stubs, snippet: unit.text)
        guard let clang = ToolProcess.firstAvailable(["clang-19", "clang"]),
              let dir = try? ToolProcess.makeTempDir(prefix: "prelude") else { return wrapped }
        defer { ToolProcess.removeTempDir(dir) }
        let file = dir.appendingPathComponent(unit.isCPlusPlus ? "unit.cc" : "unit.c")
        for round in 0...rounds {
            guard (try? wrapped.text.write(to: file, atomically: false, encoding: .utf8)) != nil,
                  let out = try? await ToolProcess.run(clang, Self.lenientFlags(cplusplus: unit.isCPlusPlus)
                      + ["-fsyntax-only", file.lastPathComponent], in: dir, timeout: timeout) else { break }
            let errors = Self.errors(in: out.stderr)
            wrapped.remainingErrors = errors.map { e in
                let line = wrapped.snippetLine(e.line).map(String.init) ?? "prelude"
                return "\(line):\(e.column): \(e.message)"
            }
            if errors.isEmpty || out.timedOut || round == rounds { break }
            let located = errors.map { (line: wrapped.snippetLine($0.line), column: $0.column, message: $0.message) }
            if !stubs.learn(from: located) { break }
            wrapped = compose(headers: headers, stubs: stubs, snippet: unit.text)
        }
        return wrapped
    }

    // MARK: - Composition

    func compose(headers: String, stubs: Stubs, snippet: String) -> WrappedUnit {
        let prelude = headers + stubs.render() + "\n"
        let lines = prelude.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        return WrappedUnit(text: prelude + snippet + "\n", preludeLineCount: lines,
                           preludeByteCount: prelude.utf8.count, remainingErrors: [])
    }

    static func headers(cplusplus: Bool) -> String {
        let name = cplusplus ? "prelude-cpp.h" : "prelude-c.h"
        if let dir = externalResourceDirectory,
           let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) {
            return text.hasSuffix("\n") ? text : text + "\n"
        }
        return "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
    }

    // MARK: - Diagnostics

    struct CompilerError { var line: Int; var column: Int; var message: String }

    /// `file:line:col: error: message` lines of clang's or gcc's stderr.
    static func errors(in stderr: String) -> [CompilerError] {
        var out: [CompilerError] = []
        for line in stderr.split(separator: "\n") {
            guard let r = line.range(of: ": error: ") else { continue }
            let head = line[..<r.lowerBound].split(separator: ":")
            guard head.count >= 3, let l = Int(head[head.count - 2]), let c = Int(head[head.count - 1]) else { continue }
            out.append(CompilerError(line: l, column: c, message: String(line[r.upperBound...])))
        }
        return out
    }
}

/// A small bounded memo of wrapped units (cleared when full: simple and enough for per-unit reuse).
final class PreludeCache: @unchecked Sendable {
    static let shared = PreludeCache()
    private let lock = NSLock()
    private var entries: [String: WrappedUnit] = [:]
    func get(_ k: String) -> WrappedUnit? { lock.lock(); defer { lock.unlock() }; return entries[k] }
    func put(_ k: String, _ v: WrappedUnit) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= 256 { entries.removeAll() }
        entries[k] = v
    }
}
