// A read-only memory mapping of a whole file: weights are paged in on use, never copied.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory with `mmap(2)`.
///
/// Model files are hundreds of MB; mapping lets the kernel page tensors in lazily and share them
/// between processes, and lets quantized blocks be used in place. The mapping lives as long as
/// this object, so views into it (``bytes``) must not outlive it: holders keep a strong reference.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    /// Start of the mapping (nil only for an empty file).
    public let base: UnsafeRawPointer?

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ModelIOError(file: path, reason: "cannot open file (errno \(errno))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ModelIOError(file: path, reason: "cannot stat file") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw ModelIOError(file: path, reason: "not a regular file") }
        count = Int(st.st_size)
        if count == 0 { base = nil; return }
        let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw ModelIOError(file: path, reason: "mmap failed (errno \(errno))") }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The whole mapping as bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
