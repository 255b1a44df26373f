// The structural pass: functions, parameters, arrays with constant sizes, bracket matching under stress.
import Foundation
import Testing
@testable import SecurityOracle

@Test func functionsParamsAndArrays() {
    let code = """
    #define LEN 16
    #define TWICE (LEN * 2)
    static char global_buf[LEN + 1];
    namespace app {
    int Widget::resize(const char *name, size_t n) const {
        char local[TWICE];
        int ids[sizeof(local) / 4];
        unsigned char key[] = "secret";
        return 0;
    }
    }
    void logf(const char *fmt, ...) { }
    """
    let src = CSource(bytes: Array(code.utf8))
    #expect(src.functions.map(\.name) == ["resize", "logf"])
    let f = src.functions[0]
    #expect(f.params.map(\.name) == ["name", "n"] && f.params[0].isPointer && !f.params[1].isPointer)
    #expect(f.arrays["local"]?.count == 32 && f.arrays["local"]?.byteSize == 32)
    #expect(f.arrays["ids"]?.count == 8)
    #expect(f.arrays["key"]?.count == 7)
    #expect(src.globalArrays["global_buf"]?.count == 17)
    #expect(src.functions[1].isFormatWrapper)
}

@Test func bracketStormStaysLinearAndDiagnosed() {
    let storm = String(repeating: "{", count: 100_000) + "int x;" + String(repeating: "}", count: 50_000)
    let clock = ContinuousClock()
    let t0 = clock.now
    let src = CSource(bytes: Array(storm.utf8))
    #expect(clock.now - t0 < .seconds(2))
    #expect(src.diagnostics.contains { $0.kind == .nestingTooDeep })
}

@Test func findingSpansAreExactCallExpressions() {
    let code = "void f(const char *s) {\n    char b[8];\n    strcpy(b, s);\n}\n"
    let fs = BuiltinAnalyzer().findings(in: code).filter { $0.ruleID == "builtin.unbounded-copy" }
    #expect(fs.count == 1)
    let f = fs[0]
    #expect(f.span.start.line == 3 && f.span.start.column == 5 && f.span.end.column == 17)
    let bytes = Array(code.utf8)
    #expect(String(decoding: bytes[f.span.start.offset..<f.span.end.offset], as: UTF8.self) == "strcpy(b, s)")
    #expect(f.tool == "builtin" && f.cwe == "CWE-120" && f.severity == .high)
}

@Test func statementSnippetIsAnalyzedAsTopLevelBody() {
    let r = BuiltinAnalyzer().run("char buf[16];\nstrcpy(buf, getenv(\"HOME\"));\nfree(p); free(p);\n")
    #expect(r.diagnostics.contains { $0.kind == .noFunctions })
    #expect(r.findings.contains { $0.ruleID == "builtin.unbounded-copy" && $0.span.start.line == 2 })
    #expect(r.findings.contains { $0.ruleID == "builtin.double-free" && $0.span.start.line == 3 && $0.span.start.column == 10 })
}

@Test func malformedRuleTablesNameTheFileAndRule() throws {
    let facts = Data(#"{"functions": {}, "borrowing": []}"#.utf8)
    let bad = Data(#"{"rules": [{"id": "x", "cwe": "CWE-1", "severity": "high", "confidence": "high", "message": "m", "checker": "nope"}]}"#.utf8)
    #expect { try RuleSet(rulesJSON: bad, factsJSON: facts) } throws: { "\($0)".contains("rules.json") && "\($0)".contains("rule x") }
    #expect { try RuleSet(rulesJSON: Data(#"{"rules": []}"#.utf8), factsJSON: Data("{".utf8)) } throws: { "\($0)".contains("api-facts.json") }
    let empty = try RuleSet(rulesJSON: Data(#"{"rules": []}"#.utf8), factsJSON: facts)
    #expect(BuiltinAnalyzer(ruleSet: empty).findings(in: "void f(char *s){char b[2]; strcpy(b, s);}").isEmpty)
}
