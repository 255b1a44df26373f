// The generic checkers rules can name, and the dispatch from a rule to its checker.

/// A generic, table-driven checker. Rules (rules.json) pick one by name and parameterize it; the API facts
/// (api-facts.json) tell it which functions allocate, copy, format, open or execute.
public enum BuiltinChecker: String, CaseIterable, Sendable {
    case bannedCall = "banned-call"
    case unboundedCopy = "unbounded-copy"
    case scanfUnbounded = "scanf-unbounded"
    case copySizedBySource = "copy-sized-by-source"
    case bufferSizeExceeds = "buffer-size-exceeds"
    case loopBound = "loop-bound"
    case indexCheck = "index-check"
    case constantIndex = "constant-index"
    case nonliteralArg = "nonliteral-arg"
    case allocSizeOverflow = "alloc-size-overflow"
    case allocStrlen = "alloc-strlen"
    case uncheckedNull = "unchecked-null"
    case afterFree = "after-free"
    case leakEarlyReturn = "leak-early-return"
    case inputPath = "input-path"
    case toctou = "toctou"
    case uncheckedDivisor = "unchecked-divisor"
    case uncheckedReturn = "unchecked-return"
    case taintSink = "taint-sink"
    case uncheckedLength = "unchecked-length"
    case reallocOverwrite = "realloc-overwrite"
    case strncpyUnterminated = "strncpy-unterminated"
    case sizeofPointer = "sizeof-pointer"
    case paramIndex = "param-index"
    case inputLoopWrite = "input-loop-write"
    case hardcodedSecret = "hardcoded-secret"
    case lengthField = "length-field"
    case invalidFree = "invalid-free"
    case formatOverflow = "format-overflow"
}

/// What a checker reports: a span, an optional message suffix, and an optional confidence override.
struct Hit {
    var span: SourceSpan
    var detail: String? = nil
    var confidence: Confidence? = nil
}

extension FunctionScope {
    /// Runs one rule's checker over this function.
    func run(_ rule: OracleRule, _ checker: BuiltinChecker) -> [Hit] {
        let p = rule.params
        switch checker {
        case .bannedCall: return bannedCalls(p)
        case .unboundedCopy: return unboundedCopies()
        case .scanfUnbounded: return scanfUnbounded()
        case .copySizedBySource: return copiesSizedBySource()
        case .bufferSizeExceeds: return bufferSizeExceeds(access: p?.access ?? "write")
        case .loopBound: return loopBounds(access: p?.access ?? "write")
        case .indexCheck: return indexChecks()
        case .constantIndex: return constantIndexes(access: p?.access ?? "write")
        case .nonliteralArg: return nonliteralArgs(fact: p?.fact ?? "formatArg")
        case .allocSizeOverflow: return allocSizeOverflows(allocatorSuffixes: p?.suffixes ?? [])
        case .allocStrlen: return allocStrlen()
        case .uncheckedNull: return uncheckedNulls()
        case .afterFree: return afterFree(double: p?.mode == "double")
        case .leakEarlyReturn: return leaksOnEarlyReturn()
        case .inputPath: return inputPaths(sanitizers: Set(p?.sanitizers ?? []))
        case .toctou: return toctou()
        case .uncheckedDivisor: return uncheckedDivisors()
        case .uncheckedReturn: return uncheckedReturns(only: p?.functions.map(Set.init), exclude: Set(p?.exclude ?? []))
        case .taintSink: return taintSinks(index: p?.sink == "index")
        case .uncheckedLength: return uncheckedLengths(access: p?.access ?? "write")
        case .reallocOverwrite: return reallocOverwrites()
        case .strncpyUnterminated: return unterminatedBoundedCopies()
        case .sizeofPointer: return sizeofPointers()
        case .paramIndex: return paramIndexes(access: p?.access ?? "read")
        case .inputLoopWrite: return inputLoopWrites(readers: Set(p?.functions ?? []))
        case .hardcodedSecret: return hardcodedSecrets(words: p?.contextWords ?? [], keyWords: p?.keyWords ?? [])
        case .invalidFree: return invalidFrees()
        case .formatOverflow: return formatOverflows()
        case .lengthField: return lengthFieldCopies(readers: Set(p?.functions ?? []), readerPrefixes: p?.prefixes ?? [])
        }
    }
}
