// VerlExport: PrimeVul+ prompts as verl's RL dataset rows (JSONL, or parquet through pyarrow), for training on a cluster.
import Foundation
import SRCodeData

/// Writes the implicit prompts of PrimeVul+ records in the row layout verl's `RLHFDataset` reads:
///
/// ```json
/// {"data_source": "primevul_plus", "prompt": [{"role": "user", "content": "…"}], "ability": "secure_code",
///  "reward_model": {"style": "rule", "ground_truth": "<record id>"},
///  "extra_info": {"split": "train", "index": 0, "record_id": "<record id>", "cwes": ["CWE-787"]}}
/// ```
///
/// One row per (record, prompt). `extra_info.record_id` is what the SRCode verl reward manager sends
/// to `srcode reward serve`, so the repair-pattern source knows the record. verl reads `.jsonl` as is;
/// for `.parquet` the JSONL is converted by pyarrow (a verl dependency) in `$SRCODE_PYTHON`.
public enum VerlExport {
    public struct Summary: Sendable, Equatable {
        public var records = 0
        public var rows = 0
    }

    /// The rows for `records` (usable ones only), in order.
    public static func rows(_ records: [TrainingRecord]) -> [[String: Any]] {
        var out: [[String: Any]] = []
        for r in records {
            for p in r.prompts {
                out.append([
                    "data_source": "primevul_plus",
                    "prompt": [["role": "user", "content": p.text]],
                    "ability": "secure_code",
                    "reward_model": ["style": "rule", "ground_truth": r.id],
                    "extra_info": ["split": r.split, "index": out.count, "record_id": r.id, "cwes": r.cwes],
                ])
            }
        }
        return out
    }

    /// Reads `split` of the PrimeVul+ JSONL at `input` and writes verl rows to `output` (`.jsonl` or `.parquet`).
    public static func export(input: String, split: String, output: String, strict: Bool = false, limit: Int? = nil,
                              skip: (DataError) -> Void = { _ in }) throws -> Summary {
        let records = try TrainingRecord.read(path: input, splits: [split], strict: strict, limit: limit, skip: skip)
        let rows = rows(records)
        let parquet = output.hasSuffix(".parquet")
        let jsonlPath = parquet ? output + ".tmp.jsonl" : output
        var text = Data()
        for row in rows {
            text.append(try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]))
            text.append(0x0A)
        }
        guard FileManager.default.createFile(atPath: jsonlPath, contents: text) else {
            throw DataError(file: jsonlPath, line: 0, reason: "cannot write")
        }
        if parquet {
            defer { try? FileManager.default.removeItem(atPath: jsonlPath) }
            try toParquet(jsonl: jsonlPath, output: output)
        }
        return Summary(records: records.count, rows: rows.count)
    }

    /// JSONL → parquet with pyarrow, in `$SRCODE_PYTHON` (else `python3`).
    static func toParquet(jsonl: String, output: String) throws {
        let python = ProcessInfo.processInfo.environment["SRCODE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let script = "import sys, pyarrow.json as j, pyarrow.parquet as p; p.write_table(j.read_json(sys.argv[1]), sys.argv[2])"
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proc.arguments = [python, "-c", script, jsonl, output]
        let err = Pipe()
        proc.standardError = err
        try proc.run()
        let msg = err.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        guard proc.terminationStatus == 0 else {
            let tail = String(decoding: msg.suffix(400), as: UTF8.self)
            throw DataError(file: output, line: 0, reason: "pyarrow conversion failed in \(python) (pip install pyarrow, or write .jsonl): \(tail)")
        }
    }
}
