// SampleStore: samples.jsonl as a crash-safe, resumable log (whole prompts appended, then fsync).
import Foundation

/// The append-only sample log of one model's evaluation.
///
/// Resume design: the run appends all k samples of a prompt in one `write` and then `fsync`s, so after
/// kill -9 the file holds complete prompts plus at most one torn tail. Opening the store drops the torn
/// tail and any prompt with fewer than k samples (rewriting the file atomically only when something was
/// dropped), so a rerun regenerates exactly the missing prompts: nothing lost, nothing duplicated.
public final class SampleStore {
    public let path: String
    public let samplesPerPrompt: Int
    /// The samples already on disk, in file order.
    public private(set) var samples: [EvalSample] = []
    /// `recordID#promptIndex` of every complete prompt.
    public private(set) var done: Set<String> = []
    /// How many lines (or incomplete prompts' samples) were dropped when opening.
    public private(set) var dropped = 0
    private var handle: FileHandle?

    public static func key(_ recordID: String, _ promptIndex: Int) -> String { "\(recordID)#\(promptIndex)" }

    public init(path: String, samplesPerPrompt k: Int) throws {
        self.path = path
        samplesPerPrompt = k
        try load()
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle?.seekToEnd()
    }

    deinit { try? handle?.close() }

    private func load() throws {
        let fm = FileManager.default
        guard let data = fm.contents(atPath: path) else {
            guard fm.createFile(atPath: path, contents: nil) else { throw EvalError.unreadable(path, "cannot create") }
            return
        }
        let decoder = JSONDecoder()
        var parsed: [EvalSample] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let s = try? decoder.decode(EvalSample.self, from: Data(line)) { parsed.append(s) } else { dropped += 1 }
        }
        // Keep prompts with exactly k distinct sample indices; the first copy of a sample wins.
        var groups: [String: [Int: EvalSample]] = [:]
        for s in parsed where groups[Self.key(s.recordID, s.promptIndex)]?[s.sampleIndex] == nil {
            groups[Self.key(s.recordID, s.promptIndex), default: [:]][s.sampleIndex] = s
        }
        let complete = Set(groups.filter { g in g.value.count == samplesPerPrompt && (0..<samplesPerPrompt).allSatisfy { g.value[$0] != nil } }.keys)
        var seen = Set<String>()
        for s in parsed where complete.contains(Self.key(s.recordID, s.promptIndex)) {
            if seen.insert("\(Self.key(s.recordID, s.promptIndex))/\(s.sampleIndex)").inserted { samples.append(s) }
        }
        dropped += parsed.count - samples.count  // duplicates and the lines of incomplete prompts
        done = complete
        let tornTail = data.last.map { $0 != UInt8(ascii: "\n") } ?? false
        if dropped > 0 || tornTail {
            let encoder = Self.encoder
            var out = Data()
            for s in samples { out += try encoder.encode(s); out.append(UInt8(ascii: "\n")) }
            try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Changes every stored sample with `change` and replaces the file atomically (a kill leaves the old
    /// file or the new one, never a mix). Used to re-judge stored answers after the oracle changed.
    public func rewrite(_ change: (inout EvalSample) -> Void) throws {
        for i in samples.indices { change(&samples[i]) }
        let encoder = Self.encoder
        var out = Data()
        for s in samples { out += try encoder.encode(s); out.append(UInt8(ascii: "\n")) }
        try handle?.close()
        try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle?.seekToEnd()
    }

    /// Appends one prompt's samples in a single write and makes them durable before returning.
    public func append(prompt group: [EvalSample]) throws {
        guard let first = group.first else { return }
        let encoder = Self.encoder
        var out = Data()
        for s in group { out += try encoder.encode(s); out.append(UInt8(ascii: "\n")) }
        try handle?.write(contentsOf: out)
        try handle?.synchronize()
        samples += group
        done.insert(Self.key(first.recordID, first.promptIndex))
    }
}
