// `srcode data …`: import, split and describe vulnerability-fix datasets.
import ArgumentParser
import Foundation
import SRCodeData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Import, split and describe vulnerability-fix datasets.",
        subcommands: [DataImport.self, DataSplit.self, DataStats.self, DataExportVerl.self]
    )
}

struct DataImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Stream PrimeVul, SVEN/SafeCoder or CVEfixes rows into normalized VulnerabilityPair JSONL.",
        discussion: """
        Inputs are files or folders (.jsonl, .json, .csv); the layout is detected per file. Bad rows are \
        reported as file:line: reason, skipped and counted (all of them go to <out>.rejects.txt); --strict \
        stops at the first one.
        """
    )

    @Argument(help: "Input files or folders.") var inputs: [String]
    @Option(name: .shortAndLong, help: "Output JSONL path.") var out: String
    @Flag(help: "Fail on the first bad row.") var strict = false
    @Option(help: "Skip functions larger than this many bytes.") var maxFunctionBytes = 256 * 1024
    @Option(help: "A file of commits (shas or commit links, one per line) to leave out.") var excludeCommits: String?
    @Flag(help: "Keep duplicate pairs (same whitespace-normalized code).") var keepDuplicates = false
    @Option(help: "How many rejected rows to print (all are written to <out>.rejects.txt).") var showRejects = 20

    func run() throws {
        var options = ImportOptions()
        options.strict = strict
        options.limits = RowLimits(maxFunctionBytes: maxFunctionBytes)
        options.deduplicate = !keepDuplicates
        if let excludeCommits { options.excludeCommits = try Self.loadCommits(excludeCommits) }

        let rejectsPath = out + ".rejects.txt"
        guard FileManager.default.createFile(atPath: rejectsPath, contents: nil) else {
            throw ValidationError("\(rejectsPath): cannot create the rejects file")
        }
        let rejects = FileHandle(forWritingAtPath: rejectsPath)
        var shown = 0
        let importer = PairImporter(options: options) { error in
            rejects?.write(Data("\(error)\n".utf8))
            if shown < showRejects { printError("skip \(error)") }
            shown += 1
        }
        let writer = try JSONLWriter(path: out)
        // A DataError (bad input under --strict, unreadable file) prints as `Error: file:line: reason`, exit 1.
        for file in try PairImporter.inputFiles(inputs) {
            printError("import \(file)")
            try importer.importFile(file) { try writer.write($0) }
        }
        try writer.close()
        try? rejects?.close()
        if shown > showRejects { printError("… \(shown - showRejects) more rejected rows in \(rejectsPath)") }
        print(importer.summary.render(), terminator: "")
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try enc.encode(importer.summary).write(to: URL(fileURLWithPath: out + ".summary.json"))
        print("wrote \(writer.count) pairs to \(out)")
    }

    /// Loads a commit list; entries may be bare shas or `…/commit/<sha>` links.
    static func loadCommits(_ path: String) throws -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(file: path, line: 0, reason: "cannot read commit list")
        }
        var out: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            out.insert(String(t.split(separator: "/").last ?? Substring(t)).split(separator: " ").first.map(String.init) ?? t)
        }
        return out
    }
}

struct DataSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split pairs into train/valid/test by project/commit (no commit in two splits)."
    )
    @Argument(help: "VulnerabilityPair JSONL.") var input: String
    @Option(name: .shortAndLong, help: "Output folder for train/valid/test.jsonl.") var out: String
    @Option(help: "Validation fraction.") var valid = 0.1
    @Option(help: "Test fraction.") var test = 0.1
    @Option(help: "Seed of the commit-hash bucketing.") var seed: UInt64 = 0

    func run() throws {
        guard valid >= 0, test >= 0, valid + test < 1 else { throw ValidationError("--valid and --test must be ≥ 0 and sum below 1") }
        let counts = try PairSplitter(validFraction: valid, testFraction: test, seed: seed).write(input: input, outDir: out)
        for s in Split.allCases { print("\(s.rawValue): \(counts[s] ?? 0)") }
    }
}

struct DataStats: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts and size percentiles of a pair file.")
    @Argument(help: "VulnerabilityPair JSONL.") var input: String
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let stats = try DatasetStats.of(path: input)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try enc.encode(stats), as: UTF8.self))
        } else {
            print(stats.render(), terminator: "")
        }
    }
}
