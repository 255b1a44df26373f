// Turns `srcode scan` arguments (files, folders, VulnerabilityPair JSONL) into source units, rejecting bad input with a reason.
import Foundation
import SRCodeData

/// The units to analyze and the inputs that could not become units.
public struct ScanInputs: Sendable {
    public var units: [SourceUnit] = []
    /// `file[:line]: reason` for unreadable, binary, non-UTF-8, oversized or undecodable input.
    public var errors: [String] = []
    /// Informational skips (non-C/C++ pairs), not errors.
    public var notes: [String] = []

    /// Extensions collected when walking a folder.
    public static let sourceExtensions: Set<String> = ["c", "h", "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "ipp", "inl"]

    public init() {}

    /// Collects units from `paths`.
    /// - Parameter maxBytes: files (and JSONL lines) larger than this are rejected, not read into memory.
    public static func collect(_ paths: [String], maxBytes: Int = 10 << 20) -> ScanInputs {
        var out = ScanInputs()
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { out.errors.append("\(path): no such file or directory"); continue }
            if isDir.boolValue {
                guard let walker = fm.enumerator(atPath: path) else { out.errors.append("\(path): cannot list folder"); continue }
                var files: [String] = []
                while let rel = walker.nextObject() as? String {
                    let ext = (rel as NSString).pathExtension.lowercased()
                    if sourceExtensions.contains(ext) { files.append((path as NSString).appendingPathComponent(rel)) }
                }
                for f in files.sorted() { out.addFile(f, maxBytes: maxBytes) }
            } else if path.lowercased().hasSuffix(".jsonl") {
                out.addPairs(path, maxBytes: maxBytes)
            } else {
                out.addFile(path, maxBytes: maxBytes)
            }
        }
        return out
    }

    // MARK: - Files

    mutating func addFile(_ path: String, maxBytes: Int) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if let size, size > maxBytes {
            errors.append("\(path): skipped, \(size) bytes exceeds the \(maxBytes)-byte limit"); return
        }
        guard let data = FileManager.default.contents(atPath: path) else { errors.append("\(path): cannot read file"); return }
        switch Self.decode(data) {
        case .success(let text):
            let cpp = Language(fileName: path) == .cpp
            units.append(SourceUnit(name: path, text: text, isCPlusPlus: cpp))
        case .failure(let reason):
            errors.append("\(path): \(reason.message)")
        }
    }

    struct Rejection: Error { var message: String }

    /// Text of `data`, or why it is not C/C++ source: NUL bytes (binary) or invalid UTF-8 (with the offset).
    static func decode(_ data: Data) -> Result<String, Rejection> {
        let bytes = [UInt8](data)
        if let nul = bytes.prefix(1 << 16).firstIndex(of: 0) {
            return .failure(Rejection(message: "binary file (NUL byte at offset \(nul)), not scanned"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var it = bytes.makeIterator()
            var offset = 0
            var decoder = UTF8()
            loop: while true {
                switch decoder.decode(&it) {
                case .scalarValue(let s): offset += UTF8.width(s)
                case .emptyInput: break loop
                case .error: break loop
                }
            }
            return .failure(Rejection(message: "not valid UTF-8 (first bad byte near offset \(offset)), not scanned"))
        }
        return .success(text)
    }

    // MARK: - VulnerabilityPair JSONL

    mutating func addPairs(_ path: String, maxBytes: Int) {
        let reader: LineReader
        do { reader = try LineReader(path: path, maxLineBytes: maxBytes) } catch { errors.append("\(error)"); return }
        let decoder = JSONDecoder()
        while true {
            let line: LineReader.Line?
            do { line = try reader.next() } catch { errors.append("\(path): \(error)"); return }
            guard let line else { break }
            if line.tooLong { errors.append("\(path):\(line.number): line exceeds \(maxBytes) bytes, skipped"); continue }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                let pair = try decoder.decode(VulnerabilityPair.self, from: Data(line.bytes))
                guard pair.language.isCFamily else { notes.append("\(path):\(line.number): \(pair.id) is \(pair.language.rawValue), skipped"); continue }
                let cpp = pair.language == .cpp
                units.append(SourceUnit(name: "\(path)#\(pair.id)/vulnerable", text: pair.vulnerableCode, isCPlusPlus: cpp))
                units.append(SourceUnit(name: "\(path)#\(pair.id)/fixed", text: pair.fixedCode, isCPlusPlus: cpp))
            } catch {
                errors.append("\(path):\(line.number): not a VulnerabilityPair (\(DataError.reason(for: error)))")
            }
        }
    }
}
