// The sampler draws from softmax(logits / T), whether it ranks the candidates (top-k, top-p) or not.
import Foundation
import Testing
@testable import LM

@Suite struct SamplerTests {
    /// Plain tempered sampling walks the candidates in vocabulary order, top-p ranks them first: both
    /// must give each token its probability (chi-square over 40,000 draws, far below any plausible
    /// bias), and top-k must never draw outside the k best.
    @Test(arguments: [(Float(1), 0, Float(1)), (0.8, 0, 1), (0.8, 0, 0.999999), (1.0, 3, 1)])
    func drawsFollowTheTemperedSoftmax(temperature: Float, topK: Int, topP: Float) {
        let logits: [Float] = [2.0, -1.0, 0.5, 3.0, 0.0, 1.5, -0.5, 2.5]
        let t = Double(temperature)
        let weights = logits.map { exp(Double($0) / t) }
        var p = weights.map { $0 / weights.reduce(0, +) }
        if topK > 0 {
            let kept = Set(logits.indices.sorted { logits[$0] > logits[$1] }.prefix(topK))
            p = p.indices.map { kept.contains($0) ? p[$0] : 0 }
            let s = p.reduce(0, +)
            p = p.map { $0 / s }
        }
        var counts = [Int](repeating: 0, count: logits.count)
        let n = 40_000
        for stream in 0..<n {
            var sampler = Sampler(params: SamplingParams(temperature: temperature, topP: topP, topK: topK, seed: 3), stream: stream)
            var copy = logits
            counts[Int(copy.withUnsafeMutableBufferPointer { sampler.sample($0, seen: []) }.token)] += 1
        }
        var chi2 = 0.0
        for (i, c) in counts.enumerated() {
            if p[i] == 0 { #expect(c == 0, "token \(i) is outside the top \(topK)"); continue }
            let e = p[i] * Double(n)
            chi2 += (Double(c) - e) * (Double(c) - e) / e
        }
        // 7 degrees of freedom at most: p < 1e-4 beyond 29.9.
        #expect(chi2 < 29.9, "counts \(counts) against \(p.map { $0 * Double(n) })")
    }
}
