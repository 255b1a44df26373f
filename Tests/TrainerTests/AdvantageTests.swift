// GAE and GRPO advantages against hand-computed examples.
import Testing
@testable import Trainer

func close(_ a: [Float], _ b: [Float], _ tol: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
}

@Test func gaeMatchesAHandComputedExample() {
    // δ2 = 1 − 0.3 = 0.7;  δ1 = 0.3 − 0.4 = −0.1;  δ0 = 0.4 − 0.5 = −0.1
    // A2 = 0.7;  A1 = −0.1 + 0.5·0.7 = 0.25;  A0 = −0.1 + 0.5·0.25 = 0.025
    let g = Advantages.gae(rewards: [0, 0, 1], values: [0.5, 0.4, 0.3], gamma: 1, lambda: 0.5)
    #expect(close(g.advantages, [0.025, 0.25, 0.7]))
    #expect(close(g.returns, [0.525, 0.65, 1.0]))
    // With γ = 0.9, λ = 0.95 and zero values, A_t = r_t + 0.855·A_{t+1}.
    let h = Advantages.gae(rewards: [1, -1, 2], values: [0, 0, 0], gamma: 0.9, lambda: 0.95)
    #expect(close(h.advantages, [1 + 0.855 * (-1 + 0.855 * 2), -1 + 0.855 * 2, 2]))
}

@Test func tokenRewardsMoveOnlyTheAdvantagesAtAndBeforeThem() {
    // A penalty on token 2 of 5, λ = 0, γ = 1, zero values: only token 2's advantage changes.
    let g = Advantages.gae(rewards: [0, 0, -1, 0, 0], values: [0, 0, 0, 0, 0], gamma: 1, lambda: 0)
    #expect(g.advantages == [0, 0, -1, 0, 0])
}

@Test func grpoNormalizesWithinEachGroup() {
    let a = Advantages.groupNormalized([1, 3, 5, 5], groupSize: 2)
    #expect(close(a, [-1, 1, 0, 0]))
}

@Test func klPenaltyAndWhitening() {
    let (r, kl) = Advantages.klPenalized(rewards: [1, 0], logprobs: [-1, -2], refLogprobs: [-1.5, -2], beta: 0.1)
    #expect(close(kl, [0.5, 0]) && close(r, [0.95, 0]))
    let w = Advantages.whiten([1, 2, 3, 4])
    #expect(abs(w.reduce(0, +)) < 1e-5 && abs(w.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-4)
}
