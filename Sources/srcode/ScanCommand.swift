// `srcode scan`: CWE findings for C/C++ files, folders and VulnerabilityPair JSONL, as text, JSON or SARIF.
import ArgumentParser
import Foundation
import SecurityOracle

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find CWE-tagged vulnerabilities in C/C++ files, folders and VulnerabilityPair JSONL.",
        discussion: "Exit status: 0 no findings, 1 findings, 2 error (bad input or tool selection)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Argument(help: "Files, folders (recursively: .c .h .cc .cpp …) or .jsonl files of VulnerabilityPair records.")
    var paths: [String]

    @Option(help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Option(help: "Comma-separated analyzers (\(AnalyzerRegistry.names.joined(separator: ","))). Default: \(AnalyzerRegistry.defaultToolNames.joined(separator: ",")).")
    var tools: String?

    @Option(name: .customLong("min-severity"), help: "Report findings at or above: low, medium, high.")
    var minSeverity: String = "low"

    @Option(name: .shortAndLong, help: "Write the report here instead of standard output.")
    var output: String?

    @Option(help: "Units analyzed in parallel.")
    var jobs: Int = 2

    @Option(name: .customLong("timeout"), help: "Seconds one analyzer may spend on one unit.")
    var timeout: Double = 60

    func run() async throws {
        guard let severity = Severity(rawValue: minSeverity.lowercased()) else {
            printError("error: --min-severity must be low, medium or high")
            throw ExitCode(2)
        }
        let names = tools.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            ?? AnalyzerRegistry.defaultToolNames
        let runner = ScanRunner(tools: names, minSeverity: severity, concurrency: jobs, perUnitTimeout: timeout)
        let result = await runner.run(paths: paths)
        let data: Data
        switch format {
        case .text: data = Data(result.text().utf8)
        case .json: data = try result.json()
        case .sarif: data = try result.sarif()
        }
        if let output {
            do { try data.write(to: URL(fileURLWithPath: output)) } catch {
                printError("error: cannot write \(output): \(error)")
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(data)
            if format != .text { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
        // Errors always reach stderr, whatever the format, so a SARIF consumer still sees why the exit is 2.
        if format != .text || output != nil {
            for e in result.toolErrors + result.inputs.errors { printError("error: \(e)") }
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
