// verl dataset export: one row per (record, prompt) in verl's layout; parquet when pyarrow is available.
import Foundation
import Testing
@testable import Trainer

struct VerlExportTests {
    static func writeRecords() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verl-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let lines = [
            #"{"id": "pv-1", "split": "train", "cwes": ["CWE-120"], "prompts": [{"text": "Copy a name."}, {"text": "Store the user's name."}], "secure_code": "int a;", "vulnerable_code": "int b;"}"#,
            #"{"id": "pv-2", "split": "valid", "prompts": [{"text": "Parse a header."}], "secure_code": "int c;", "vulnerable_code": "int d;"}"#,
            #"{"id": "pv-3", "split": "train", "status": "rejected", "prompts": [{"text": "x"}], "secure_code": "int e;", "vulnerable_code": "int f;"}"#,
            "not json",
        ]
        let path = dir.appendingPathComponent("pv.jsonl").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func rowsFollowVerlsLayoutAndCarryTheRecordID() throws {
        let input = try Self.writeRecords()
        let out = input + ".verl.jsonl"
        var skipped: [String] = []
        let s = try VerlExport.export(input: input, split: "train", output: out) { skipped.append($0.description) }
        #expect(s == VerlExport.Summary(records: 1, rows: 2))
        #expect(skipped.count == 1 && skipped[0].hasSuffix("pv.jsonl:4: not a PrimeVul+ record: invalid JSON"))
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(rows.count == 2)
        let prompt = try #require(rows[1]["prompt"] as? [[String: String]])
        #expect(prompt == [["role": "user", "content": "Store the user's name."]])
        #expect((rows[0]["reward_model"] as? [String: String]) == ["style": "rule", "ground_truth": "pv-1"])
        let extra = try #require(rows[1]["extra_info"] as? [String: Any])
        #expect(extra["record_id"] as? String == "pv-1" && extra["index"] as? Int == 1 && extra["cwes"] as? [String] == ["CWE-120"])
        #expect(rows[0]["data_source"] as? String == "primevul_plus")
    }

    @Test func parquetThroughPyarrow() throws {
        let python = ProcessInfo.processInfo.environment["SRCODE_PYTHON"] ?? "python3"
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [python, "-c", "import pyarrow"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            print("SKIP: pyarrow is not importable in \(python) (set SRCODE_PYTHON to verl's environment)")
            return
        }
        let input = try Self.writeRecords()
        let out = input + ".parquet"
        #expect(try VerlExport.export(input: input, split: "train", output: out).rows == 2)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = [python, "-c", "import sys, pyarrow.parquet as p; t = p.read_table(sys.argv[1]).to_pylist(); "
                           + "assert len(t) == 2 and t[0]['extra_info']['record_id'] == 'pv-1' and t[0]['prompt'][0]['role'] == 'user', t", out]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: out + ".tmp.jsonl"))
    }
}
