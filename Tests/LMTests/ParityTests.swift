// Loss and gradient parity with a float64 PyTorch reference dump (dev/pytorch_parity.py → Fixtures/parity_tiny.json).
import Foundation
import Testing
@testable import LM
import Tensor

struct ParityDump: Decodable {
    struct Weight: Decodable { let shape: [Int]; let data: [Float] }
    let config: LlamaConfig
    let batch: Int
    let tokens: [Int32]
    let targets: [Int32]
    let weights: [Float]
    let loss: Double
    let parameters: [String: Weight]
    let grads: [String: [Double]]
}

@Suite struct ParityTests {
    @Test func lossAndGradientsMatchPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "parity_tiny", withExtension: "json", subdirectory: "Fixtures"))
        let dump = try JSONDecoder().decode(ParityDump.self, from: Data(contentsOf: url))
        var rng = SeededRNG(seed: 0)
        let model = try LlamaModel(config: dump.config, rng: &rng)
        let unknown = try model.load(weights: dump.parameters.mapValues { ($0.shape, $0.data) }, strict: true)
        #expect(unknown.isEmpty)
        let loss = try model.loss(tokens: dump.tokens, targets: dump.targets, batch: dump.batch, weights: dump.weights)
        #expect(abs(Double(loss.item()) - dump.loss) <= 1e-4 * abs(dump.loss), "loss \(loss.item()) vs torch \(dump.loss)")
        try loss.backward()
        for (name, tensor) in model.parameters() where !name.hasPrefix("value_head.") {
            let ref = try #require(dump.grads[name], "no reference gradient for \(name)")
            let got = try #require(tensor.grad, "no gradient reached \(name)").values
            let scale = max(1e-8, ref.map(abs).max()!)
            let worst = zip(got, ref).map { abs(Double($0) - $1) }.max()!
            #expect(worst <= 1e-3 * scale, "\(name): max |Δgrad| \(worst) vs scale \(scale)")
        }
    }
}
