// The `srcode` CLI root. Each subcommand family lives in its own file; this one only lists them.
import ArgumentParser

@main
struct SRCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "srcode",
        abstract: "Teach code language models to write secure code with token-level rewards.",
        subcommands: [
            DataCommand.self,
            ModelCommand.self,
            ScanCommand.self,
            Vul2SafeCommand.self,
            GenerateCommand.self,
            ChatCommand.self,
            ServeCommand.self,
            RewardCommand.self,
            TrainCommand.self,
            EvalCommand.self,
        ]
    )
}
