// safetensors round trip, sharded checkpoints with config.json, canonical names and the Q/K permutation.
import Foundation
import Testing
@testable import ModelIO

@Test func safetensorsRoundTripsAllFloatTypes() throws {
    let dir = Fixtures.tempDir()
    var w = SafetensorsWriter()
    w.metadata = ["format": "pt"]
    let a: [Float] = (0..<12).map { Float($0) * 0.5 - 2 }
    w.add("a", floats: a, shape: [3, 4])
    let halfs: [Float16] = [1, -2.5, 0.125, 65504]
    w.add("h", dtype: .f16, shape: [4], bytes: halfs.withUnsafeBytes { Array($0) })
    let bf: [UInt16] = [0x3F80, 0xC020]  // 1.0, -2.5
    w.add("b", dtype: .bf16, shape: [2], bytes: bf.withUnsafeBytes { Array($0) })
    try w.write(to: dir + "/x.safetensors")
    let f = try SafetensorsFile(path: dir + "/x.safetensors")
    #expect(f.metadata == ["format": "pt"])
    #expect(f.tensors["a"]?.shape == [3, 4] && f.tensors["a"]?.dtype == .f32)
    #expect(try f.floats("a") == a)
    #expect(try f.floats("h") == [1, -2.5, 0.125, 65504])
    #expect(try f.floats("b") == [1, -2.5])
    // The data section starts 8-aligned, as the reference writer pads the header.
    let n = try Data(contentsOf: URL(fileURLWithPath: dir + "/x.safetensors")).prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    #expect(n % 8 == 0)
}

@Test func loadsShardedCheckpointWithConfigUnderCanonicalNames() throws {
    let dir = Fixtures.tempDir()
    var s1 = SafetensorsWriter(), s2 = SafetensorsWriter()
    s1.add("model.embed_tokens.weight", floats: [1, 2, 3, 4, 5, 6], shape: [3, 2])
    s1.add("model.layers.0.self_attn.q_proj.weight", floats: [1, 2, 3, 4], shape: [2, 2])
    s2.add("model.norm.weight", floats: [1, 1], shape: [2])
    s2.add("model.layers.0.mlp.down_proj.weight", floats: [0, 1, 2, 3], shape: [2, 2])
    s2.add("model.layers.0.self_attn.rotary_emb.inv_freq", floats: [1], shape: [1])
    try s1.write(to: dir + "/model-00001-of-00002.safetensors")
    try s2.write(to: dir + "/model-00002-of-00002.safetensors")
    let map = ["model.embed_tokens.weight": "model-00001-of-00002.safetensors",
               "model.layers.0.self_attn.q_proj.weight": "model-00001-of-00002.safetensors",
               "model.norm.weight": "model-00002-of-00002.safetensors",
               "model.layers.0.mlp.down_proj.weight": "model-00002-of-00002.safetensors"]
    try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": map]).write(to: URL(fileURLWithPath: dir + "/model.safetensors.index.json"))
    let cfg: [String: Any] = ["model_type": "qwen2", "vocab_size": 3, "hidden_size": 2, "intermediate_size": 2, "num_hidden_layers": 1,
                              "num_attention_heads": 1, "num_key_value_heads": 1, "rope_theta": 1e6, "rms_norm_eps": 1e-6, "tie_word_embeddings": true]
    try JSONSerialization.data(withJSONObject: cfg).write(to: URL(fileURLWithPath: dir + "/config.json"))
    let m = try SafetensorsModel(path: dir)
    #expect(m.files.count == 2)
    #expect(m.config?.architecture == "qwen2" && m.config?.attentionBias == true && m.config?.tieWordEmbeddings == true)
    let w = try m.canonicalWeights()
    #expect(Set(w.keys) == ["embed_tokens.weight", "layers.0.self_attn.q_proj.weight", "norm.weight", "layers.0.mlp.down_proj.weight"])
    #expect(w["embed_tokens.weight"]?.shape == [3, 2])
    // An index that points a tensor at the wrong shard is rejected.
    var bad = map
    bad["model.norm.weight"] = "model-00001-of-00002.safetensors"
    try JSONSerialization.data(withJSONObject: ["weight_map": bad]).write(to: URL(fileURLWithPath: dir + "/model.safetensors.index.json"))
    #expect(throws: ModelIOError.self) { try SafetensorsModel(path: dir) }
}

@Test func ggufAndHFKeysMapToOneCanonicalName() {
    let pairs = [("model.layers.3.self_attn.q_proj.weight", "blk.3.attn_q.weight"),
                 ("model.layers.3.self_attn.k_proj.bias", "blk.3.attn_k.bias"),
                 ("model.layers.3.self_attn.o_proj.weight", "blk.3.attn_output.weight"),
                 ("model.layers.3.mlp.gate_proj.weight", "blk.3.ffn_gate.weight"),
                 ("model.layers.3.mlp.down_proj.weight", "blk.3.ffn_down.weight"),
                 ("model.layers.3.input_layernorm.weight", "blk.3.attn_norm.weight"),
                 ("model.layers.3.post_attention_layernorm.weight", "blk.3.ffn_norm.weight"),
                 ("model.embed_tokens.weight", "token_embd.weight"),
                 ("model.norm.weight", "output_norm.weight"),
                 ("lm_head.weight", "output.weight")]
    for (hf, gg) in pairs {
        #expect(WeightNames.canonical(hf) != nil)
        #expect(WeightNames.canonical(hf) == WeightNames.canonical(gg), "\(hf) vs \(gg)")
    }
    #expect(WeightNames.canonical("model.layers.0.self_attn.rotary_emb.inv_freq") == nil)
    #expect(WeightNames.canonical("blk.0.unknown.weight") == nil)
    #expect(WeightNames.isPermutedQK("layers.0.self_attn.q_proj.weight", architecture: "llama"))
    #expect(!WeightNames.isPermutedQK("layers.0.self_attn.q_proj.weight", architecture: "qwen2"))
}

/// The inverse permutation undoes llama.cpp's `permute` exactly (numpy's reshape/swapaxes, here by hand).
@Test func qkPermutationRoundTripsAndMatchesLlamaCpp() {
    let heads = 2, d = 4, cols = 3, rows = heads * d
    let hf = (0..<rows * cols).map(Float.init)
    let gg = permuteQK(hf, rows: rows, columns: cols, heads: heads)
    // llama.cpp: w.reshape(heads, 2, d/2, cols).swapaxes(1, 2): GGUF row h*d + 2i + j = HF row h*d + j*d/2 + i.
    for h in 0..<heads { for i in 0..<d / 2 { for j in 0..<2 {
        #expect(gg[(h * d + 2 * i + j) * cols] == hf[(h * d + j * d / 2 + i) * cols])
    } } }
    #expect(unpermuteQK(gg, rows: rows, columns: cols, heads: heads) == hf)
}
