// Fixture pairs, a fake oracle and a scripted teacher "brain" shared by the Vul2Safe tests.
import Foundation
import SRCodeData
import SecurityOracle
import Vul2Safe
import Vul2SafeTesting

enum Fixtures {
    static func pair(_ id: String, cwe: String, lang: Language = .c, name: String, vulnerable: String, fixed: String,
                     project: String = "demo", commit: String? = nil) -> VulnerabilityPair {
        VulnerabilityPair(id: "fixture:\(id)", source: "fixture", project: project, commit: commit ?? "c0ffee\(id)", cve: "CVE-2099-\(id)",
                          cwes: [cwe], language: lang, functionName: name, fileName: "\(name).c",
                          vulnerableCode: vulnerable, fixedCode: fixed, diff: CodeDiff(),
                          metadata: ["cve_description": "A flaw in \(name) lets a crafted input misbehave."], codeHash: id)
    }

    static let copyName = pair("1", cwe: "CWE-787", name: "copy_name", vulnerable: """
        int copy_name(char *dst, const char *src)
        {
            /* Copy the user name into the session record. */
            strcpy(dst, src);
            return 0;
        }
        """, fixed: """
        int copy_name(char *dst, const char *src)
        {
            /* Copy the user name into the session record. */
            if (strlen(src) >= 64)
                return -1;
            strncpy(dst, src, 63);
            dst[63] = '\\0';
            return 0;
        }
        """)

    static let getItem = pair("2", cwe: "CWE-476", name: "get_item", vulnerable: """
        int get_item(struct list *l, int i)
        {
            struct node *n = list_at(l, i);
            return n->value;
        }
        """, fixed: """
        int get_item(struct list *l, int i)
        {
            struct node *n = list_at(l, i);
            if (n == NULL)
                return -1;
            return n->value;
        }
        """)

    static let scale = pair("3", cwe: "CWE-190", name: "scale_size", vulnerable: """
        size_t scale_size(size_t n, size_t k)
        {
            size_t total = n * k;
            return total;
        }
        """, fixed: """
        size_t scale_size(size_t n, size_t k)
        {
            if (k != 0 && n > SIZE_MAX / k)
                return 0;
            size_t total = n * k;
            return total;
        }
        """)

    static let pyRead = pair("4", cwe: "CWE-22", lang: .python, name: "read_doc", vulnerable: """
        def read_doc(name):
            return open(os.path.join(BASE, name)).read()
        """, fixed: """
        def read_doc(name):
            path = os.path.realpath(os.path.join(BASE, name))
            if not path.startswith(BASE):
                raise ValueError(name)
            return open(path).read()
        """)

    static let all = [copyName, getItem, scale, pyRead]

    /// Writes pairs as JSONL (one line each, plus one bad line when `withBadLine`).
    static func writeJSONL(_ pairs: [VulnerabilityPair], to path: String, withBadLine: Bool = false) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var lines = try pairs.map { String(decoding: try enc.encode($0), as: UTF8.self) }
        if withBadLine { lines.insert("{\"id\": \"broken\"", at: 1) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func tempDir(_ tag: String) -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("v2s-\(tag)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

/// A fake oracle: flags fixed substrings as findings of a CWE, with byte spans.
struct FakeFindingSource: FindingSource {
    var rules: [(needle: String, cwe: String, severity: Severity)] = [
        ("strcpy(", "CWE-787", .high), ("n->value", "CWE-476", .medium), ("n * k", "CWE-190", .medium),
        ("gets(", "CWE-787", .high),
    ]
    func findings(code: String, language: Language) async -> [Finding]? {
        guard language.isCFamily else { return nil }
        let bytes = Array(code.utf8)
        var out: [Finding] = []
        for r in rules {
            let needle = Array(r.needle.utf8)
            guard needle.count <= bytes.count else { continue }
            var i = 0
            while i + needle.count <= bytes.count {
                if Array(bytes[i..<i + needle.count]) == needle {
                    // Guarded dereference: the fake treats a preceding NULL check as safe.
                    if r.cwe == "CWE-476" && code.contains("== NULL") { break }
                    if r.cwe == "CWE-190" && code.contains("SIZE_MAX") { break }
                    let s = SourcePosition(line: 1, column: i + 1, offset: i), e = SourcePosition(line: 1, column: i + needle.count + 1, offset: i + needle.count)
                    out.append(Finding(ruleID: "fake.\(r.needle)", cwe: r.cwe, severity: r.severity, confidence: .high,
                                       message: "fake", span: SourceSpan(start: s, end: e), tool: "fake"))
                    i += needle.count
                } else { i += 1 }
            }
        }
        return out
    }
}

/// A compile checker that accepts everything unless the code contains `#error`.
struct FakeCompileChecker: CompileChecker {
    func compiles(code: String, language: Language) async -> CompileVerdict {
        code.contains("#error") ? .errors(["#error in repair"]) : .compiles
    }
}

/// The scripted teacher: answers each protocol stage plausibly, in messy formats a real model uses.
enum FakeBrain {
    /// `repairs[functionName]` is the code the teacher proposes; absent → it echoes the vulnerable code.
    static func answer(_ text: String, repairs: [String: String]) -> String {
        let name = repairs.keys.first { text.contains("`\($0)`") } ?? ""
        if text.contains("### Task: analyze") {
            return "Sure! Here is my analysis.\n```json\n{\"root_cause\": \"unchecked length\", \"vulnerable_lines\": [4,], \"fix_strategy\": \"bound it\"}\n```\nHope this helps."
        }
        if text.contains("### Task: repair") {
            let code = repairs[name] ?? "int broken(void) { return 0; }"
            return "Here is the minimal secure version:\n\n```c\n\(code)\n```\n"
        }
        if text.contains("### Task: reflect") {
            return "{\"root_cause_removed\": true, \"behaviour_preserved\": true, \"new_issues\": [], \"verdict\": \"accept\", \"critique\": \"looks right\"}"
        }
        if text.contains("### Task: write task descriptions") {
            return """
            [{"style": "docstring", "prompt": "Write \(name) that copies a user name into the session record and returns 0 on success."},
             {"style": "issue-report", "prompt": "Please fix the buffer overflow in \(name) reported by QA last week."},
             {"style": "api-spec", "prompt": "Write \(name) that copies a user name into the session record and returns 0 on success!"},
             {"style": "code-completion", "prompt": "/* \(name): store the caller's name in the record */\\nint \(name)(char *dst, const char *src)\\n{"},
             {"style": "user-story", "prompt": "As an operator I want \(name) to store the login name so that sessions show who is connected."}]
            """
        }
        return "I do not understand."
    }
}
