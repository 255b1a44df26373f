// The canonical weight names shared by every loader, and the maps from HF and GGUF keys to them.

/// SRCode's canonical tensor names (documented in docs/MODELS.md). They follow HF Llama naming
/// without the `model.` prefix, so that checkpoints from either source load into one model:
///
/// | canonical                          | HF                                              | GGUF                     |
/// |------------------------------------|-------------------------------------------------|--------------------------|
/// | `embed_tokens.weight`              | `model.embed_tokens.weight`                     | `token_embd.weight`      |
/// | `norm.weight`                      | `model.norm.weight`                             | `output_norm.weight`     |
/// | `lm_head.weight`                   | `lm_head.weight`                                | `output.weight`          |
/// | `layers.N.input_layernorm.weight`  | `model.layers.N.input_layernorm.weight`         | `blk.N.attn_norm.weight` |
/// | `layers.N.post_attention_layernorm.weight` | `model.layers.N.post_attention_layernorm.weight` | `blk.N.ffn_norm.weight` |
/// | `layers.N.self_attn.{q,k,v,o}_proj.{weight,bias}` | `model.layers.N.self_attn.…`     | `blk.N.attn_{q,k,v,output}.…` |
/// | `layers.N.mlp.{gate,up,down}_proj.weight` | `model.layers.N.mlp.…`                   | `blk.N.ffn_{gate,up,down}.weight` |
///
/// Shapes are PyTorch's `(out, in)`, row-major. GGUF q/k weights of `llama` models are stored
/// row-permuted (see ``unpermuteQK(_:rows:columns:heads:)``); ``WeightNames/sanitize`` only renames.
public enum WeightNames {
    /// GGUF suffix → canonical suffix, for per-layer tensors.
    static let ggufLayer: [String: String] = [
        "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
        "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj",
        "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
    ]
    static let ggufGlobal: [String: String] = [
        "token_embd": "embed_tokens", "output_norm": "norm", "output": "lm_head",
    ]

    /// The canonical name of an HF or GGUF tensor key, or nil for tensors we do not use
    /// (e.g. `rotary_emb.inv_freq`, `rope_freqs`).
    public static func canonical(_ key: String) -> String? {
        if key.contains("rotary_emb.inv_freq") || key.hasPrefix("rope_freqs") { return nil }
        // HF: strip the `model.` prefix.
        if key.hasPrefix("model.") { return String(key.dropFirst(6)) }
        if key.hasPrefix("lm_head.") || key.hasPrefix("layers.") || key.hasPrefix("embed_tokens.") || key.hasPrefix("norm.") { return key }
        // GGUF: blk.N.<name>.<weight|bias>
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 4, parts[0] == "blk", Int(parts[1]) != nil, let c = ggufLayer[parts[2]] {
            return "layers.\(parts[1]).\(c).\(parts[3])"
        }
        if parts.count == 2, let c = ggufGlobal[parts[0]] { return "\(c).\(parts[1])" }
        return nil
    }

    /// Renames every key of a checkpoint to canonical names, dropping unused ones.
    /// Throws if two source keys map to one name (a malformed or mixed checkpoint).
    public static func sanitize<V>(_ weights: [String: V], file: String = "<weights>") throws -> [String: V] {
        var out: [String: V] = [:]
        for (k, v) in weights {
            guard let c = canonical(k) else { continue }
            guard out[c] == nil else { throw ModelIOError(file: file, reason: "two tensors map to \(c)") }
            out[c] = v
        }
        return out
    }

    /// Whether a canonical tensor was row-permuted by llama.cpp's converter for `architecture`.
    /// `convert_hf_to_gguf.py` permutes q/k for `llama` (rotary pairs interleaved, not halves); qwen2 is not permuted.
    public static func isPermutedQK(_ canonical: String, architecture: String) -> Bool {
        architecture == "llama" && (canonical.hasSuffix("self_attn.q_proj.weight") || canonical.hasSuffix("self_attn.k_proj.weight")
            || canonical.hasSuffix("self_attn.q_proj.bias") || canonical.hasSuffix("self_attn.k_proj.bias"))
    }
}

// MARK: - Q/K row permutation

/// Undoes llama.cpp's `permute(w, n_head)` on a `(rows, columns)` row-major matrix.
///
/// The converter reshapes rows as `(heads, 2, headDim/2)` and swaps the middle axes, so GGUF row
/// `h*D + 2*i + j` holds HF row `h*D + j*(D/2) + i` (D = headDim, i < D/2, j ∈ {0,1}). Inverting it
/// makes GGUF and HF weights identical (for k_proj, pass the KV head count).
public func unpermuteQK(_ w: [Float], rows: Int, columns: Int, heads: Int) -> [Float] {
    moveQKRows(w, rows: rows, columns: columns, heads: heads, toHF: true)
}

/// The inverse of ``unpermuteQK(_:rows:columns:heads:)``: HF layout → GGUF layout.
public func permuteQK(_ w: [Float], rows: Int, columns: Int, heads: Int) -> [Float] {
    moveQKRows(w, rows: rows, columns: columns, heads: heads, toHF: false)
}

/// Moves whole rows between GGUF row `h*D + 2*i + j` and HF row `h*D + j*(D/2) + i`, in either direction.
private func moveQKRows(_ w: [Float], rows: Int, columns: Int, heads: Int, toHF: Bool) -> [Float] {
    precondition(rows % (heads * 2) == 0 && w.count == rows * columns)
    let d = rows / heads, half = d / 2
    var out = [Float](repeating: 0, count: w.count)
    for h in 0..<heads {
        for i in 0..<half {
            for j in 0..<2 {
                let gg = h * d + 2 * i + j, hf = h * d + j * half + i
                let (src, dst) = toHF ? (gg, hf) : (hf, gg)
                for c in 0..<columns { out[dst * columns + c] = w[src * columns + c] }
            }
        }
    }
    return out
}
