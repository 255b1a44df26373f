// HF hub downloads against the local fake hub: LFS redirects, checksums, resume, listing.
import Foundation
import ModelIO
import Testing
@testable import ModelHub

private func tempStore() -> ModelStore {
    let d = NSTemporaryDirectory() + "modelhub-test-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return ModelStore(root: d)
}

private func sha(_ b: [UInt8]) -> String { b.withUnsafeBytes { SHA256.hex($0) } }

@Test func downloadsLFSFileAndVerifiesSHA256() async throws {
    let hub = FakeHub(repo: "acme/tiny")
    let weights = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    hub.add("model.gguf", weights, lfs: true, etag: sha(weights))
    hub.add("README.md", Array("# tiny\n".utf8), lfs: false, etag: "0123456789abcdef0123456789abcdef01234567")
    let (server, port) = try await startFakeHub(hub)
    defer { _ = server.close() }
    let store = tempStore()
    let dl = HubDownloader(endpoint: "http://127.0.0.1:\(port)", store: store, token: nil)
    // No file named: the listing picks the one .gguf.
    let path = try await dl.download(repo: "acme/tiny", file: nil)
    #expect(path == store.root + "/hf/acme/tiny/model.gguf")
    #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == weights)
    #expect(hub.requests.contains("GET /api/models/acme/tiny"))
    // A second pull is served from the cache (HEAD only, no body transfer).
    let before = hub.requests.count
    _ = try await dl.download(repo: "acme/tiny", file: "model.gguf")
    #expect(!hub.requests[before...].contains { $0.hasPrefix("GET /lfs/") })
    // Plain git files: size-checked, no sha256 (their etag is a git blob id).
    let readme = try await dl.download(repo: "acme/tiny", file: "README.md")
    #expect(try String(contentsOfFile: readme, encoding: .utf8) == "# tiny\n")
}

@Test func resumesAPartialDownloadWithARangeRequest() async throws {
    let hub = FakeHub(repo: "acme/big")
    let weights = (0..<200_001).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    hub.add("w.gguf", weights, lfs: true, etag: sha(weights))
    let (server, port) = try await startFakeHub(hub)
    defer { _ = server.close() }
    let store = tempStore()
    let dir = store.root + "/hf/acme/big"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // An interrupted earlier run left the first 123,456 bytes.
    _ = FileManager.default.createFile(atPath: dir + "/w.gguf.incomplete", contents: Data(weights[0..<123_456]))
    let path = try await HubDownloader(endpoint: "http://127.0.0.1:\(port)", store: store, token: nil).download(repo: "acme/big", file: "w.gguf")
    #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == weights)
    #expect(hub.requests.contains("GET /lfs/w.gguf [bytes=123456-]"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/w.gguf.incomplete"))
}

@Test func rejectsContentThatFailsTheEtagChecksum() async throws {
    let hub = FakeHub(repo: "acme/bad")
    let weights = [UInt8](repeating: 7, count: 5000)
    hub.add("w.gguf", weights, lfs: true, etag: String(repeating: "ab", count: 32))
    let (server, port) = try await startFakeHub(hub)
    defer { _ = server.close() }
    let store = tempStore()
    await #expect(throws: ModelIOError.self) {
        try await HubDownloader(endpoint: "http://127.0.0.1:\(port)", store: store, token: nil).download(repo: "acme/bad", file: "w.gguf")
    }
    #expect(!FileManager.default.fileExists(atPath: store.root + "/hf/acme/bad/w.gguf"))
    #expect(!FileManager.default.fileExists(atPath: store.root + "/hf/acme/bad/w.gguf.incomplete"))
    // Unknown files are a clear HTTP error, not a hang.
    await #expect(throws: ModelIOError.self) {
        try await HubDownloader(endpoint: "http://127.0.0.1:\(port)", store: store, token: nil).download(repo: "acme/bad", file: "nope.gguf")
    }
}
