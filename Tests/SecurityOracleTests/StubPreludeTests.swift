// The stub prelude: header-less snippets parse, and findings map back to snippet lines.
import Foundation
import Testing
@testable import SecurityOracle

/// A dataset-style function: unknown types, a macro annotation, a cast to an unknown type, struct members.
let headerlessSnippet = """
MagickExport Image *Shrink(const Image *image, struct dump_dir *dd, size_t n)
{
  Image *out = NULL;
  char *name = dd->dd_dirname;
  if (n > MAX_SIZE) return (Image *) NULL;
  out = CloneImage(image, (u64) n);
  out->columns = strlen(name) + dd->info->count;
  return out;
}
"""

@Test func preludeMakesHeaderlessSnippetParse() async throws {
    guard ToolProcess.firstAvailable(["clang-19", "clang"]) != nil else { print("skip: clang not installed"); return }
    let wrapped = await StubPrelude().wrap(SourceUnit(name: "snippet", text: headerlessSnippet))
    if let dump = ProcessInfo.processInfo.environment["SRCODE_DUMP_PRELUDE"] {
        let text = try String(contentsOfFile: dump, encoding: .utf8)
        let w = await StubPrelude().wrap(SourceUnit(name: dump, text: text))
        print(w.text.split(separator: "\n").suffix(text.split(separator: "\n").count + 12).prefix(14).joined(separator: "\n"), w.remainingErrors)
    }
    #expect(wrapped.remainingErrors.isEmpty, "\(wrapped.remainingErrors)")
    #expect(wrapped.snippetLine(wrapped.preludeLineCount + 1) == 1)
    #expect(wrapped.snippetLine(wrapped.preludeLineCount) == nil)
    let lines = wrapped.text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[wrapped.preludeLineCount].hasPrefix("MagickExport Image *Shrink"))
}

@Test func compileCheckAcceptsStubbedAndRejectsBroken() async {
    guard ToolProcess.firstAvailable(["clang-19", "clang"]) != nil else { print("skip: clang not installed"); return }
    let ok = await compileCheck(headerlessSnippet, cplusplus: false)
    #expect(ok.checked && ok.compiles, "\(ok.errors)")
    let broken = await compileCheck("int f(int a) {\n  return a +;\n}\n", cplusplus: false)
    #expect(broken.checked && !broken.compiles)
    #expect(broken.errors.first?.hasPrefix("2:") == true, "\(broken.errors)")
    let cpp = await compileCheck("std::string greet(const std::string &n) { return \"hi \" + n; }\n", cplusplus: true)
    #expect(cpp.compiles, "\(cpp.errors)")
}
