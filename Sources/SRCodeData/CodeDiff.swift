// Where a fix changed a function: line ranges and exact character spans on both sides.

/// A half-open range of Unicode-scalar offsets `[start, end)` into one side of a pair.
public struct CharSpan: Codable, Sendable, Hashable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = end }
    public var length: Int { end - start }
    public func overlaps(_ other: CharSpan) -> Bool { start < other.end && other.start < end }
}

/// An inclusive range of 1-based line numbers on one side of a pair.
public struct LineRange: Codable, Sendable, Hashable {
    public var first: Int
    public var last: Int
    public init(first: Int, last: Int) { self.first = first; self.last = last }
    public func contains(_ line: Int) -> Bool { first <= line && line <= last }
    public func overlaps(_ other: LineRange) -> Bool { first <= other.last && other.first <= last }
}

/// The edit from vulnerable to fixed code.
///
/// `deleted*` index the vulnerable side, `added*` the fixed side. Line ranges come from a
/// line diff, spans from a character diff refined inside each changed hunk.
public struct CodeDiff: Codable, Sendable, Equatable {
    public var deletedLines: [LineRange]
    public var addedLines: [LineRange]
    public var deletedSpans: [CharSpan]
    public var addedSpans: [CharSpan]

    public init(deletedLines: [LineRange] = [], addedLines: [LineRange] = [],
                deletedSpans: [CharSpan] = [], addedSpans: [CharSpan] = []) {
        self.deletedLines = deletedLines
        self.addedLines = addedLines
        self.deletedSpans = deletedSpans
        self.addedSpans = addedSpans
    }

    enum CodingKeys: String, CodingKey {
        case deletedLines = "deleted_lines"
        case addedLines = "added_lines"
        case deletedSpans = "deleted_spans"
        case addedSpans = "added_spans"
    }

    /// Number of changed lines on both sides, the "diff size" reported by `data stats`.
    public var changedLineCount: Int {
        (deletedLines + addedLines).reduce(0) { $0 + $1.last - $1.first + 1 }
    }
}
