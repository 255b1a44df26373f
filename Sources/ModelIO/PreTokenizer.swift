// Hand-written scanners for the byte-level BPE pre-tokenizer regexes (GPT-2, Llama-3, Qwen2, SmolLM).

/// Splits text into the pieces BPE merges within, exactly as the reference regex would, without a
/// regex engine: each pattern is a fixed, ordered alternation, so a direct scanner over Unicode
/// scalars with an ASCII fast path reproduces it (and is many times faster than NSRegularExpression).
///
/// The patterns (leftmost alternative wins, as in Oniguruma, which HF `tokenizers` uses):
/// - `gpt2`:   `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// - `llama3`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// - `qwen2`:  as `llama3` but `\p{N}` (one digit per piece).
/// - `smollm`: HF's `Digits(individual_digits)` then the `gpt2` pattern: every number character is its own piece.
public enum PreTokenizer: String, Sendable, CaseIterable {
    case gpt2, llama3, qwen2, smollm

    /// Maps GGUF's `tokenizer.ggml.pre` names (llama.cpp's table) to a scanner.
    public init?(ggufName: String) {
        switch ggufName {
        case "gpt-2", "gpt2", "default", "starcoder", "refact", "codeshell", "jina-v2-code": self = .gpt2
        case "llama3", "llama-bpe", "llama-v3", "dbrx", "smaug-bpe": self = .llama3
        case "qwen2", "deepseek-r1-qwen": self = .qwen2
        case "smollm": self = .smollm
        default: return nil
        }
    }

    /// The pieces of `text`, as ranges of `scalars`.
    public func split(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(s.count / 3 + 1)
        switch self {
        case .gpt2: scanGPT2(s, 0..<s.count, into: &out, digitsAlone: false)
        case .smollm: scanGPT2(s, 0..<s.count, into: &out, digitsAlone: true)
        case .llama3: scanLlama(s, into: &out, maxDigits: 3)
        case .qwen2: scanLlama(s, into: &out, maxDigits: 1)
        }
        return out
    }
}

// MARK: - Character classes

/// The class of a scalar for these patterns: letter (\p{L}), number (\p{N}), whitespace (\s), other.
enum CharClass: UInt8 { case letter, number, space, other }

@inline(__always) func charClass(_ u: Unicode.Scalar) -> CharClass {
    let c = u.value
    if c < 128 {
        // Comparisons, not a global table: a global's lazy-init check would sit in the hot loop.
        if (c | 0x20) &- 97 < 26 { return .letter }
        if c &- 48 < 10 { return .number }
        if c == 32 || (c &- 9) < 5 { return .space }
        return .other
    }
    let p = u.properties
    switch p.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
    case .decimalNumber, .letterNumber, .otherNumber: return .number
    default: return p.isWhitespace ? .space : .other
    }
}

@inline(__always) private func isNewline(_ u: Unicode.Scalar) -> Bool { u.value == 10 || u.value == 13 }

/// Length of a contraction (`'s 't 're 've 'm 'll 'd`) at i, 0 if none.
@inline(__always) private func contraction(_ s: [Unicode.Scalar], _ i: Int, _ end: Int, caseless: Bool) -> Int {
    guard s[i] == "'", i + 1 < end else { return 0 }
    func low(_ k: Int) -> UInt32 {
        let v = s[k].value
        return caseless && v >= 65 && v <= 90 ? v + 32 : v
    }
    switch low(i + 1) {
    case 115, 116, 109, 100: return 2 // s t m d
    case 114, 118: return i + 2 < end && low(i + 2) == 101 ? 3 : 0 // re ve
    case 108: return i + 2 < end && low(i + 2) == 108 ? 3 : 0 // ll
    default: return 0
    }
}

/// End of the whitespace run starting at i.
@inline(__always) private func spaceRunEnd(_ s: [Unicode.Scalar], _ i: Int, _ end: Int) -> Int {
    var j = i
    while j < end, charClass(s[j]) == .space { j += 1 }
    return j
}

/// `\s+(?!\S)|\s+` at a whitespace run [i, j): all of it at the end of text or before more
/// whitespace, else all but the last (which then prefixes the next piece), but at least one.
@inline(__always) private func trailingSpaceMatch(_ i: Int, _ j: Int, _ end: Int) -> Int {
    if j == end { return j }
    return j - i > 1 ? j - 1 : j
}

// MARK: - GPT-2

private func scanGPT2(_ s: [Unicode.Scalar], _ range: Range<Int>, into out: inout [Range<Int>], digitsAlone: Bool) {
    var i = range.lowerBound
    let end = range.upperBound
    func cls(_ k: Int) -> CharClass {
        let c = charClass(s[k])
        return c
    }
    while i < end {
        if digitsAlone, cls(i) == .number { out.append(i..<i + 1); i += 1; continue }
        // In SmolLM mode a digit is a hard boundary: the regex runs on the segments between digits.
        var segEnd = end
        if digitsAlone {
            var k = i
            while k < end, cls(k) != .number { k += 1 }
            segEnd = k
        }
        let c = contraction(s, i, segEnd, caseless: false)
        if c > 0 { out.append(i..<i + c); i += c; continue }
        let sp = s[i] == " " && i + 1 < segEnd ? 1 : 0
        let k0 = cls(i + sp)
        if k0 == .letter || k0 == .number {
            var j = i + sp + 1
            while j < segEnd, cls(j) == k0 { j += 1 }
            out.append(i..<j); i = j; continue
        }
        if k0 == .other {
            var j = i + sp + 1
            while j < segEnd, cls(j) == .other { j += 1 }
            out.append(i..<j); i = j; continue
        }
        // Whitespace (a lone space before a letter/number/other was handled above).
        let j = spaceRunEnd(s, i, segEnd)
        let m = trailingSpaceMatch(i, j, segEnd)
        out.append(i..<m); i = m
    }
}

// MARK: - Llama-3 / Qwen2

private func scanLlama(_ s: [Unicode.Scalar], into out: inout [Range<Int>], maxDigits: Int) {
    var i = 0
    let end = s.count
    while i < end {
        let c = contraction(s, i, end, caseless: true)
        if c > 0 { out.append(i..<i + c); i += c; continue }
        let k0 = charClass(s[i])
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if k0 == .letter || (k0 != .number && !isNewline(s[i]) && i + 1 < end && charClass(s[i + 1]) == .letter) {
            var j = i + 1
            while j < end, charClass(s[j]) == .letter { j += 1 }
            out.append(i..<j); i = j; continue
        }
        // \p{N}{1,maxDigits}
        if k0 == .number {
            var j = i + 1
            while j < end, j - i < maxDigits, charClass(s[j]) == .number { j += 1 }
            out.append(i..<j); i = j; continue
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        let sp = s[i] == " " && i + 1 < end ? 1 : 0
        if charClass(s[i + sp]) == .other {
            var j = i + sp + 1
            while j < end, charClass(s[j]) == .other { j += 1 }
            while j < end, isNewline(s[j]) { j += 1 }
            out.append(i..<j); i = j; continue
        }
        // Whitespace: \s*[\r\n]+ (through the run's last newline), else \s+(?!\S), else \s+.
        let j = spaceRunEnd(s, i, end)
        var lastNL = -1
        for k in i..<j where isNewline(s[k]) { lastNL = k }
        if lastNL >= 0 { out.append(i..<lastNL + 1); i = lastNL + 1; continue }
        let m = trailingSpaceMatch(i, j, end)
        out.append(i..<m); i = m
    }
}
