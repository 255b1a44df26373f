// The diff: hand-checked spans and lines, and SVEN's own char_changes on the real data when present.
import Foundation
import Testing
@testable import SRCodeData

@Test func diffSpansAndLinesOnAHandExample() {
    let v = "int f(char *s) {\n  char b[8];\n  strcpy(b, s);\n  return 0;\n}\n"
    let f = "int f(char *s) {\n  char b[8];\n  strncpy(b, s, sizeof b - 1);\n  b[7] = 0;\n  return 0;\n}\n"
    let d = TextDiff.codeDiff(vulnerable: v, fixed: f)
    #expect(d.deletedLines == [LineRange(first: 3, last: 3)])
    #expect(d.addedLines == [LineRange(first: 3, last: 4)])
    // Every deleted span lies in line 3 of v; every added span in lines 3–4 of f.
    let vs = Array(v.unicodeScalars), fs = Array(f.unicodeScalars)
    func line(_ scalars: [Unicode.Scalar], _ at: Int) -> Int { scalars[..<at].filter { $0 == "\n" }.count + 1 }
    #expect(!d.deletedSpans.isEmpty && d.deletedSpans.allSatisfy { line(vs, $0.start) == 3 })
    #expect(d.addedSpans.allSatisfy { (3...4).contains(line(fs, $0.start)) })
    // Applying the edit: removing deleted spans from v and added spans from f leaves the same text.
    func strip(_ s: [Unicode.Scalar], _ spans: [CharSpan]) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        for sp in spans { out.append(contentsOf: s[i..<sp.start]); i = sp.end }
        out.append(contentsOf: s[i...])
        return String(out)
    }
    #expect(strip(vs, d.deletedSpans) == strip(fs, d.addedSpans))
}

@Test func diffOfIdenticalAndEmptyTexts() {
    #expect(TextDiff.codeDiff(vulnerable: "a\nb\n", fixed: "a\nb\n") == CodeDiff())
    let d = TextDiff.codeDiff(vulnerable: "", fixed: "x\n")
    #expect(d.addedSpans == [CharSpan(start: 0, end: 2)] && d.addedLines == [LineRange(first: 1, last: 1)])
}

@Test func unicodeOffsetsCountScalars() {
    // "é" is one scalar (Python's str index), two UTF-8 bytes.
    let d = TextDiff.codeDiff(vulnerable: "/* é */ a = 1;", fixed: "/* é */ a = 2;", style: .minimal)
    #expect(d.deletedSpans == [CharSpan(start: 12, end: 13)])
}

/// Acceptance: our spans reproduce SVEN's `char_changes` on ≥ 95% of its pairs.
@Test func reproducesSVENCharChanges() throws {
    guard let data = Fixtures.sharedData else {
        print("skip: ../shared/data not present")
        return
    }
    var options = ImportOptions()
    options.deduplicate = false
    let (pairs, _, summary) = try importAll(["\(data)/sven/train", "\(data)/safecoder/train_sec-new-desc.jsonl"], options: options)
    let sven = pairs.filter { $0.source == "sven" }
    let matched = sven.filter { $0.metadata["char_changes_match"] == "true" }.count
    print("SVEN char_changes reproduced: \(matched)/\(sven.count); all: \(summary.charChangesMatched)/\(summary.charChangesChecked)")
    #expect(sven.count >= 700)
    #expect(Double(matched) >= 0.95 * Double(sven.count))
    #expect(Double(summary.charChangesMatched) >= 0.95 * Double(summary.charChangesChecked))
}
