// Stacking training stages: fold an earlier run's adapter into the base weights, and export the sum.
import Foundation
import Tensor

extension LlamaModel {
    /// Folds a checkpoint into this model's base weights: its LoRA pairs as `W += (α/r)·B·A`, or, for a
    /// full fine-tuning checkpoint, its weights (the value head is not taken: RL trains a fresh critic).
    ///
    /// Why fold rather than keep training the same adapter: PPO after SFT needs the SFT model as its
    /// frozen reference; with the SFT adapter folded in and a fresh adapter on top, "adapters off"
    /// is exactly the SFT model (see ``withoutAdapters(_:)``).
    public func fold(checkpoint path: String) throws {
        let pairs = try loraPairsLoadingFullWeights(checkpoint: path)
        guard !pairs.isEmpty else { return }
        let byName = Dictionary(uniqueKeysWithValues: parameters().map { ($0.name, $0.tensor) })
        for p in pairs {
            guard let w = byName[p.prefix + ".weight"], w.shape == [p.rows, p.columns] else {
                throw LMError.badCheckpoint(path: path, reason: "LoRA pair \(p.prefix) does not fit this model")
            }
            let d = p.delta()
            for i in 0..<d.count { w.data[i] += d[i] }
        }
        refreshPrecision()
    }

    /// Readies the model for sampling only: every tensor frozen, a checkpoint's LoRA pairs attached as
    /// frozen side paths (a full fine-tuning checkpoint is loaded), and the GEMMs against the frozen
    /// weights at `precision`. Returns the precision that runs here.
    ///
    /// Why side paths rather than ``fold(checkpoint:)``: at bf16 the base weights are rounded to bf16,
    /// and a folded delta would be rounded with them. Kept apart, the adapter runs in Float32 beside the
    /// bf16 base, the way the RL rollouts that trained it ran theirs.
    @discardableResult
    public func prepareForSampling(adapter path: String?, precision requested: ComputePrecision) throws -> ComputePrecision {
        for p in parameters() { p.tensor.requiresGrad = false }
        if let path {
            let pairs = try loraPairsLoadingFullWeights(checkpoint: path)
            let byName = Dictionary(uniqueKeysWithValues: layers.flatMap { $0.projections.map { ($0.1.weight.name, $0.1) } })
            for p in pairs {
                guard let proj = byName[p.prefix + ".weight"], proj.weight.shape == [p.rows, p.columns] else {
                    throw LMError.badCheckpoint(path: path, reason: "LoRA pair \(p.prefix) does not fit this model")
                }
                try proj.attachAdapter(a: p.a, b: p.b, rank: p.rank, scale: p.scale)
            }
        }
        return setPrecision(requested)
    }

    /// A checkpoint's LoRA pairs. A checkpoint without any is a full fine-tuning one: its weights are
    /// loaded here (not the value head: RL trains a fresh critic) and the result is empty.
    private func loraPairsLoadingFullWeights(checkpoint path: String) throws -> [LoRAPair] {
        let (tensors, meta) = try SafeTensors.read(URL(fileURLWithPath: path))
        let pairs = try Self.loraPairs(tensors, meta: meta, path: path)
        if pairs.isEmpty {
            try load(weights: tensors.filter { !$0.key.hasPrefix("value_head.") && !$0.key.contains(".lora_") }, strict: true)
        }
        return pairs
    }

    /// One projection's adapter from a checkpoint: B (O, r), A (r, I) and its scale α/r.
    public struct LoRAPair {
        public var prefix: String
        public var a: [Float], b: [Float]
        public var rank: Int, rows: Int, columns: Int
        public var scale: Float
        /// (α/r)·B·A, (O, I) row-major.
        public func delta() -> [Float] {
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    loraDelta(a: ap.baseAddress!, b: bp.baseAddress!, rows: rows, rank: rank, columns: columns, scale: scale)
                }
            }
        }
    }

    /// The LoRA pairs of a checkpoint (empty when it holds none); the scale comes from its `lora` metadata.
    public static func loraPairs(_ tensors: NamedWeights, meta: [String: String], path: String) throws -> [LoRAPair] {
        let names = tensors.keys.filter { $0.hasSuffix(".lora_A.weight") && !$0.hasPrefix("optimizer.") }.sorted()
        guard !names.isEmpty else { return [] }
        guard let json = meta["lora"], let lora = try? JSONDecoder().decode(LoRAConfig.self, from: Data(json.utf8)) else {
            throw LMError.badCheckpoint(path: path, reason: "LoRA tensors but no `lora` settings in its metadata")
        }
        return try names.map { aName in
            let prefix = String(aName.dropLast(".lora_A.weight".count))
            guard let a = tensors[aName], let b = tensors[prefix + ".lora_B.weight"], a.shape.count == 2, b.shape.count == 2,
                  a.shape[0] == b.shape[1] else {
                throw LMError.badCheckpoint(path: path, reason: "malformed LoRA pair \(prefix)")
            }
            return LoRAPair(prefix: prefix, a: a.data, b: b.data, rank: a.shape[0], rows: b.shape[0], columns: a.shape[1],
                            scale: lora.alpha / Float(lora.rank))
        }
    }

    /// Writes one adapter file equal to `earlier` (a LoRA checkpoint folded in before training, or nil)
    /// plus this model's current LoRA, so generation needs a single file.
    ///
    /// Two low-rank updates of one projection stack into one of rank r₁ + r₂:
    /// `s₁B₁A₁ + s₂B₂A₂ = [s₁B₁ | s₂B₂]·[A₁; A₂]`, written with scale 1 (`lora: {rank: 1, alpha: 1}`;
    /// each pair's rank is read from its shapes).
    public func exportAdapter(stackingOn earlier: String?, to url: URL) throws {
        guard lora != nil else { throw LMError.invalidConfig(field: "lora", reason: "exportAdapter needs a LoRA model") }
        var pairs: [String: [LoRAPair]] = [:]
        if let earlier {
            let (tensors, meta) = try SafeTensors.read(URL(fileURLWithPath: earlier))
            for p in try Self.loraPairs(tensors, meta: meta, path: earlier) { pairs[p.prefix, default: []].append(p) }
        }
        for layer in layers {
            for (_, p) in layer.projections {
                guard let a = p.loraA, let b = p.loraB else { continue }
                let prefix = String(p.weight.name.dropLast(".weight".count))
                pairs[prefix, default: []].append(LoRAPair(
                    prefix: prefix, a: Array(UnsafeBufferPointer(start: a.data, count: a.count)),
                    b: Array(UnsafeBufferPointer(start: b.data, count: b.count)),
                    rank: a.shape[0], rows: b.shape[0], columns: a.shape[1], scale: p.loraScale))
            }
        }
        var arrays: [(name: String, shape: [Int], values: [Float])] = []
        for prefix in pairs.keys.sorted() {
            let ps = pairs[prefix]!, O = ps[0].rows, I = ps[0].columns, R = ps.reduce(0) { $0 + $1.rank }
            var a: [Float] = [], b = [Float](repeating: 0, count: O * R)
            var col = 0
            for p in ps {
                a += p.a
                for i in 0..<O { for k in 0..<p.rank { b[i * R + col + k] = p.scale * p.b[i * p.rank + k] } }
                col += p.rank
            }
            arrays.append((prefix + ".lora_A.weight", [R, I], a))
            arrays.append((prefix + ".lora_B.weight", [O, R], b))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let meta = ["format": "srcode-adapter-1", "lora": #"{"alpha":1,"rank":1,"targets":[]}"#,
                    "config": String(decoding: try encoder.encode(config), as: UTF8.self)]
        try SafeTensors.write(arrays: arrays, metadata: meta, to: url)
    }
}
