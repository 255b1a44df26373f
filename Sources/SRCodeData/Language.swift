// Source languages, inferred from dataset labels or file extensions.

/// The language of a pair's code. The oracle analyzes only ``c`` and ``cpp``.
public enum Language: String, Codable, Sendable, CaseIterable {
    case c, cpp, python, javascript, java, go, ruby, php, other

    /// `true` for the languages the security oracle analyzes.
    public var isCFamily: Bool { self == .c || self == .cpp }

    /// Infers from a file name's extension (`foo.cc` → ``cpp``); `nil` when there is no known extension.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "c", "h": self = .c
        case "cc", "cpp", "cxx", "hpp", "hh", "hxx", "c++": self = .cpp
        case "py": self = .python
        case "js", "jsx", "mjs", "ts", "tsx": self = .javascript
        case "java": self = .java
        case "go": self = .go
        case "rb": self = .ruby
        case "php": self = .php
        default: return nil
        }
    }

    /// Parses a dataset's language label (`C`, `CPP`, `C++`, `Python`, …).
    public init(label: String) {
        switch label.lowercased() {
        case "c": self = .c
        case "cpp", "c++", "cxx": self = .cpp
        case "py", "python": self = .python
        case "js", "javascript", "typescript", "ts": self = .javascript
        case "java": self = .java
        case "go", "golang": self = .go
        case "rb", "ruby": self = .ruby
        case "php": self = .php
        default: self = .other
        }
    }
}
