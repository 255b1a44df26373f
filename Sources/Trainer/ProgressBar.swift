// ProgressBar: one redrawn stderr line for long runs (a line per update when stderr is not a terminal).
import Foundation

/// `[#####.....] 12/40 steps  1.9 s/step  ETA 53s  loss 1.23`
///
/// On a terminal the line is redrawn in place; in a log file (CI, nohup) each update is its own line,
/// at most one per `logInterval` seconds, so logs stay readable.
public struct ProgressBar {
    public let total: Int
    public let unit: String
    public var logInterval: Double = 10
    private let start = Date()
    private var startCount: Int
    private var lastLog = Date.distantPast
    private let isTerminal = isatty(fileno(stderr)) != 0

    /// `done` is where a resumed run starts, so the rate counts only this process's work.
    public init(total: Int, done: Int = 0, unit: String = "steps") {
        self.total = total
        self.unit = unit
        startCount = done
    }

    public mutating func update(_ done: Int, _ info: String = "") {
        let now = Date()
        guard isTerminal || done >= total || now.timeIntervalSince(lastLog) >= logInterval else { return }
        lastLog = now
        let width = 24, filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now.timeIntervalSince(start), fresh = done - startCount
        let rate = fresh > 0 ? elapsed / Double(fresh) : 0
        let eta = rate * Double(max(total - done, 0))
        let line = "[\(bar)] \(done)/\(total) \(unit)  \(String(format: "%.1f", rate)) s/step  ETA \(Self.clock(eta))  \(info)"
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + line + (isTerminal ? "" : "\n")).utf8))
    }

    /// Ends the redrawn line.
    public func finish() { if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
    }
}
