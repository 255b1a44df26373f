// `srcode reward serve`: the token-level security reward over HTTP, for verl / OpenRLHF on a GPU cluster (docs/SCALE-OUT.md).
import ArgumentParser
import Foundation
import RewardServer
import Rewards
import Trainer

struct RewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward", abstract: "The token-level security reward: serve it to a distributed RL trainer, or diagnose it on rollouts.",
        subcommands: [RewardServeCommand.self, RewardDiagnoseCommand.self])
}

struct RewardServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "HTTP reward server: POST /v1/rewards (per-token), POST /v1/openrlhf (scalar), GET /health, GET /metrics.")

    @Option(help: "Training recipe YAML: its `reward:` section weighs the sources exactly as `train ppo` does, and its data.train names the records.")
    var config: String?
    @Option(help: "PrimeVul+ JSONL whose records items may name by `record_id` (default: the recipe's data.train, if any).")
    var records: String?
    @Flag(inversion: .prefixedNo, help: "Run the compile gate (overrides the recipe's reward.check_compile).") var compile: Bool?
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port (0 = any free port; the bound port is printed).") var port = 8090
    @Option(name: .customLong("max-body-bytes"), help: "Largest accepted request body.") var maxBodyBytes = 32 << 20
    @Option(name: .customLong("max-batch"), help: "Most items per request.") var maxBatch = 1024
    @Option(name: .customLong("max-response-bytes"), help: "Longest response (UTF-8 bytes) per item.") var maxResponseBytes = 256 << 10
    @Option(name: .customLong("deadline"), help: "Seconds per request; items unscored by then answer deadline_exceeded.") var deadline = 60.0
    @Flag(help: "Fail on the first bad record line or unknown recipe key instead of skipping it.") var strict = false

    func run() async throws {
        var reward = RewardConfig()
        var recordsPath = records
        if let config {
            let recipe = try Recipe.load(path: config, strict: strict, warn: { printError("warning: \($0)") })
            reward = recipe.reward
            if recordsPath == nil, FileManager.default.fileExists(atPath: recipe.data.train) { recordsPath = recipe.data.train }
        }
        if let compile { reward.checkCompile = compile }
        let refs = try recordsPath.map { try ReferenceStore(path: $0, strict: strict) { printError("skip \($0)") } } ?? ReferenceStore()
        var limits = RewardServerLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxBatchItems = maxBatch
        limits.maxResponseBytes = maxResponseBytes
        limits.deadlineSeconds = deadline
        let server = RewardHTTPServer(scorer: RewardScorer(composer: RewardComposer(config: reward)), limits: limits, references: refs)
        let (host, level, checks) = (host, reward.level.rawValue, reward.checkCompile)
        try await server.run(host: host, port: port) { bound in
            FileHandle.standardOutput.write(Data(
                "srcode reward serve: \(refs.count) records, level \(level), compile gate \(checks ? "on" : "off") on http://\(host):\(bound)\n".utf8))
        }
    }
}
