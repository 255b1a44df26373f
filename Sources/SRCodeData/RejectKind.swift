// The kinds of bad input the importer skips and counts, one summary line each.

/// Why a row was skipped. Raw values are the summary's labels.
public enum RejectKind: String, Codable, Sendable, CaseIterable, Comparable {
    case malformedJSON = "malformed JSON"
    case invalidUTF8 = "invalid UTF-8"
    case notAnObject = "not a JSON object"
    case unrecognized = "unrecognized row layout"
    case missingField = "missing field"
    case emptyFunction = "empty function"
    case tooLarge = "function over size limit"
    case lineTooLong = "line over size limit"
    case identical = "identical before/after"
    case unpaired = "unpaired row"
    case malformedCSV = "malformed CSV"

    public static func < (a: RejectKind, b: RejectKind) -> Bool { a.rawValue < b.rawValue }
}
