// The one error type of ModelIO: which file, where in it, and why it was rejected.

/// A model, weight or tokenizer file was rejected (or a fetch failed).
///
/// Every parser in ModelIO validates before it trusts: offsets, counts and sizes read from a file
/// are checked against the file's real length before anything is allocated or dereferenced, and a
/// violation becomes this error rather than a crash. `offset` is a byte offset for binary formats.
public struct ModelIOError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var offset: Int?
    public var reason: String

    public init(file: String, offset: Int? = nil, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "\(file): at byte \(offset): \(reason)" }
        return "\(file): \(reason)"
    }
}
