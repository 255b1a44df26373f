// The contract every analyzer meets, so the ensemble, Vul2Safe's gates and the reward composer
// can treat the built-in analyzer and external tools alike.

/// A source unit to analyze: a whole file or a dataset snippet without headers.
public struct SourceUnit: Sendable {
    /// A display name (file path or `pair-id:vulnerable`) used in diagnostics and SARIF.
    public var name: String
    public var text: String
    /// `true` for C++ (affects external compilers' flags and the lexer's raw strings).
    public var isCPlusPlus: Bool
    public init(name: String, text: String, isCPlusPlus: Bool = false) {
        self.name = name
        self.text = text
        self.isCPlusPlus = isCPlusPlus
    }
}

/// An analyzer over C/C++ source. Implementations must never crash on any input.
public protocol Analyzer: Sendable {
    /// Short tool name used in `Finding.tool` and `--tools`.
    var name: String { get }
    /// Findings with spans in `unit.text`'s byte offsets.
    func analyze(_ unit: SourceUnit) async throws -> [Finding]
}
