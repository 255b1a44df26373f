// Diagnostics and progress go to standard error, so data on standard output stays clean for pipes.
import Foundation

func printError(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
