// The built-in oracle's rules and C-API facts: Codable schemas for the JSON resources, and their loading.
import Foundation

/// One rule: which generic checker runs, with what parameters, and what a finding says.
public struct OracleRule: Codable, Sendable {
    public var id: String
    /// `CWE-<n>`.
    public var cwe: String
    public var severity: Severity
    public var confidence: Confidence
    public var message: String
    /// The generic checker's name (see ``BuiltinChecker``).
    public var checker: String
    public var params: Params?

    /// Checker parameters; each checker reads only the fields it documents.
    public struct Params: Codable, Sendable {
        /// Exact function names, name prefixes and suffixes (`banned-call`); for `alloc-size-overflow`, the
        /// lower-cased name endings that make an unknown callee an allocator (`_TIFFmalloc`, `heap_alloc`).
        public var functions: [String]?
        public var prefixes: [String]?
        public var suffixes: [String]?
        /// Flag a bare reference (`EVP_md5` passed as a value), not just a call.
        public var references: Bool?
        /// Only flag when a word of the statement or function name is one of these (`weak-random`).
        public var contextWords: [String]?
        /// Only flag when no word of the statement or function name is one of these: the complement of a
        /// `contextWords` rule, so one call gets one severity (`weak-random-general`, low, outside security use).
        public var unlessContextWords: [String]?
        /// Name words that mark key material: a byte-array initializer held by such a name is a compiled-in
        /// key or IV (`hardcoded-secret`).
        public var keyWords: [String]?
        /// Only flag when an argument calls one of these (`srand(time(NULL))`).
        public var argCalls: [String]?
        /// `write` or `read` for the array checkers.
        public var access: String?
        /// The API fact whose argument must be literal (`formatArg`, `commandArg`, `execArgs`).
        public var fact: String?
        /// `use` or `double` for `after-free`.
        public var mode: String?
        /// `size` or `index` for `taint-sink`.
        public var sink: String?
        /// Calls that count as validating a path (`input-path`).
        public var sanitizers: [String]?
        /// Functions a rule leaves to another rule (`unchecked-return` leaves scanf to `unchecked-scanf-return`).
        public var exclude: [String]?
    }
}

/// What the oracle knows about one C library function. Argument indices are 0-based.
public struct APIFact: Codable, Sendable {
    public struct CopyArgs: Codable, Sendable { public var dst: Int; public var src: Int; public var size: Int }
    public struct UnboundedCopy: Codable, Sendable {
        public var dst: Int
        public var src: Int?
        /// For sprintf-like copies: the format argument (`%s` without precision is unbounded).
        public var format: Int?
        public var appends: Bool?
    }
    public struct Buffer: Codable, Sendable { public var buffer: Int; public var size: Int; public var access: String }
    public struct Propagation: Codable, Sendable { public var to: Int; public var from: [Int] }

    /// Arguments the callee dereferences: passing NULL crashes.
    public var nonnull: [Int]?
    /// Returns a resource released by this function (`malloc` → `free`).
    public var alloc: String?
    /// May return NULL on failure.
    public var nullOnFailure: Bool?
    /// Argument released by this call.
    public var dealloc: Int?
    /// The released argument is a handle (a stream, a directory), not a block of memory: `fclose(buf)` on an
    /// array is a type error, not a heap corruption, so invalid-free leaves it alone.
    public var releasesHandle: Bool?
    /// Arguments that give an allocation size.
    public var sizeArgs: [Int]?
    /// The size is not overflow-checked by the callee (unlike calloc/reallocarray).
    public var multiplyUnchecked: Bool?
    public var unboundedCopy: UnboundedCopy?
    public var copy: CopyArgs?
    /// (buffer, size) argument pairs: the size must not exceed the buffer.
    public var buffers: [Buffer]?
    public var formatArg: Int?
    public var scanfFormatArg: Int?
    public var commandArg: Int?
    /// exec-family: the program (argument 0) and a shell's `-c` string must be literal.
    public var execArgs: Bool?
    public var pathArg: Int?
    /// Checks a path's properties (access, stat): a later open of the same path races it.
    public var pathCheck: Int?
    public var sanitizesPath: Bool?
    /// Ignoring the result hides failure (setuid, read, scanf).
    public var checkReturn: Bool?
    /// The return value is untrusted input (getenv).
    public var taintReturn: Bool?
    /// These arguments receive untrusted input (read's buffer).
    public var taintArgs: [Int]?
    /// scanf-like: pointer arguments after this format index receive input.
    public var taintFromFormat: Int?
    /// Copies taint from `from` arguments into `to`.
    public var propagates: Propagation?
    /// The return value carries its arguments' taint (atoi).
    public var propagatesReturn: Bool?
    /// realloc-like: this argument is the old block, lost if the result overwrites it and the call fails.
    public var reallocArg: Int?
    /// strncpy-like: a size equal to the destination leaves it without a terminating NUL.
    public var unterminatedAtSize: Bool?
}

/// The loaded rule and fact tables.
public struct RuleSet: Sendable {
    public var rules: [OracleRule]
    public var facts: [String: APIFact]
    /// Functions that use a pointer without taking ownership (the leak checker does not treat them as escapes).
    public var borrowing: Set<String>

    struct RulesFile: Codable { var rules: [OracleRule] }
    struct FactsFile: Codable { var functions: [String: APIFact]; var borrowing: [String] }

    public init(rules: [OracleRule], facts: [String: APIFact], borrowing: Set<String>) {
        self.rules = rules
        self.facts = facts
        self.borrowing = borrowing
    }

    /// Decodes the two JSON documents; errors name the document and the failing key path.
    public init(rulesJSON: Data, factsJSON: Data) throws {
        let dec = JSONDecoder()
        do {
            rules = try dec.decode(RulesFile.self, from: rulesJSON).rules
        } catch { throw RuleSetError.malformed(file: "rules.json", reason: "\(error)") }
        do {
            let f = try dec.decode(FactsFile.self, from: factsJSON)
            facts = f.functions
            borrowing = Set(f.borrowing)
        } catch { throw RuleSetError.malformed(file: "api-facts.json", reason: "\(error)") }
        let known = Set(BuiltinChecker.allCases.map(\.rawValue))
        for r in rules where !known.contains(r.checker) {
            throw RuleSetError.malformed(file: "rules.json", reason: "rule \(r.id): unknown checker \(r.checker)")
        }
    }

    /// The rules and facts shipped in this module's resources.
    ///
    /// Looked up without SwiftPM's `Bundle.module`, which traps when the bundle is missing (a copied binary):
    /// `$SRCODE_ORACLE_RESOURCES`, the resource bundle next to the main executable or the running binary, then the
    /// source tree this file was built from. A missing table is an error, never a crash.
    public static func bundled() throws -> RuleSet {
        let fm = FileManager.default
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["SRCODE_ORACLE_RESOURCES"] { dirs.append(env) }
        let bundleName = "SRCode_SecurityOracle.resources"
        dirs.append(Bundle.main.bundleURL.appendingPathComponent(bundleName).path)
        if let exe = CommandLine.arguments.first {
            dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(bundleName).path)
        }
        dirs.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources").path)
        for d in dirs {
            let r = d + "/rules.json", f = d + "/api-facts.json"
            if fm.fileExists(atPath: r), fm.fileExists(atPath: f) {
                return try RuleSet(rulesJSON: Data(contentsOf: URL(fileURLWithPath: r)),
                                   factsJSON: Data(contentsOf: URL(fileURLWithPath: f)))
            }
        }
        throw RuleSetError.missingResource("rules.json / api-facts.json not found in: \(dirs.joined(separator: ", "))"
            + " (set SRCODE_ORACLE_RESOURCES to the folder holding them)")
    }

    /// Loaded once per process; the analyzer is called millions of times.
    public static let shared: Result<RuleSet, Error> = Result { try RuleSet.bundled() }
}

public enum RuleSetError: Error, CustomStringConvertible {
    case malformed(file: String, reason: String)
    case missingResource(String)
    public var description: String {
        switch self {
        case .malformed(let f, let r): "\(f): \(r)"
        case .missingResource(let m): m
        }
    }
}
