// The `pattern` prompt style: family choice, filled templates, no leaks, wiring into the build.
import Foundation
import SRCodeData
import Testing
@testable import Vul2Safe
import Vul2SafeTesting

@Suite(.serialized, .timeLimit(.minutes(10))) struct PatternTaskTests {
    let tasks = PatternTasks.bundled!

    @Test func aPairsCWEPicksItsFamily() {
        #expect(tasks.family(for: Fixtures.copyName).id == "string-copy")  // CWE-787
        let uaf = Fixtures.pair("u", cwe: "CWE-416", name: "drop", vulnerable: "void drop(int *p) { free(p); }\n", fixed: "void drop(int *p) { (void)p; }\n")
        #expect(tasks.family(for: uaf).id == "object-lifetime")
    }

    /// A CWE no family lists (CWE-200 is too broad to say what the code did) falls back to the
    /// operations on the lines the fix touched.
    @Test func anUnlistedCWEFallsBackToTheTouchedOperations() {
        let p = Fixtures.pair("s", cwe: "CWE-200", name: "run", vulnerable: """
            int run(const char *arg)
            {
                char cmd[64];
                snprintf(cmd, sizeof cmd, "ls %s", arg);
                return system(cmd);
            }
            """, fixed: """
            int run(const char *arg)
            {
                char cmd[64];
                snprintf(cmd, sizeof cmd, "ls %s", arg);
                return execlp("ls", "ls", arg, (char *)0);
            }
            """)
        #expect(tasks.family(for: p).id == "command")
        // No CWE family and no operation: a fallback family, the same every time.
        let q = Fixtures.pair("q", cwe: "CWE-999", name: "f", vulnerable: "int f(int a) { return a; }\n", fixed: "int f(int a) { return a + 0; }\n")
        #expect(tasks.fallback.contains(tasks.family(for: q).id))
        #expect(tasks.family(for: q) == tasks.family(for: q))
    }

    /// Words in comments and string literals on the touched lines are not operations: the comment names
    /// `system` and `popen` twice, the string names `rand`, the code itself copies with `memcpy`.
    @Test func commentsAndStringsOnTheTouchedLinesDoNotPickTheFamily() {
        let p = Fixtures.pair("c", cwe: "CWE-200", name: "put", vulnerable: """
            int put(char *dst, const char *src, int n)
            {
                /* no system() or popen() here; system and popen are for the shell */
                memcpy(dst, src, n);
                return puts("rand");
            }
            """, fixed: """
            int put(char *dst, const char *src, int n)
            {
                /* no system() or popen() here; system and popen are for the shell, and n is checked */
                if (n > 16) return -1;
                memcpy(dst, src, n);
                return puts("rand");
            }
            """)
        #expect(PatternTasks.touchedIdentifiers(p)["system"] == nil && PatternTasks.touchedIdentifiers(p)["rand"] == nil)
        #expect(PatternTasks.touchedIdentifiers(p)["memcpy"] == 1)
        #expect(tasks.family(for: p).id == "string-copy")
    }

    /// Every template of every family, in every setting, is filled completely, names the pair's
    /// language and leaks nothing under any CWE of its family.
    @Test func everyTemplateFillsAndNeverNamesTheRisk() {
        let filter = LeakageFilter()
        for fam in tasks.families {
            for (i, t) in fam.tasks.enumerated() {
                for s in tasks.settings {
                    var slots = s
                    slots["lang"] = "C"
                    let text = PatternTasks.fill(t.text, slots)
                    #expect(!text.contains("{"), "\(fam.id)#\(i): unfilled slot in \(text)")
                    #expect(text.contains(" C "), "\(fam.id)#\(i)")
                    #expect(t.style == "short-function" || t.style == "short-program")
                    let leaks = filter.leaks(in: text, cwes: fam.cwes)
                    #expect(leaks.isEmpty, "\(fam.id)#\(i) leaks \(leaks): \(text)")
                }
            }
        }
    }

    @Test func promptsAreDeterministicAndVaryTheSetting() {
        let a = tasks.prompts(for: Fixtures.copyName), b = tasks.prompts(for: Fixtures.copyName)
        #expect(a == b && a.count == tasks.family(for: Fixtures.copyName).tasks.count)
        #expect(a.allSatisfy { $0.origin == "pattern" && !$0.text.contains("copy_name") })
        #expect(Set(a.map(\.text)).count == a.count)
    }

    /// With `with_closers` (the bundled file sets it), pattern tasks end like users' requests: across pairs
    /// some carry a code-only closing line, in more than one layout, and some none; each pair's choice is
    /// fixed, no closer leaks a risk, and a file without the key leaves the tasks as they were.
    @Test func closingLinesComeFromTheShortTaskTemplates() throws {
        let t = ShortTaskTemplates.bundled
        let filter = LeakageFilter()
        var closed = 0, open = 0, layouts = Set<String>()
        for k in 0..<60 {
            let pair = Fixtures.pair("closer-\(k)", cwe: "CWE-787", name: "f", vulnerable: "void f(char *d, const char *s) { strcpy(d, s); }\n",
                                     fixed: "void f(char *d, const char *s) { strncpy(d, s, 8); }\n")
            let prompts = tasks.prompts(for: pair)
            #expect(prompts == tasks.prompts(for: pair))
            for p in prompts {
                let ending = t.closers.first { !$0.isEmpty && p.text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix($0) }
                if let c = ending {
                    closed += 1
                    let before = p.text.components(separatedBy: c)[0]
                    layouts.insert(before.hasSuffix("\n\n    ") ? "indented" : before.hasSuffix("\n\n") ? "blank-line" : "inline")
                } else { open += 1 }
                #expect(filter.leaks(in: p.text, cwes: ["CWE-787"]).isEmpty, "\(p.text)")
            }
        }
        #expect(closed > open / 2 && open > 0, "\(closed) with a closing line, \(open) without")
        #expect(layouts.count == 3, "\(layouts)")
        // The same file without `with_closers`: the bare tasks.
        let raw = try JSONSerialization.jsonObject(with: Data(PromptLibrary.resourceText("pattern-tasks.json")!.utf8)) as! [String: Any]
        let bare = try PatternTasks(json: JSONSerialization.data(withJSONObject: raw.filter { $0.key != "with_closers" }))
        #expect(bare.closers == nil && tasks.closers != nil)
        let p = bare.prompts(for: Fixtures.copyName)
        #expect(zip(p, tasks.prompts(for: Fixtures.copyName)).allSatisfy { $1.text.hasPrefix($0.text) })
        #expect(p.allSatisfy { text in !t.closers.contains { !$0.isEmpty && text.text.hasSuffix($0) } })
    }

    /// `--prompt-style pattern` without a teacher: each accepted record gets pattern tasks only.
    @Test func anOfflineBuildUsesPatternTasks() async throws {
        let dir = Fixtures.tempDir("pattern")
        try Fixtures.writeJSONL([Fixtures.copyName], to: dir + "/pairs.jsonl")
        var o = BuildOptions(input: dir + "/pairs.jsonl", outDirectory: dir + "/out")
        o.progress = false
        o.offline = true
        o.promptsPerPair = 2
        o.promptStyle = .pattern
        let gates = GateEvaluator(findingSource: FakeFindingSource(), compileChecker: FakeCompileChecker())
        _ = try await Vul2SafeBuilder(options: o, teacher: nil, gates: gates).run()
        let line = try String(contentsOfFile: dir + "/out/primevul_plus.jsonl", encoding: .utf8).split(separator: "\n")[0]
        let rec = try JSONDecoder().decode(PrimeVulPlusRecord.self, from: Data(line.utf8))
        #expect(rec.prompts.count == 2 && rec.prompts.allSatisfy { $0.origin == "pattern" })
        #expect(Array(tasks.prompts(for: Fixtures.copyName).prefix(2)) == rec.prompts)
    }

    @Test func badFilesAreRefused() {
        #expect(throws: (any Error).self) { try PatternTasks(json: Data(#"{"settings": [], "families": [], "fallback": []}"#.utf8)) }
        let unknownFallback = #"{"settings": [{"setting": "x"}], "families": [{"id": "a", "cwes": [], "operations": [], "tasks": [{"style": "short-function", "text": "t"}]}], "fallback": ["b"]}"#
        #expect(throws: (any Error).self) { try PatternTasks(json: Data(unknownFallback.utf8)) }
    }
}
