// `srcode data export-verl`: PrimeVul+ prompts → verl's RL dataset (parquet or JSONL), for docs/SCALE-OUT.md.
import ArgumentParser
import Foundation
import Trainer

struct DataExportVerl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-verl",
        abstract: "Write a PrimeVul+ split's prompts as verl RL dataset rows (.parquet through pyarrow in $SRCODE_PYTHON, or .jsonl).")

    @Argument(help: "PrimeVul+ JSONL (from `srcode vul2safe build`).") var input: String
    @Option(help: "Record split to export.") var split = "train"
    @Option(name: .shortAndLong, help: "Output path ending in .parquet or .jsonl.") var output: String
    @Option(help: "At most this many records.") var limit: Int?
    @Flag(help: "Fail on the first bad line instead of skipping it.") var strict = false

    func run() throws {
        guard output.hasSuffix(".parquet") || output.hasSuffix(".jsonl") else {
            throw ValidationError("--output must end in .parquet or .jsonl (the two formats verl's RLHFDataset reads)")
        }
        let s = try VerlExport.export(input: input, split: split, output: output, strict: strict, limit: limit) { printError("skip \($0)") }
        print("export-verl: \(s.records) records, \(s.rows) prompts → \(output)")
    }
}
