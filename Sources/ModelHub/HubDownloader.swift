// Downloads files from the Hugging Face hub (or a mirror) with resume and checksum verification.
import AsyncHTTPClient
import Foundation
import ModelIO
import NIOCore
import NIOHTTP1

/// A Hugging Face hub client for `srcode model pull hf:<org>/<name>[/<file>]`.
///
/// Protocol (what `huggingface_hub` does, reduced to what we need):
/// 1. `HEAD {endpoint}/{repo}/resolve/{revision}/{file}` without following redirects. For LFS files
///    the hub answers 302 with `X-Linked-Etag` (the file's SHA-256) and `X-Linked-Size`; plain git
///    files answer 200 with `ETag` and `Content-Length`.
/// 2. `GET` the same route (redirects followed), with `Range: bytes=N-` when `N` bytes already sit
///    in `<file>.incomplete` from an interrupted run; a 206 appends, a 200 restarts.
/// 3. The finished file must have the announced size and, when the etag is a SHA-256 (64 hex
///    digits, i.e. an LFS file), that digest; only then is it renamed into place.
///
/// Without a file name, `GET {endpoint}/api/models/{repo}` lists the repo and we fetch the one
/// `.gguf` (or, if none, the safetensors checkpoint with its config and tokenizer files).
///
/// The endpoint is `$HF_ENDPOINT` (default `https://huggingface.co`); `$HF_TOKEN` is sent as a
/// bearer token when set. Files land in `<model cache>/hf/<org>/<name>/`.
public struct HubDownloader: Sendable {
    public var endpoint: String
    public var revision: String
    public var store: ModelStore
    public var token: String?
    public var log: @Sendable (String) -> Void

    public init(endpoint: String? = nil, revision: String = "main", store: ModelStore = .default,
                token: String? = ProcessInfo.processInfo.environment["HF_TOKEN"], log: @escaping @Sendable (String) -> Void = { _ in }) {
        var e = endpoint ?? ProcessInfo.processInfo.environment["HF_ENDPOINT"] ?? "https://huggingface.co"
        while e.hasSuffix("/") { e.removeLast() }
        self.endpoint = e
        self.revision = revision
        self.store = store
        self.token = token
        self.log = log
    }

    /// Downloads `file` of `repo` (or the repo's model files) and returns the local path
    /// (the file, or the directory for a multi-file checkpoint).
    public func download(repo: String, file: String?) async throws -> String {
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(20), read: .seconds(60))))
        do {
            let dir = "\(store.root)/hf/\(repo)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let files: [String]
            if let file { files = [file] } else { files = try await modelFiles(repo: repo, client: client) }
            var last = dir
            for f in files { last = try await fetch(repo: repo, file: f, into: dir, client: client) }
            try await client.shutdown()
            return files.count == 1 ? last : dir
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    // MARK: - Listing

    /// The files that make up a model in `repo`: its `.gguf` (preferring Q4_K_M) or a safetensors checkpoint.
    func modelFiles(repo: String, client: HTTPClient) async throws -> [String] {
        let url = "\(endpoint)/api/models/\(repo)"
        let resp = try await client.execute(request(url, .GET), timeout: .seconds(60))
        guard resp.status == .ok else { throw ModelIOError(file: url, reason: "listing failed: HTTP \(resp.status.code)") }
        let body = try await resp.body.collect(upTo: 16 << 20)
        guard let o = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let sib = o["siblings"] as? [[String: Any]] else { throw ModelIOError(file: url, reason: "listing has no siblings array") }
        let names = sib.compactMap { $0["rfilename"] as? String }
        let ggufs = names.filter { $0.hasSuffix(".gguf") }
        if !ggufs.isEmpty { return [ggufs.first { $0.lowercased().contains("q4_k_m") } ?? ggufs.sorted()[0]] }
        let wanted = ["config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "model.safetensors.index.json"]
        let picked = names.filter { wanted.contains($0) || ($0.hasSuffix(".safetensors") && !$0.contains("/")) }
        guard picked.contains(where: { $0.hasSuffix(".safetensors") }) else {
            throw ModelIOError(file: url, reason: "repo has neither a .gguf nor .safetensors weights")
        }
        return picked.sorted()
    }

    // MARK: - One file

    func request(_ url: String, _ method: HTTPMethod, range from: Int? = nil) -> HTTPClientRequest {
        var r = HTTPClientRequest(url: url)
        r.method = method
        r.headers.add(name: "User-Agent", value: "srcode/0.1")
        if let token { r.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let from, from > 0 { r.headers.add(name: "Range", value: "bytes=\(from)-") }
        return r
    }

    /// Resolves redirects by hand so the first hop's `X-Linked-*` headers are seen (max 5 hops).
    func follow(_ url: String, _ method: HTTPMethod, range: Int? = nil, client: HTTPClient) async throws -> (HTTPClientResponse, HTTPHeaders) {
        var current = url
        var first: HTTPHeaders?
        for _ in 0..<6 {
            let resp = try await client.execute(request(current, method, range: range), timeout: .hours(6))
            if first == nil { first = resp.headers }
            guard (300..<400).contains(Int(resp.status.code)), let loc = resp.headers.first(name: "Location") else { return (resp, first!) }
            current = loc.hasPrefix("http") ? loc : endpoint + (loc.hasPrefix("/") ? loc : "/" + loc)
        }
        throw ModelIOError(file: url, reason: "too many redirects")
    }

    func fetch(repo: String, file: String, into dir: String, client: HTTPClient) async throws -> String {
        guard !file.contains(".."), !file.hasPrefix("/") else { throw ModelIOError(file: file, reason: "unsafe file name") }
        let url = "\(endpoint)/\(repo)/resolve/\(revision)/\(file)"
        let dest = "\(dir)/\(file)"
        try FileManager.default.createDirectory(atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // HEAD: size and etag (the linked ones win: they describe the LFS object, not the pointer).
        let (head, firstHeaders) = try await follow(url, .HEAD, client: client)
        guard head.status == .ok else { throw ModelIOError(file: url, reason: "HEAD failed: HTTP \(head.status.code)") }
        let etag = (firstHeaders.first(name: "X-Linked-Etag") ?? firstHeaders.first(name: "ETag") ?? head.headers.first(name: "ETag") ?? "")
            .replacingOccurrences(of: "W/", with: "").replacingOccurrences(of: "\"", with: "")
        guard let size = Int(firstHeaders.first(name: "X-Linked-Size") ?? head.headers.first(name: "Content-Length") ?? "") else {
            throw ModelIOError(file: url, reason: "no size announced (X-Linked-Size / Content-Length)")
        }
        let sha = etag.count == 64 && etag.allSatisfy(\.isHexDigit) ? etag.lowercased() : nil
        if let attrs = try? FileManager.default.attributesOfItem(atPath: dest), attrs[.size] as? Int == size {
            let cachedOK = try sha == nil || fileSHA256(dest) == sha
            if cachedOK { log("\(file): cached"); return dest }
        }
        let partial = dest + ".incomplete"
        var have = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        if have > size { have = 0 }
        if have == 0 { _ = FileManager.default.createFile(atPath: partial, contents: nil) }
        if have < size {
            let (resp, _) = try await follow(url, .GET, range: have, client: client)
            guard let out = FileHandle(forWritingAtPath: partial) else { throw ModelIOError(file: partial, reason: "cannot write") }
            switch resp.status {
            case .partialContent: try out.seekToEnd(); log("\(file): resuming at byte \(have)")
            case .ok: try out.truncate(atOffset: 0); have = 0
            default: throw ModelIOError(file: url, reason: "download failed: HTTP \(resp.status.code)")
            }
            var got = have
            for try await chunk in resp.body {
                got += chunk.readableBytes
                guard got <= size else { try out.close(); throw ModelIOError(file: url, reason: "server sent more than the announced \(size) bytes") }
                chunk.withUnsafeReadableBytes { out.write(Data($0)) }
            }
            try out.close()
            guard got == size else { throw ModelIOError(file: url, reason: "connection ended at \(got) of \(size) bytes; rerun to resume") }
        }
        if let sha {
            let digest = try fileSHA256(partial)
            guard digest == sha else {
                try? FileManager.default.removeItem(atPath: partial)
                throw ModelIOError(file: url, reason: "sha256 \(digest) does not match the hub's etag \(sha); partial file removed")
            }
        }
        try? FileManager.default.removeItem(atPath: dest)
        try FileManager.default.moveItem(atPath: partial, toPath: dest)
        log("\(file): \(size) bytes\(sha != nil ? ", sha256 ok" : "") → \(dest)")
        return dest
    }
}
