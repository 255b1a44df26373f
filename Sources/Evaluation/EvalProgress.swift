// EvalProgress: a stderr progress line over prompts (same look as Trainer's ProgressBar, without depending on it).
import Foundation

/// `[#####.....] 12/40 prompts  3.1 s/prompt  ETA 1m52s  base  vuln 25%`
///
/// Redrawn in place on a terminal; one line per `logInterval` seconds in a log file.
struct EvalProgress {
    let total: Int
    let label: String
    let enabled: Bool
    var logInterval: Double = 10
    private let start = Date()
    private let startCount: Int
    private var lastLog = Date.distantPast
    private let isTerminal = isatty(fileno(stderr)) != 0

    /// `done` is where a resumed run starts, so the rate counts only this process's work.
    init(total: Int, done: Int, label: String, enabled: Bool) {
        self.total = total
        self.label = label
        self.enabled = enabled
        startCount = done
        if enabled && done > 0 { FileHandle.standardError.write(Data("\(label): resuming, \(done)/\(total) prompts already done\n".utf8)) }
    }

    mutating func update(_ done: Int, _ info: String = "") {
        let now = Date()
        guard enabled, isTerminal || done >= total || now.timeIntervalSince(lastLog) >= logInterval else { return }
        lastLog = now
        let width = 24, filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let fresh = done - startCount, elapsed = now.timeIntervalSince(start)
        let rate = fresh > 0 ? elapsed / Double(fresh) : 0
        let line = "[\(bar)] \(done)/\(total) prompts  \(String(format: "%.1f", rate)) s/prompt  ETA \(Self.clock(rate * Double(max(total - done, 0))))  \(label)  \(info)"
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + line + (isTerminal ? "" : "\n")).utf8))
    }

    func finish() { if enabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
    }
}
