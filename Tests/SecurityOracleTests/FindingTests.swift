// Finding ordering and span helpers.
import Testing
@testable import SecurityOracle

@Test func severityAndSpanBasics() {
    #expect(Severity.low < .medium && Severity.medium < .high)
    let a = SourceSpan(start: .init(line: 1, column: 1, offset: 0), end: .init(line: 1, column: 5, offset: 4))
    let b = SourceSpan(start: .init(line: 1, column: 4, offset: 3), end: .init(line: 1, column: 9, offset: 8))
    let c = SourceSpan(start: .init(line: 1, column: 5, offset: 4), end: .init(line: 1, column: 9, offset: 8))
    #expect(a.overlaps(b) && !a.overlaps(c))
}
