// Projection: a linear layer (HF nn.Linear layout) with an optional bias and an optional LoRA adapter.
import Foundation
import Tensor

/// Low-rank adapter settings: y = W x + b + (alpha / rank) · B (A x).
public struct LoRAConfig: Codable, Sendable, Equatable {
    public var rank: Int
    public var alpha: Float
    /// Projection names to adapt, e.g. "q_proj", "down_proj". Defaults to all attention and MLP projections.
    public var targets: [String]

    public init(rank: Int = 8, alpha: Float = 16,
                targets: [String] = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]) {
        self.rank = rank
        self.alpha = alpha
        self.targets = targets
    }
}

/// One projection's tensors. `loraA` (r, in) starts random and `loraB` (out, r) starts at zero, so an
/// adapted model computes exactly the base model until training moves B (as PEFT does).
public final class Projection {
    public let weight: Tensor
    public let bias: Tensor?
    public private(set) var loraA: Tensor?
    public private(set) var loraB: Tensor?
    public private(set) var loraScale: Float = 0
    /// Off: the projection computes its base weight only (the frozen reference policy of a LoRA run).
    var adapterEnabled = true

    init(_ prefix: String, out: Int, in inFeatures: Int, bias hasBias: Bool, rng: inout SeededRNG, random: Bool = true) {
        weight = Self.weight([out, inFeatures], rng: &rng, random: random, name: prefix + ".weight")
        bias = hasBias ? Tensor(zeros: [out], requiresGrad: true, name: prefix + ".bias") : nil
    }

    /// A trainable weight drawn from normal(0, 0.02), or zeros with nothing drawn (`random: false`).
    static func weight(_ shape: [Int], rng: inout SeededRNG, random: Bool, name: String) -> Tensor {
        random ? Tensor.randn(shape, std: 0.02, rng: &rng, requiresGrad: true, name: name)
            : Tensor(zeros: shape, requiresGrad: true, name: name)
    }

    /// Adds a LoRA adapter (names `<prefix>.lora_A.weight` / `.lora_B.weight`, the PEFT convention).
    func addLoRA(_ config: LoRAConfig, rng: inout SeededRNG) {
        let prefix = String(weight.name.dropLast(".weight".count))
        let (out, inFeatures) = (weight.shape[0], weight.shape[1])
        loraA = Tensor.randn([config.rank, inFeatures], std: 1 / Float(inFeatures).squareRoot(), rng: &rng,
                             requiresGrad: true, name: prefix + ".lora_A.weight")
        loraB = Tensor(zeros: [out, config.rank], requiresGrad: true, name: prefix + ".lora_B.weight")
        loraScale = config.alpha / Float(config.rank)
    }

    /// Sets a trained adapter as a frozen side path: B (out, r) and A (r, in) row-major, scale α/r
    /// (sampling only: ``LlamaModel/prepareForSampling(adapter:precision:)``).
    func attachAdapter(a: [Float], b: [Float], rank: Int, scale: Float) throws {
        let prefix = String(weight.name.dropLast(".weight".count))
        loraA = try Tensor(shape: [rank, weight.shape[1]], values: a, name: prefix + ".lora_A.weight")
        loraB = try Tensor(shape: [weight.shape[0], rank], values: b, name: prefix + ".lora_B.weight")
        loraScale = scale
    }

    /// x (…, in) → (…, out)
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let y = try linear(x, weight, bias)
        guard adapterEnabled, let a = loraA, let b = loraB else { return y }
        return try add(y, scale(linear(linear(x, a), b), loraScale))
    }

    var tensors: [Tensor] { [weight, bias, loraA, loraB].compactMap { $0 } }
}
