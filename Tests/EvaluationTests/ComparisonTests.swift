// ModelComparison: the markdown table and the SVG bars agree with the reports.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Evaluation

func sample(_ id: String, cwe: String, vulnerable: Bool, compiles: Bool) -> EvalSample {
    let f = SampleFinding(ruleID: "r", cwe: cwe, severity: vulnerable ? .high : .low)
    return EvalSample(recordID: id, promptIndex: 0, sampleIndex: 0, cwe: cwe, prompt: "p", text: "t", code: "c;", hasCode: true,
                      findings: [f], compiles: compiles, compileErrors: [], tokens: 1, finishReason: "stop")
}

extension SampleFinding {
    init(ruleID: String, cwe: String, severity: SecurityOracle.Severity) {
        self.init(.init(ruleID: ruleID, cwe: cwe, severity: severity, confidence: .high, message: "",
                        span: .init(start: .init(line: 1, column: 1, offset: 0), end: .init(line: 1, column: 2, offset: 1)), tool: "builtin"))
    }
}

import SecurityOracle

@Test func comparisonTableAndBars() throws {
    let s = Fixtures.settings()
    let base = EvalReport(label: "base", model: "m", adapter: nil, settings: s,
                          samples: [sample("a", cwe: "CWE-787", vulnerable: true, compiles: true),
                                    sample("b", cwe: "CWE-476", vulnerable: false, compiles: true)], skippedLines: [], samplesPerMinute: nil)
    let tuned = EvalReport(label: "srcode", model: "m", adapter: "ck.safetensors", settings: s,
                           samples: [sample("a", cwe: "CWE-787", vulnerable: false, compiles: true),
                                     sample("b", cwe: "CWE-476", vulnerable: false, compiles: false)], skippedLines: [], samplesPerMinute: 3)
    let cmp = ModelComparison(reports: [base, tuned])
    #expect(cmp.cwes == ["CWE-476", "CWE-787"] && cmp.mismatches.isEmpty)
    let md = cmp.markdown()
    #expect(md.contains("| base | 2 | 50.0% | 50.0% | 100.0% | 0.0% | 1.00 | 0.50 |"))
    #expect(md.contains("| srcode | 2 | 0.0% | 0.0% | 50.0% | 0.0% | 1.00 | 0.00 |"))
    #expect(md.contains("| CWE-787 | 1 | 100.0% | 0.0% |"))
    let parser = XMLParser(data: Data(cmp.svg().utf8))
    final class Bars: NSObject, XMLParserDelegate {
        var bars: [[String: String]] = []
        func parser(_ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String]) {
            if a["class"] == "bar" { bars.append(a) }
        }
    }
    let d = Bars()
    parser.delegate = d
    #expect(parser.parse())
    // 3 overall categories × 2 models, plus 2 CWEs × 2 models.
    #expect(d.bars.count == 10)
    let v = d.bars.first { $0["data-series"] == "srcode" && $0["data-category"] == "compile rate" }
    #expect(v?["data-value"] == "0.5")
    var other = s
    other.seed = 7
    let mismatched = ModelComparison(reports: [base, EvalReport(label: "x", model: "m", adapter: nil, settings: other, samples: [], skippedLines: [], samplesPerMinute: nil)])
    #expect(mismatched.mismatches.count == 1)
}

/// `eval secure`'s report carries the overall vulnerability rate's prompt-level interval, the one
/// `eval run` reports (so the proof's summary needs no second bootstrap), and still reads reports
/// written before the field existed.
@Test func secureReportInterval() throws {
    var samples: [EvalSample] = []
    for p in 0..<20 {
        for k in 0..<2 {
            var s = sample("r\(p)", cwe: "CWE-787", vulnerable: p < 6 && (k == 0 || p < 3), compiles: true)
            s.sampleIndex = k
            samples.append(s)
        }
    }
    let r = EvalReport(label: "a", model: "m", adapter: nil, settings: Fixtures.settings(), samples: samples,
                       skippedLines: [], samplesPerMinute: nil)
    let v = try #require(r.vulnerabilityInterval)
    #expect(v.count == 9 && v.total == 40 && v.rate == r.overall.vulnerabilityRate)
    #expect(v == Statistics.rate(byPrompt: EvalReport.promptGroups(samples.reversed())))  // order-independent
    #expect(v.low < v.rate && v.rate < v.high)
    #expect(r.markdown().contains("- vulnerability rate 22.5% (9/40), 95% interval"))
    let json = try JSONEncoder().encode(r)
    #expect(try JSONDecoder().decode(EvalReport.self, from: json).vulnerabilityInterval == v)
    var old = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
    old["vulnerability_interval"] = nil
    let legacy = try JSONDecoder().decode(EvalReport.self, from: JSONSerialization.data(withJSONObject: old))
    #expect(legacy.vulnerabilityInterval == nil && legacy.overall == r.overall)
}
