// Tokenizer parity with HF `tokenizers` (reference dumps from dev/tokenizer_reference.py) and decode behaviour.
import Foundation
import Testing
@testable import ModelIO

private func corpus(_ name: String) throws -> String {
    try String(contentsOfFile: Fixtures.path("tokenizer-corpus/" + name), encoding: .utf8)
}

@Test func matchesHFTokenizersOnTheCorpus() throws {
    let ref = try #require(try Fixtures.json("tokenizer-reference.json") as? [String: [String: [String: Any]]])
    for (alias, files) in ref.sorted(by: { $0.key < $1.key }) {
        guard let path = Fixtures.model(alias) else { continue }
        let tok = try Tokenizer(gguf: GGUFFile(path: path))
        for (file, r) in files.sorted(by: { $0.key < $1.key }) {
            let text = try corpus(file)
            let full = try #require(r["full"] as? [Int])
            #expect(tok.encode(text) == full, "\(alias) \(file): whole file")
            let lines = try #require(r["lines"] as? [[Int]])
            // Split on U+000A scalars like Python's str.split (Swift treats "\r\n" as one Character).
            let lineViews = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lineViews.count == lines.count)
            for (i, view) in lineViews.enumerated() {
                let line = String(String.UnicodeScalarView(view))
                #expect(tok.encode(line) == lines[i], "\(alias) \(file) line \(i + 1): \(line.debugDescription)")
            }
            // Exact decode (Qwen2 NFC-normalizes, so compare against the normalized text).
            let expected = tok.nfc ? text.precomposedStringWithCanonicalMapping : text
            #expect(tok.decode(full) == expected, "\(alias) \(file): decode")
        }
    }
}

@Test func streamingDecodeEqualsDecodeAndNeverSplitsCharacters() throws {
    guard let path = Fixtures.model("smollm2") else { return }
    let tok = try Tokenizer(gguf: GGUFFile(path: path))
    let text = try corpus("unicode.txt")
    let ids = tok.encode(text)
    var stream = StreamingDecoder(tokenizer: tok)
    var joined = ""
    for id in ids {
        let chunk = stream.push(id)
        #expect(!chunk.contains("\u{FFFD}"), "chunk split a character")
        joined += chunk
    }
    joined += stream.finish()
    #expect(joined == text)
}

@Test func streamingDecoderHoldsIncompleteUTF8() {
    let d = StreamingDecoder(tokenizer: tinyTokenizer())
    #expect(d.completePrefix([0x61, 0xF0, 0x9F]) == 1)        // 'a' + first half of an emoji
    #expect(d.completePrefix([0x61, 0xF0, 0x9F, 0x91, 0x8D]) == 5)
    #expect(d.completePrefix([0xE4, 0xB8]) == 0)
    #expect(d.completePrefix([0x80]) == 1)                     // stray continuation passes through
}

@Test func specialTokensAndChatMarkup() throws {
    guard let path = Fixtures.model("qwen2.5-coder-0.5b") else { return }
    let tok = try Tokenizer(gguf: GGUFFile(path: path))
    #expect(tok.eosID == 151645 && tok.id(of: "<|im_end|>") == 151645)
    let ids = tok.encode("<|im_start|>user\nhi<|im_end|>")
    #expect(ids.first == 151644 && ids.last == 151645)
    #expect(!tok.encode("<|im_start|>", parseSpecial: false).contains(151644))
    #expect(tok.decode(ids, skipSpecial: true) == "user\nhi")
}

// MARK: - Small hand-made tokenizer (no model needed)

/// A byte-level BPE with merges "a b" → "ab", "ab c" → "abc" and one special token.
func tinyTokenizer() -> Tokenizer {
    var vocab: [String: Int] = [:]
    for b in 0..<256 { vocab[String(ByteLevel.byteToChar[b])] = b }
    vocab["ab"] = 256; vocab["abc"] = 257; vocab["Ġab"] = 258
    let json: [String: Any] = [
        "added_tokens": [["id": 259, "content": "<|end|>", "special": true]],
        "normalizer": NSNull(),
        "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
        "model": ["type": "BPE", "vocab": vocab, "merges": ["a b", ["ab", "c"], "Ġ ab"]],
    ]
    return try! Tokenizer(tokenizerJSONData: JSONSerialization.data(withJSONObject: json))
}

@Test func tinyTokenizerMergesByRank() {
    let t = tinyTokenizer()
    #expect(t.preTokenizer == .gpt2)
    #expect(t.encode("abc") == [257])
    #expect(t.encode("abab ab") == [256, 256, 258])
    #expect(t.encode("x<|end|>abc") == [120, 259, 257])
    #expect(t.decode([257, 259, 258]) == "abc<|end|> ab")
    #expect(t.decode([0xE4, 0xB8]).contains("\u{FFFD}"))
}

@Test func preTokenizersSplitLikeTheirRegexes() {
    func pieces(_ p: PreTokenizer, _ s: String) -> [String] {
        let sc = Array(s.unicodeScalars)
        return p.split(sc).map { r in var v = String.UnicodeScalarView(); v.append(contentsOf: sc[r]); return String(v) }
    }
    #expect(pieces(.gpt2, "Hello world's  12345!!") == ["Hello", " world", "'s", " ", " 12345", "!!"])
    #expect(pieces(.gpt2, "a\n\nb  ") == ["a", "\n", "\n", "b", "  "])
    #expect(pieces(.smollm, "x 123") == ["x", " ", "1", "2", "3"])
    #expect(pieces(.llama3, "I'LL pay 12345\n\n  x") == ["I", "'LL", " pay", " ", "123", "45", "\n\n", " ", " x"])
    #expect(pieces(.qwen2, "v12 (a)\r\n") == ["v", "1", "2", " (", "a", ")\r\n"])
}
