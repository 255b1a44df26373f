// Light structure over lexed C/C++: matched brackets, blocks, functions, #define constants, fixed-size arrays.

/// A C/C++ text after lexing and a linear structural pass.
///
/// Checkers work on `sig`, the significant tokens (no comments, no preprocessor lines), by index.
/// `match[i]` pairs brackets; `block[i]` is the innermost `{` around token `i` (or -1). Nesting deeper
/// than ``maxDepth`` is not tracked (a diagnostic says so), which keeps brace storms linear.
public struct CSource: Sendable {
    public static let maxDepth = 256

    public let bytes: [UInt8]
    /// Significant tokens and their text (identifiers are short, so these are mostly inline strings).
    public let sig: [CToken]
    public let text: [String]
    /// Index of the matching bracket for `( ) [ ] { }`, -1 when unmatched or not a bracket.
    public let match: [Int32]
    /// Punctuator bytes packed little-endian (`"<="` → 0x3D3C), 0 for other tokens: integer compares in hot loops.
    let pc: [UInt32]
    /// Keyword code per token (``Kw``), 0 for non-keywords.
    let kw: [UInt8]
    /// Innermost enclosing `{` for each token, -1 at file level.
    public let block: [Int32]
    /// Integer `#define`s (`#define N 64`, `#define N (A*2)`), evaluated lazily through ``constant(_:)``.
    public let defineBodies: [String: [String]]
    public let functions: [CFunction]
    /// File-level fixed-size arrays (`static char buf[256];`).
    public let globalArrays: [String: ArrayDecl]
    public var diagnostics: [OracleDiagnostic]

    public init(bytes: [UInt8], rawStrings: Bool = true) {
        self.bytes = bytes
        let lexed = CLexer.lex(bytes, rawStrings: rawStrings)
        var diags = lexed.diagnostics
        var sig: [CToken] = []
        sig.reserveCapacity(lexed.tokens.count)
        var defines: [String: [String]] = [:]
        bytes.withUnsafeBufferPointer { b in
            for t in lexed.tokens {
                if t.isSignificant { sig.append(t) } else if t.kind == .preprocessor { CSource.readDefine(b, t, into: &defines) }
            }
        }
        let text: [String] = bytes.withUnsafeBufferPointer { b in
            sig.map { t in
                // Long literals are only ever tested for "is a literal" and scanned for % conversions.
                let e = t.kind == .string ? min(Int(t.end), Int(t.start) + 512) : Int(t.end)
                return String(decoding: UnsafeBufferPointer(rebasing: b[Int(t.start)..<e]), as: UTF8.self)
            }
        }
        var pc = [UInt32](repeating: 0, count: sig.count)
        var kw = [UInt8](repeating: 0, count: sig.count)
        for (i, t) in sig.enumerated() {
            if t.kind == .punct {
                var v: UInt32 = 0
                for k in 0..<min(3, Int(t.end - t.start)) { v |= UInt32(bytes[Int(t.start) + k]) << (8 * k) }
                pc[i] = v
            } else if t.kind == .identifier, t.end - t.start <= 8, let f = bytes[Int(t.start)] as UInt8?,
                      f == 0x69 || f == 0x66 || f == 0x77 || f == 0x72 || f == 0x73 || f == 0x65 || f == 0x67 || f == 0x62
                        || f == 0x63 || f == 0x64 || f == 0x6E {  // i f w r s e g b c d n: first letters of the keywords in Kw
                kw[i] = Kw.code(text[i])
            }
        }
        self.pc = pc
        self.kw = kw
        // Bracket matching: a closer `}` unwinds unclosed ( and [; a stray ) or ] is ignored.
        var match = [Int32](repeating: -1, count: sig.count)
        var block = [Int32](repeating: -1, count: sig.count)
        var stack: [Int32] = []
        var blocks: [Int32] = []
        var overflow = false, unbalanced = false
        for i in 0..<sig.count {
            block[i] = blocks.last ?? -1
            let c = pc[i]
            guard c != 0 else { continue }
            switch c {
            case P.lparen, P.lbracket, P.lbrace:
                if stack.count >= CSource.maxDepth { overflow = true; continue }
                stack.append(Int32(i))
                if c == P.lbrace { blocks.append(Int32(i)) }
            case P.rparen, P.rbracket:
                let open = c == P.rparen ? P.lparen : P.lbracket
                if let top = stack.last, pc[Int(top)] == open {
                    stack.removeLast(); match[i] = top; match[Int(top)] = Int32(i)
                } else { unbalanced = true }
            case P.rbrace:
                guard blocks.last != nil else { unbalanced = true; continue }
                while let top = stack.popLast() {
                    if pc[Int(top)] == P.lbrace { match[i] = top; match[Int(top)] = Int32(i); break }
                    unbalanced = true
                }
                blocks.removeLast()
                block[i] = blocks.last ?? -1
            default: break
            }
        }
        if !stack.isEmpty { unbalanced = true }
        func pos(_ t: CToken) -> SourcePosition { SourcePosition(line: Int(t.line), column: Int(t.column), offset: Int(t.start)) }
        if overflow, let t = sig.first {
            diags.append(OracleDiagnostic(kind: .nestingTooDeep,
                message: "brackets nest deeper than \(CSource.maxDepth); deeper levels are read flat", position: pos(t)))
        }
        if unbalanced, let t = sig.first {
            diags.append(OracleDiagnostic(kind: .unbalancedBrackets,
                message: "brackets do not balance (macros or a truncated snippet); structure is approximate", position: pos(t)))
        }
        self.sig = sig
        self.text = text
        self.match = match
        self.block = block
        self.defineBodies = defines
        self.diagnostics = diags
        var fns: [CFunction] = []
        var globals: [String: ArrayDecl] = [:]
        let shell = CSourceShell(sig: sig, text: text, match: match, defines: defines, block: block)
        shell.findFunctions(into: &fns, globals: &globals)
        if fns.isEmpty, !sig.isEmpty {
            // A snippet of statements (a partial completion, a macro body): analyze it as one top-level body.
            // bodyOpen -1 / bodyClose count make every token part of the body.
            fns.append(CFunction(name: "<top-level>", nameToken: 0, params: [], paramOpen: -1, paramClose: -1,
                                 bodyOpen: -1, bodyClose: sig.count, isFormatWrapper: false, arrays: [:]))
        }
        self.functions = fns
        self.globalArrays = globals
    }

    // MARK: - #define

    /// Records `#define NAME body` for object-like macros whose body could be a constant.
    static func readDefine(_ b: UnsafeBufferPointer<UInt8>, _ t: CToken, into defines: inout [String: [String]]) {
        // Lex what follows the '#' (lexing from the '#' would yield the directive again).
        let slice = UnsafeBufferPointer(rebasing: b[(Int(t.start) + 1)..<Int(t.end)])
        let toks = CLexer.lex(slice, rawStrings: false).tokens.filter { $0.kind != .comment }
        func txt(_ k: CToken) -> String { String(decoding: UnsafeBufferPointer(rebasing: slice[Int(k.start)..<Int(k.end)]), as: UTF8.self) }
        // Tokens: 'define', NAME, body... (function-like macros have '(' glued to NAME; skip those)
        guard toks.count >= 3, txt(toks[0]) == "define", toks[1].kind == .identifier else { return }
        if txt(toks[2]) == "(", toks[2].start == toks[1].end { return }
        let body = toks[2...].map(txt).filter { $0 != "\\" }
        if body.count <= 16 { defines[txt(toks[1])] = body }
    }
}

/// A fixed-size array declaration: `char name[count]`.
public struct ArrayDecl: Sendable, Hashable {
    public var name: String
    /// Element count when the size is a constant expression.
    public var count: Int
    /// Size of one element in bytes when known from the type (`char` 1, `int` 4, …), else `nil`.
    public var elementSize: Int?
    /// Token index of the name in ``CSource/sig``.
    public var token: Int
    /// The `{` of the block that declares it (-1 at file level): the array is visible only inside.
    public var block: Int = -1
    /// Byte size when known: what `sizeof(name)` evaluates to.
    public var byteSize: Int? { elementSize.map { $0 * count } }
}

/// A function definition found in the source.
public struct CFunction: Sendable {
    public struct Param: Sendable {
        public var name: String
        public var isPointer: Bool
        /// Joined type words, e.g. `const char *`.
        public var type: String
    }
    public var name: String
    public var nameToken: Int
    public var params: [Param]
    /// `(` and `)` of the parameter list.
    public var paramOpen: Int
    public var paramClose: Int
    /// `{` and `}` of the body.
    public var bodyOpen: Int
    public var bodyClose: Int
    /// Variadic (`...`) or taking a `va_list`: its format parameter legitimately reaches printf-like calls.
    public var isFormatWrapper: Bool
    /// Local fixed-size arrays by name (the last declaration wins for shadowed names).
    public var arrays: [String: ArrayDecl]
    /// Every local array declaration in order, for scope-aware lookup.
    public var arrayDecls: [ArrayDecl] = []
}

/// Packed punctuator codes (see ``CSource/pc``).
enum P {
    static let lparen: UInt32 = 0x28, rparen: UInt32 = 0x29, lbracket: UInt32 = 0x5B, rbracket: UInt32 = 0x5D
    static let lbrace: UInt32 = 0x7B, rbrace: UInt32 = 0x7D, semi: UInt32 = 0x3B, comma: UInt32 = 0x2C
    static let assign: UInt32 = 0x3D, lt: UInt32 = 0x3C, gt: UInt32 = 0x3E, le: UInt32 = 0x3D3C, ge: UInt32 = 0x3D3E
    static let slash: UInt32 = 0x2F, percent: UInt32 = 0x25, slashAssign: UInt32 = 0x3D2F, percentAssign: UInt32 = 0x3D25
    static let arrow: UInt32 = 0x3E2D, dot: UInt32 = 0x2E
}

/// Keyword codes (see ``CSource/kw``).
enum Kw {
    static let `if`: UInt8 = 1, `for`: UInt8 = 2, `while`: UInt8 = 3, `return`: UInt8 = 4, `sizeof`: UInt8 = 5
    static let `else`: UInt8 = 6, `goto`: UInt8 = 7, `break`: UInt8 = 8, `continue`: UInt8 = 9, `switch`: UInt8 = 10, `do`: UInt8 = 11
    static let new: UInt8 = 12
    static func code(_ s: String) -> UInt8 {
        switch s {
        case "if": 1
        case "for": 2
        case "while": 3
        case "return": 4
        case "sizeof": 5
        case "else": 6
        case "goto": 7
        case "break": 8
        case "continue": 9
        case "switch": 10
        case "do": 11
        case "new": 12
        default: 0
        }
    }
}
