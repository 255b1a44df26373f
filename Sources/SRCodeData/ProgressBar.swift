// ProgressBar: one redrawn stderr line for long runs (a line per update when stderr is not a terminal).
import Foundation

/// `[#####.....] 12/40 steps  1.9 s/step  ETA 53s  loss 1.23`
///
/// One renderer for every long run (training, evaluation, Vul2Safe builds), so they look and log
/// alike. On a terminal the line is redrawn in place; in a log file (CI, nohup) each update is its
/// own line, at most one per `logInterval` seconds, so logs stay readable. The rate and the ETA
/// count only this process's work: a resumed run passes where it starts as `done`.
public struct ProgressBar: Sendable {
    public let total: Int
    /// Plural unit shown after the count ("steps", "prompts", "records").
    public let unit: String
    /// Shown after the ETA on every line (a model label, a run name); may be empty.
    public let label: String
    /// A disabled bar draws nothing (`--quiet`).
    public let enabled: Bool
    public var logInterval: Double = 10
    private let start = Date()
    private let startCount: Int
    private var lastLog = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) != 0

    public init(total: Int, done: Int = 0, unit: String = "steps", label: String = "", enabled: Bool = true) {
        self.total = total
        self.unit = unit
        self.label = label
        self.enabled = enabled
        startCount = done
        if enabled && done > 0 {
            let who = label.isEmpty ? "" : "\(label): "
            FileHandle.standardError.write(Data("\(who)resuming, \(done)/\(total) \(unit) already done\n".utf8))
        }
    }

    public mutating func update(_ done: Int, _ info: String = "") {
        let now = Date()
        guard enabled, isTerminal || done >= total || now.timeIntervalSince(lastLog) >= logInterval else { return }
        lastLog = now
        let width = 24, filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now.timeIntervalSince(start), fresh = done - startCount
        let rate = fresh > 0 ? elapsed / Double(fresh) : 0
        let eta = rate * Double(max(total - done, 0))
        let each = unit.hasSuffix("s") ? String(unit.dropLast()) : unit
        let tail = [label, info].filter { !$0.isEmpty }.joined(separator: "  ")
        let line = "[\(bar)] \(done)/\(total) \(unit)  \(String(format: "%.1f", rate)) s/\(each)  ETA \(Self.clock(eta))  \(tail)"
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + line + (isTerminal ? "" : "\n")).utf8))
    }

    /// Ends the redrawn line.
    public func finish() { if enabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }

    /// `53s`, `4m02s`, `1h07m`.
    public static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m"
            : t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : "\(t)s"
    }
}
