// Loading a Tokenizer from GGUF metadata or from an HF tokenizer.json.
import Foundation

extension Tokenizer {
    // MARK: - GGUF

    /// From `tokenizer.ggml.*` metadata. Token types 3 (control) and 4 (user-defined) become added
    /// tokens (control ones special), as llama.cpp and the HF conversion treat them.
    public convenience init(gguf: GGUFFile) throws {
        let m = gguf.metadata
        let src = gguf.path
        guard let model = m["tokenizer.ggml.model"]?.asString else { throw ModelIOError(file: src, reason: "no tokenizer.ggml.model") }
        guard model == "gpt2" else { throw ModelIOError(file: src, reason: "tokenizer model \(model) is not byte-level BPE (gpt2)") }
        guard let tokens = m["tokenizer.ggml.tokens"]?.asStrings else { throw ModelIOError(file: src, reason: "no tokenizer.ggml.tokens string array") }
        let mergeStrings = m["tokenizer.ggml.merges"]?.asStrings ?? []
        let types = m["tokenizer.ggml.token_type"]?.asInts ?? []
        guard types.isEmpty || types.count == tokens.count else {
            throw ModelIOError(file: src, reason: "token_type has \(types.count) entries for \(tokens.count) tokens")
        }
        let preName = m["tokenizer.ggml.pre"]?.asString ?? "default"
        guard let pre = PreTokenizer(ggufName: preName) else { throw ModelIOError(file: src, reason: "unsupported pre-tokenizer \(preName)") }
        var added: [AddedToken] = []
        for (i, t) in types.enumerated() where t == 3 || t == 4 {
            added.append(AddedToken(id: i, content: tokens[i], special: t == 3))
        }
        try self.init(tokens: tokens, merges: try mergeStrings.map { try splitMerge($0, src) }, added: added,
                      preTokenizer: pre, nfc: pre == .qwen2, ignoreMerges: pre == .llama3, byteFallback: false, source: src)
        bosID = m["tokenizer.ggml.bos_token_id"]?.asInt
        eosID = m["tokenizer.ggml.eos_token_id"]?.asInt
        addBOS = m["tokenizer.ggml.add_bos_token"]?.asBool ?? false
        for id in [bosID, eosID].compactMap({ $0 }) where id < 0 || id >= tokens.count {
            throw ModelIOError(file: src, reason: "BOS/EOS id \(id) outside the vocabulary")
        }
    }

    // MARK: - tokenizer.json

    /// From an HF `tokenizer.json` (BPE model with a byte-level pre-tokenizer).
    public convenience init(tokenizerJSON path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelIOError(file: path, reason: "cannot read file") }
        try self.init(tokenizerJSONData: data, source: path)
    }

    public convenience init(tokenizerJSONData data: Data, source: String = "tokenizer.json") throws {
        let root: [String: Any]
        do {
            guard let r = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw ModelIOError(file: source, reason: "top level is not an object") }
            root = r
        } catch let e as ModelIOError { throw e } catch {
            throw ModelIOError(file: source, reason: "invalid JSON: \(error.localizedDescription)")
        }
        guard let model = root["model"] as? [String: Any], (model["type"] as? String ?? "BPE") == "BPE" else {
            throw ModelIOError(file: source, reason: "model.type is not BPE")
        }
        guard let vocabObj = model["vocab"] as? [String: Any] else { throw ModelIOError(file: source, reason: "model.vocab missing or not an object") }
        var maxID = -1
        var pairs: [(String, Int)] = []
        pairs.reserveCapacity(vocabObj.count)
        for (k, v) in vocabObj {
            guard let id = (v as? NSNumber)?.intValue, id >= 0, id < 10_000_000 else {
                throw ModelIOError(file: source, reason: "vocab entry \(k.debugDescription) has a bad id")
            }
            pairs.append((k, id)); maxID = max(maxID, id)
        }
        var added: [AddedToken] = []
        for a in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = (a["id"] as? NSNumber)?.intValue, id >= 0, id < 10_000_000, let c = a["content"] as? String, !c.isEmpty else {
                throw ModelIOError(file: source, reason: "added_tokens entry without a valid id/content")
            }
            added.append(AddedToken(id: id, content: c, special: a["special"] as? Bool ?? false))
            maxID = max(maxID, id)
        }
        // Ids are dense in real vocabularies; a sparse huge id would make us allocate for nothing.
        guard maxID < (pairs.count + added.count) * 2 + 1024 else {
            throw ModelIOError(file: source, reason: "token id \(maxID) is far beyond the \(pairs.count + added.count) tokens defined")
        }
        var tokens = [String](repeating: "", count: maxID + 1)
        for (k, id) in pairs { tokens[id] = k }
        for a in added where tokens[a.id].isEmpty { tokens[a.id] = a.content }
        var merges: [(String, String)] = []
        for m in model["merges"] as? [Any] ?? [] {
            if let s = m as? String { merges.append(try splitMerge(s, source)) }
            else if let p = m as? [String], p.count == 2 { merges.append((p[0], p[1])) }
            else { throw ModelIOError(file: source, reason: "merge entry is neither \"a b\" nor [a, b]") }
        }
        let pre = try detectPreTokenizer(root["pre_tokenizer"], source)
        let norm = root["normalizer"] as? [String: Any]
        let nfc = norm?["type"] as? String == "NFC"
            || (norm?["normalizers"] as? [[String: Any]])?.contains { $0["type"] as? String == "NFC" } == true
        try self.init(tokens: tokens, merges: merges, added: added, preTokenizer: pre, nfc: nfc,
                      ignoreMerges: model["ignore_merges"] as? Bool ?? false,
                      byteFallback: model["byte_fallback"] as? Bool ?? false, source: source)
    }
}

private func splitMerge(_ s: String, _ src: String) throws -> (String, String) {
    guard let sp = s.firstIndex(of: " ") else { throw ModelIOError(file: src, reason: "merge \(s.debugDescription) has no space") }
    return (String(s[..<sp]), String(s[s.index(after: sp)...]))
}

/// Recognises the supported pre-tokenizer configurations by their regex / structure.
private func detectPreTokenizer(_ obj: Any?, _ src: String) throws -> PreTokenizer {
    guard let o = obj as? [String: Any], let type = o["type"] as? String else {
        throw ModelIOError(file: src, reason: "no pre_tokenizer (need a byte-level one)")
    }
    let parts = type == "Sequence" ? (o["pretokenizers"] as? [[String: Any]] ?? []) : [o]
    var digits = false, byteLevelRegex = false, split: String?
    for p in parts {
        switch p["type"] as? String {
        case "Digits": digits = p["individual_digits"] as? Bool ?? false
        case "ByteLevel": byteLevelRegex = p["use_regex"] as? Bool ?? true
        case "Split": split = (p["pattern"] as? [String: Any])?["Regex"] as? String
        default: break
        }
    }
    if let split {
        if split.contains("\\p{N}{1,3}") { return .llama3 }
        if split.contains("(?i:'s|'t|'re|'ve|'m|'ll|'d)") && split.contains("|\\p{N}|") { return .qwen2 }
        throw ModelIOError(file: src, reason: "unsupported Split pre-tokenizer regex \(split.prefix(60))")
    }
    if byteLevelRegex { return digits ? .smollm : .gpt2 }
    throw ModelIOError(file: src, reason: "unsupported pre_tokenizer \(type)")
}
