// Byte-level BPE tokenizer (GPT-2 family): encode with added tokens, exact decode.
import Foundation

/// A byte-level BPE tokenizer, loaded from an HF `tokenizer.json` (``init(tokenizerJSON:)``) or from
/// GGUF metadata (``init(gguf:)``); both give the same ids as HF `tokenizers` for the supported
/// pre-tokenizers (see ``PreTokenizer``).
///
/// ```swift
/// let tok = try Tokenizer(gguf: GGUFFile(path: path))
/// let ids = tok.encode("int main(void) { return 0; }")
/// let text = tok.decode(ids)
/// ```
///
/// Encoding: the text is first split on added tokens (`<|im_start|>` …, leftmost-longest, as HF
/// does), the remaining spans are NFC-normalized when the model asks for it, pre-tokenized, and each
/// piece is mapped to bytes and merged by BPE rank.
public final class Tokenizer: @unchecked Sendable {
    /// An added (special or user-defined) token matched verbatim in the input text.
    public struct AddedToken: Sendable {
        public var id: Int
        public var content: String
        public var special: Bool
    }

    public let preTokenizer: PreTokenizer
    public let nfc: Bool
    /// Llama-3 style: a piece that is already a whole vocab entry is not re-merged.
    public let ignoreMerges: Bool
    public let byteFallback: Bool
    public let addedTokens: [AddedToken]
    public var bosID: Int?
    public var eosID: Int?
    public var addBOS: Bool = false

    /// id → raw bytes (added tokens: their UTF-8 content).
    let idBytes: [[UInt8]]
    /// id → whether the id is an added special token (skipped by `decode(skipSpecial:)`).
    let isSpecial: [Bool]
    /// Vocab string → id.
    let vocab: [String: Int32]
    /// (left id << 32 | right id) → (rank << 32 | merged id).
    let merges: [UInt64: UInt64]
    /// Token id of each single byte (-1 if the vocab lacks it).
    let byteIDs: [Int32]
    /// Added tokens grouped by their first scalar, longest first, for leftmost-longest matching.
    let addedByFirst: [Unicode.Scalar: [(scalars: [Unicode.Scalar], id: Int)]]
    private var cache: [String: [Int32]] = [:]
    private let lock = NSLock()

    public var vocabularySize: Int { idBytes.count }

    /// Builds a tokenizer from vocab strings (byte-level form, index = id), merges ("a b" or pairs)
    /// and added tokens. The designated initializer behind both loaders.
    init(tokens: [String], merges mergeList: [(String, String)], added: [AddedToken], preTokenizer: PreTokenizer,
         nfc: Bool, ignoreMerges: Bool, byteFallback: Bool, source: String) throws {
        self.preTokenizer = preTokenizer
        self.nfc = nfc
        self.ignoreMerges = ignoreMerges
        self.byteFallback = byteFallback
        addedTokens = added
        var v: [String: Int32] = [:]
        v.reserveCapacity(tokens.count)
        var bytes: [[UInt8]] = []
        bytes.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() {
            if v[t] == nil { v[t] = Int32(i) }
            if t.count == 6, t.hasPrefix("<0x"), t.hasSuffix(">"), let b = UInt8(t.dropFirst(3).prefix(2), radix: 16) {
                bytes.append([b])
            } else {
                bytes.append(ByteLevel.decode(t) ?? Array(t.utf8))
            }
        }
        var special = [Bool](repeating: false, count: tokens.count)
        var byFirst: [Unicode.Scalar: [(scalars: [Unicode.Scalar], id: Int)]] = [:]
        for a in added {
            guard a.id >= 0, a.id < tokens.count else {
                throw ModelIOError(file: source, reason: "added token \(a.content) has id \(a.id) outside the vocabulary (\(tokens.count))")
            }
            bytes[a.id] = Array(a.content.utf8)
            special[a.id] = a.special
            let sc = Array(a.content.unicodeScalars)
            guard let f = sc.first else { continue }
            byFirst[f, default: []].append((sc, a.id))
        }
        for k in byFirst.keys { byFirst[k]!.sort { $0.scalars.count > $1.scalars.count } }
        addedByFirst = byFirst
        idBytes = bytes
        isSpecial = special
        vocab = v
        var m: [UInt64: UInt64] = [:]
        m.reserveCapacity(mergeList.count)
        for (rank, (a, b)) in mergeList.enumerated() {
            guard let ia = v[a], let ib = v[b], let im = v[a + b] else { continue }
            let key = UInt64(UInt32(ia)) << 32 | UInt64(UInt32(ib))
            if m[key] == nil { m[key] = UInt64(rank) << 32 | UInt64(UInt32(im)) }
        }
        merges = m
        byteIDs = (0..<256).map { b in
            if let id = v[String(ByteLevel.byteToChar[b])] { return id }
            return v[String(format: "<0x%02X>", b)] ?? -1
        }
    }

    // MARK: - Encode

    /// Token ids for `text`. Added tokens in the text are recognised (HF's default); set
    /// `parseSpecial: false` to treat them as plain text (e.g. for untrusted user content).
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int] {
        var out: [Int] = []
        if addBOS, let b = bosID { out.append(b) }
        let scalars = Array(text.unicodeScalars)
        var start = 0, i = 0
        if parseSpecial && !addedByFirst.isEmpty {
            while i < scalars.count {
                if let cands = addedByFirst[scalars[i]], let hit = cands.first(where: { matches($0.scalars, scalars, at: i) }) {
                    encodeSpan(scalars[start..<i], into: &out)
                    out.append(hit.id)
                    i += hit.scalars.count
                    start = i
                } else {
                    i += 1
                }
            }
        }
        encodeSpan(scalars[start..<scalars.count], into: &out)
        return out
    }

    private func matches(_ needle: [Unicode.Scalar], _ hay: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + needle.count <= hay.count else { return false }
        for k in 0..<needle.count where hay[i + k] != needle[k] { return false }
        return true
    }

    private func encodeSpan(_ span: ArraySlice<Unicode.Scalar>, into out: inout [Int]) {
        guard !span.isEmpty else { return }
        var s = Array(span)
        if nfc, s.contains(where: { $0.value >= 0x300 }) {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: s)
            s = Array(String(v).precomposedStringWithCanonicalMapping.unicodeScalars)
        }
        for r in preTokenizer.split(s) {
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: s[r])
            let key = String(piece)
            lock.lock()
            let hit = cache[key]
            lock.unlock()
            if let hit { out.append(contentsOf: hit.lazy.map(Int.init)); continue }
            let ids = bpe(Array(key.utf8))
            lock.lock()
            if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }
            cache[key] = ids
            lock.unlock()
            out.append(contentsOf: ids.lazy.map(Int.init))
        }
    }

    /// BPE over one piece: start from one symbol per byte, repeatedly merge the adjacent pair
    /// with the lowest merge rank (leftmost on ties) until no pair is mergeable.
    func bpe(_ bytes: [UInt8]) -> [Int32] {
        if ignoreMerges, let id = vocab[ByteLevel.encode(bytes)] { return [id] }
        var sym: [Int32] = []
        sym.reserveCapacity(bytes.count)
        for b in bytes {
            let id = byteIDs[Int(b)]
            if id >= 0 { sym.append(id) } else if byteFallback, let u = vocab["<unk>"] { sym.append(u) }
        }
        while sym.count > 1 {
            var best = UInt64.max, at = -1
            for k in 0..<sym.count - 1 {
                if let m = merges[UInt64(UInt32(sym[k])) << 32 | UInt64(UInt32(sym[k + 1]))], m < best { best = m; at = k }
            }
            if at < 0 { break }
            let merged = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            // Merge every occurrence of this pair left to right (same result as one at a time).
            var k = at
            let a = sym[at], b = sym[at + 1]
            var outSym = Array(sym[0..<at])
            while k < sym.count {
                if k + 1 < sym.count, sym[k] == a, sym[k + 1] == b {
                    outSym.append(merged); k += 2
                } else {
                    outSym.append(sym[k]); k += 1
                }
            }
            sym = outSym
        }
        return sym
    }

    // MARK: - Decode

    /// The raw bytes of `ids` concatenated (special tokens included unless `skipSpecial`).
    public func decodeBytes(_ ids: [Int], skipSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for id in ids where id >= 0 && id < idBytes.count {
            if skipSpecial && isSpecial[id] { continue }
            out.append(contentsOf: idBytes[id])
        }
        return out
    }

    /// Text of `ids`; invalid UTF-8 (a token sequence cut mid-character) becomes U+FFFD.
    public func decode(_ ids: [Int], skipSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, skipSpecial: skipSpecial), as: UTF8.self)
    }

    /// The id of a vocab entry or added token written as text (e.g. `"<|im_end|>"`).
    public func id(of token: String) -> Int? {
        if let a = addedTokens.first(where: { $0.content == token }) { return a.id }
        return vocab[token].map(Int.init) ?? vocab[ByteLevel.encode(token.utf8)].map(Int.init)
    }
}
