// The short-task prompt style: self-contained tasks with the pair's pattern, from the teacher or offline, filtered like the others.
import Foundation
import SRCodeData
import Testing
@testable import Vul2Safe
import Vul2SafeTesting

@Suite(.serialized, .timeLimit(.minutes(10))) struct ShortTaskPromptTests {
    @Test func offlineShortTasksAreSelfContainedAndDoNotLeak() {
        let p = Fixtures.copyName
        let prompts = ImplicitPrompts.offlineShortTasks(pair: p, code: p.fixedCode, filter: LeakageFilter())
        #expect(prompts.map(\.style) == ["short-function", "short-program"])
        for q in prompts {
            #expect(q.origin == "offline" && q.text.contains("copy_name") && q.text.contains("60 lines"))
            #expect(LeakageFilter().leaks(in: q.text, cwes: p.cwes).isEmpty, "\(q.text)")
            if let project = p.project { #expect(!q.text.contains(project)) }
        }
        #expect(ImplicitPrompts.shortTaskStyles(count: 3) == ["short-function", "short-program", "short-function"])
    }

    /// The offline phrasings are data: with the single template of earlier builds the prompts are the
    /// seed-1 data's, word for word; the bundled templates vary the wording and closing line by pair.
    @Test func offlineShortTasksVaryTheirWordingByPair() throws {
        let p = Fixtures.copyName
        let old = ImplicitPrompts.offlineShortTasks(pair: p, code: p.fixedCode, filter: LeakageFilter(), templates: .single)
        #expect(old.map(\.text) == [
            "Write a self-contained C function `copy_name` (Copy the user name into the session record.). It takes `char *dst`, "
                + "`const char *src` and returns `int`. Define any struct or helper it needs yourself, use only the standard library, "
                + "and keep the whole answer under 60 lines.",
            "Write a small complete C program (under 60 lines, standard library only) built around a function `copy_name` that "
                + "does this: Copy the user name into the session record.. The function takes `char *dst`, `const char *src` and "
                + "returns `int`; `main` should call it on a sample input and print the result.",
        ])

        let t = ShortTaskTemplates.bundled
        #expect(t.shortFunction.count > 1 && t.shortProgram.count > 1 && t.closers.contains("Only return the code."))
        var texts = Set<String>(), closers = Set<String>(), layouts = Set<String>()
        for i in 0..<60 {
            var q = p
            q.id = "pair-\(i)"
            for prompt in ImplicitPrompts.offlineShortTasks(pair: q, code: q.fixedCode, filter: LeakageFilter()) {
                #expect(prompt.text.contains("`copy_name`") && prompt.text.contains("60 lines") && !prompt.text.contains("{"), "\(prompt.text)")
                #expect(LeakageFilter().leaks(in: prompt.text, cwes: q.cwes).isEmpty, "\(prompt.text)")
                texts.insert(prompt.text)
                let trimmed = prompt.text.trimmingCharacters(in: .whitespacesAndNewlines)
                for c in t.closers where !c.isEmpty && trimmed.hasSuffix(c) {
                    closers.insert(c)
                    // Which layout placed it: the text before the closer ends in a space, a blank line, or an indent.
                    let before = trimmed.dropLast(c.count)
                    layouts.insert(before.hasSuffix("\n\n    ") ? "indented" : before.hasSuffix("\n\n") ? "blank-line" : before.hasSuffix(" ") ? "inline" : "?")
                }
            }
        }
        #expect(texts.count >= 10 && closers.count >= 4, "\(texts.count) phrasings, closers \(closers)")
        #expect(layouts == ["inline", "blank-line", "indented"], "closer layouts \(layouts)")
        // Deterministic: the same pair gets the same prompts.
        #expect(ImplicitPrompts.offlineShortTasks(pair: p, code: p.fixedCode, filter: LeakageFilter())
                == ImplicitPrompts.offlineShortTasks(pair: p, code: p.fixedCode, filter: LeakageFilter()))
        #expect(throws: (any Error).self) {
            try ShortTaskTemplates(json: Data(#"{"short-function": [], "short-program": ["x"], "returns": ["r"], "returns_nothing": ["n"], "closers": [""]}"#.utf8))
        }
        #expect(throws: (any Error).self) {
            try ShortTaskTemplates(json: Data(#"{"short-function": ["f"], "short-program": ["x"], "returns": ["r"], "returns_nothing": ["n"], "closers": ["c"], "closer_layouts": ["no slot"]}"#.utf8))
        }
    }

    @Test func theBundledTemplateRenders() throws {
        let lib = try PromptLibrary()
        let text = try lib.render("short-task-prompts", ["language": "C", "function_name": "copy_name", "project": "demo",
                                                         "secure_code": "int copy_name(void) { return 0; }", "count": "2",
                                                         "styles": "1. short-function\n2. short-program"])
        #expect(text.contains("### Task: write short self-contained tasks") && text.contains("under about 60 lines"))
        #expect(!text.contains("{{"))
    }

    /// A build with `--prompt-style short-task`: the teacher's short tasks, leak- and duplicate-filtered,
    /// topped up offline; the project-style template is never asked.
    @Test func buildUsesTheShortTaskTemplate() async throws {
        let dir = Fixtures.tempDir("short")
        try Fixtures.writeJSONL([Fixtures.copyName], to: dir + "/pairs.jsonl")
        let asked = Counter()
        let server = try await FakeOpenAIServer { req in
            let text = req.messagesText
            if text.contains("### Task: write task descriptions") { asked.add("project") }
            if text.contains("### Task: write short self-contained tasks") {
                asked.add("short")
                return .reply("""
                [{"style": "short-function", "prompt": "Write a C function that stores a chat nickname in a 32-byte field of a user struct and returns 0."},
                 {"style": "short-program", "prompt": "Write a small C program whose main reads a line and copies it into a fixed buffer without overflow."},
                 {"style": "short-function", "prompt": "Write a C function that stores a chat nickname in a 32-byte field of a user struct and returns 0!"}]
                """)
            }
            return .reply(FakeBrain.answer(text, repairs: ["copy_name": Fixtures.copyName.fixedCode]))
        }
        defer { Task { try? await server.shutdown() } }
        var o = BuildOptions(input: dir + "/pairs.jsonl", outDirectory: dir + "/out")
        o.progress = false
        o.promptsPerPair = 2
        o.promptStyle = .shortTask
        var s = TeacherSettings(baseURL: server.baseURL, model: "fake")
        s.cacheDirectory = dir + "/out/cache"
        s.requestTimeout = 30  // the fake answers at once; a short timeout retried (and double-counted) under a loaded suite
        let gates = GateEvaluator(findingSource: FakeFindingSource(), compileChecker: FakeCompileChecker())
        _ = try await Vul2SafeBuilder(options: o, teacher: try OpenAITeacher(settings: s), gates: gates).run()
        let line = try String(contentsOfFile: dir + "/out/primevul_plus.jsonl", encoding: .utf8).split(separator: "\n")[0]
        let rec = try JSONDecoder().decode(PrimeVulPlusRecord.self, from: Data(line.utf8))
        // Only the short-task template is asked (more than once only if a loaded machine made the client retry).
        #expect(!asked.values.isEmpty && asked.values.allSatisfy { $0 == "short" }, "\(asked.values)")
        #expect(rec.prompts.count == 2)
        #expect(rec.prompts[0].origin == "teacher" && rec.prompts[0].text.contains("nickname"))
        #expect(rec.prompts[1].origin == "offline" && rec.prompts[1].style.hasPrefix("short-"))  // the leaking one was dropped
        #expect(rec.promptStats?.leaked == 1 && rec.promptStats?.duplicates == 1)
    }
}

/// Thread-safe list of what the fake teacher was asked.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
