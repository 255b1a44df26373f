// GGUF parsing and bit-exact dequantization against gguf-py's numpy reference.
import Foundation
import Testing
@testable import ModelIO

@Test func parsesTinyFixtureMetadataAndTensors() throws {
    let g = try GGUFFile(path: Fixtures.path("tiny.gguf"))
    #expect(g.version == 3)
    #expect(g.architecture == "llama")
    #expect(g.arch("block_count")?.asInt == 1)
    #expect(g.arch("rope.freq_base")?.asDouble == 10000)
    #expect(g.metadata["general.name"]?.asString == "tiny fixture")
    #expect(g.metadata["tiny.ints"]?.asInts == [1, 2, 3])
    #expect(g.metadata["tiny.flag"]?.asBool == true)
    let q4k = try #require(g.info("q4_k"))
    #expect(q4k.type == .q4_K && q4k.shape == [2, 256] && q4k.byteCount == 2 * 144)
}

@Test func dequantizesEveryTypeBitExactly() throws {
    let g = try GGUFFile(path: Fixtures.path("tiny.gguf"))
    let ref = try #require(try Fixtures.json("tiny-gguf-reference.json") as? [String: [UInt32]])
    #expect(ref.count == 11)
    for (name, bits) in ref.sorted(by: { $0.key < $1.key }) {
        let got = try g.dequantize(name).map(\.bitPattern)
        #expect(got == bits, "\(name) differs from gguf.quants")
    }
}

@Test func quantizedMatrixRowsMatchDequantize() throws {
    let g = try GGUFFile(path: Fixtures.path("tiny.gguf"))
    for name in ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k", "q5_k", "q6_k"] {
        let m = try g.matrix(name)
        #expect(m.dequantized() == (try g.dequantize(name)))
    }
}

/// Full tensors of the real default models, compared by the SHA-256 of their Float32 bytes.
@Test func dequantizesRealModelsBitExactly() throws {
    let ref = try #require(try Fixtures.json("real-dequant-reference.json") as? [String: [String: [String: Any]]])
    for (alias, tensors) in ref.sorted(by: { $0.key < $1.key }) {
        guard let path = Fixtures.model(alias) else { continue }
        let g = try GGUFFile(path: path)
        for (name, r) in tensors.sorted(by: { $0.key < $1.key }) {
            let f = try g.dequantize(name)
            let digest = f.withUnsafeBytes { SHA256.hex($0) }
            #expect(digest == r["sha256"] as? String, "\(alias) \(name) (\(r["type"] ?? "?"))")
        }
    }
}

@Test func readsRealHyperparameters() throws {
    if let p = Fixtures.model("smollm2") {
        let h = try ModelHyperparameters(gguf: GGUFFile(path: p))
        #expect(h.architecture == "llama" && h.numHiddenLayers == 30 && h.hiddenSize == 576)
        #expect(h.numAttentionHeads == 9 && h.numKeyValueHeads == 3 && h.headDim == 64 && h.tieWordEmbeddings)
    }
    if let p = Fixtures.model("qwen2.5-coder-0.5b") {
        let h = try ModelHyperparameters(gguf: GGUFFile(path: p))
        #expect(h.architecture == "qwen2" && h.numHiddenLayers == 24 && h.hiddenSize == 896 && h.vocabSize == 151936)
        #expect(h.attentionBias && !h.tieWordEmbeddings && h.ropeTheta == 1_000_000)
    }
}

@Test func sha256MatchesKnownVectors() {
    var h = SHA256()
    h.update(Array("abc".utf8))
    #expect(h.finalize().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    var e = SHA256()
    e.update([UInt8]())
    #expect(e.finalize().hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    // Split updates across the 64-byte block boundary give the same digest as one update.
    let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
    var a = SHA256(); a.update(data)
    var b = SHA256(); b.update(data[0..<63]); b.update(data[63..<130]); b.update(data[130...])
    #expect(a.finalize() == b.finalize())
}

/// The matmul agrees with dequantize-then-dot (in Double) for every type, within Q8 activation
/// rounding for the quantized types, and the batched product equals B separate matvecs bit for bit.
@Test func quantizedMatvecMatchesDequantizedReference() throws {
    let g = try GGUFFile(path: Fixtures.path("tiny.gguf"))
    var rng = SystemRandomNumberGenerator()
    for name in ["f32", "f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k", "q5_k", "q6_k"] {
        let m = try g.matrix(name)
        let w = m.dequantized()
        let x = (0..<m.columns).map { _ in Float.random(in: -1...1, using: &rng) }
        var y = [Float](repeating: 0, count: m.rows)
        m.matvec(x, into: &y)
        for r in 0..<m.rows {
            // Quantized types round x to Q8 blocks first (see QuantKernelTests); float types are exact.
            let ref = referenceDot(w[r * m.columns..<(r + 1) * m.columns], x[...], activationBlock: m.type.blockElements)
            let tol = m.type.hasQuantKernel ? ref.q8Bound : 1e-5 * ref.mag + 1e-6
            #expect(abs(Double(y[r]) - ref.dot) <= tol, "\(name) row \(r): \(y[r]) vs \(ref.dot)")
        }
        expectBatchEqualsSingleMatvecs(m, batch: 3, label: name, using: &rng)
    }
}

/// Real weights: a Q4_K, Q6_K, Q5_0, Q8_0 and Q4_1 matrix against the dequantized reference.
@Test func quantizedMatvecOnRealWeights() throws {
    let cases = [("qwen2.5-coder-0.5b", ["blk.11.ffn_down.weight", "blk.0.ffn_down.weight", "blk.0.attn_q.weight", "blk.0.attn_v.weight"]),
                 ("smollm2", ["blk.0.ffn_gate.weight", "blk.0.attn_k.weight"])]
    for (alias, names) in cases {
        guard let p = Fixtures.model(alias) else { continue }
        let g = try GGUFFile(path: p)
        for n in names {
            let m = try g.matrix(n)
            let w = m.dequantized()
            let x = (0..<m.columns).map { Float(sin(Double($0) * 0.37)) }
            var y = [Float](repeating: 0, count: m.rows)
            m.matvec(x, into: &y)
            var worst = 0.0
            for r in stride(from: 0, to: m.rows, by: 7) {
                let ref = referenceDot(w[r * m.columns..<(r + 1) * m.columns], x[...], activationBlock: m.type.blockElements)
                worst = max(worst, abs(Double(y[r]) - ref.dot) / ref.q8Bound)
            }
            // Error as a fraction of the Q8 activation-rounding bound (QuantKernelTests.referenceDot).
            #expect(worst <= 1, "\(alias) \(n) (\(m.type)): error is \(worst) of the Q8 bound")
        }
    }
}
