// `srcode data …`: import, split and describe vulnerability-fix datasets.
import ArgumentParser
import SRCodeData

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Import, split and describe vulnerability-fix datasets.",
        subcommands: []
    )
}
