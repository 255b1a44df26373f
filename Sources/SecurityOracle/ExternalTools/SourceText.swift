// Converts the line:column positions external tools report into exact byte offsets of the analyzed text.

/// An index of a text's line starts, so `(line, column)` ↔ byte offset is O(log n) either way.
///
/// Tools disagree on columns (1-based bytes for gcc and clang, characters for flawfinder, none at all
/// for some cppcheck checks); everything is clamped to the line so a bad column never yields a
/// span outside the text.
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line (line 1 at index 0).
    public let lineStarts: [Int]

    public init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    public var lineCount: Int { lineStarts.count }

    /// Byte offset just past the last content byte of `line` (before its `\n`/`\r\n`).
    public func lineEnd(_ line: Int) -> Int {
        let l = max(1, min(line, lineCount))
        var end = l < lineCount ? lineStarts[l] - 1 : bytes.count
        if end > lineStarts[l - 1], end - 1 < bytes.count, end - 1 >= 0, bytes[end - 1] == 0x0D { end -= 1 }
        return max(end, lineStarts[l - 1])
    }

    // MARK: - Conversions

    /// The position at 1-based `line` and 1-based byte `column`, clamped into the text.
    public func position(line: Int, column: Int) -> SourcePosition {
        let l = max(1, min(line, lineCount))
        let start = lineStarts[l - 1]
        let offset = min(start + max(column, 1) - 1, lineEnd(l))
        return SourcePosition(line: l, column: offset - start + 1, offset: offset)
    }

    /// The position of byte `offset` (clamped).
    public func position(offset: Int) -> SourcePosition {
        let o = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        return SourcePosition(line: lo + 1, column: o - lineStarts[lo] + 1, offset: o)
    }

    // MARK: - Spans

    /// A span from a tool's start and (optional, exclusive) end position.
    ///
    /// When the tool gives no usable end (cppcheck, clang's zero-width carets), the span is widened to
    /// the statement: up to and including the next `;` on that line, else to the end of the line. That
    /// keeps spans on the offending statement instead of collapsing to one byte or growing to the function.
    public func span(line: Int, column: Int, endLine: Int? = nil, endColumn: Int? = nil) -> SourceSpan {
        var start = position(line: line, column: column)
        // A caret on leading whitespace (column 0/1 from line-only tools) moves to the first token.
        while start.offset < lineEnd(start.line), bytes[start.offset] == 0x20 || bytes[start.offset] == 0x09 {
            start = position(offset: start.offset + 1)
        }
        if let endLine, let endColumn {
            let end = position(line: endLine, column: endColumn)
            if end.offset > start.offset { return SourceSpan(start: start, end: end) }
        }
        return statementSpan(from: start)
    }

    /// From `start` to the end of its statement on the same line (through `;`), or the end of the line.
    public func statementSpan(from start: SourcePosition) -> SourceSpan {
        let limit = lineEnd(start.line)
        var o = start.offset
        var depth = 0
        while o < limit {
            let b = bytes[o]
            if b == UInt8(ascii: "(") { depth += 1 }
            if b == UInt8(ascii: ")") { depth -= 1 }
            o += 1
            if b == UInt8(ascii: ";") && depth <= 0 { break }
        }
        // Trim trailing blanks so the span ends on code.
        while o > start.offset + 1, bytes[o - 1] == 0x20 || bytes[o - 1] == 0x09 { o -= 1 }
        if o <= start.offset { o = min(start.offset + 1, bytes.count) }
        return SourceSpan(start: start, end: position(offset: o))
    }
}
