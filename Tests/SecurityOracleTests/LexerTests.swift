// The lexer: token kinds, byte offsets and line:column, literals of every shape, and malformed input.
import Testing
@testable import SecurityOracle

private func lex(_ s: String) -> (tokens: [CToken], text: [String], diags: [OracleDiagnostic]) {
    let b = Array(s.utf8)
    let r = CLexer.lex(b)
    return (r.tokens, r.tokens.map { String(decoding: b[Int($0.start)..<Int($0.end)], as: UTF8.self) }, r.diagnostics)
}

@Test func basicTokensWithPositions() {
    let r = lex("int x = 0x1F;\n  y->z += 1.5e-3; // c\n")
    #expect(r.text == ["int", "x", "=", "0x1F", ";", "y", "->", "z", "+=", "1.5e-3", ";", "// c"])
    #expect(r.tokens.map(\.kind) == [.identifier, .identifier, .punct, .number, .punct, .identifier, .punct, .identifier,
                                     .punct, .number, .punct, .comment])
    let y = r.tokens[5]
    #expect(y.line == 2 && y.column == 3 && y.start == 16)
}

@Test func commentsAndPreprocessorWithContinuations() {
    let r = lex("#define MAX(a, b) \\\n  ((a) > (b) ? (a) : (b))\n/* multi\nline */ int z;\n")
    #expect(r.tokens[0].kind == .preprocessor && r.text[0].hasSuffix("(b))"))
    #expect(r.tokens[1].kind == .comment && r.tokens[1].line == 3)
    #expect(r.text[2] == "int" && r.tokens[2].line == 4 && r.tokens[2].column == 9)
    // A '#' that does not start a line is a punctuator (stringizing inside a macro body is already consumed).
    #expect(lex("a # b").tokens[1].kind == .punct)
}

@Test func stringAndCharLiteralsWithPrefixes() {
    let r = lex(#"u8"a\"b" L'x' U"wide" u'c' "plain" 'q'"#)
    #expect(r.tokens.map(\.kind) == [.string, .char, .string, .char, .string, .char])
    #expect(r.text[0] == #"u8"a\"b""#)
}

@Test func rawStrings() {
    let r = lex("auto s = R\"xy(a \"quoted\" )\" \n line)xy\"; int k;")
    #expect(r.tokens[3].kind == .string && r.text[3].hasSuffix(")xy\""))
    #expect(r.text[5] == "int" && r.tokens[5].line == 2)
    // An invalid delimiter (a space) falls back to an ordinary R-prefixed string literal.
    let bad = lex("R\"a b(x\" y")
    #expect(bad.tokens.map(\.kind) == [.string, .identifier] && bad.text[0] == "R\"a b(x\"")
}

@Test func unterminatedCommentAndStringGiveDiagnostics() {
    let c = lex("int a; /* never closed\nint b;")
    #expect(c.tokens.last?.kind == .comment && c.tokens.last?.unterminated == true)
    #expect(c.diags.contains { $0.kind == .unterminatedComment && $0.position?.line == 1 && $0.position?.column == 8 })
    let s = lex("char *p = \"open\nint q;")
    #expect(s.diags.contains { $0.kind == .unterminatedString })
    #expect(s.text.contains("q"))  // lexing resumes on the next line
}

@Test func strayAndNonASCIIBytes() {
    let r = CLexer.lex([0x69, 0x6E, 0x74, 0x20, 0xFF, 0xFE, 0x20, 0x40, 0x78])
    #expect(r.tokens.map(\.kind) == [.identifier, .unknown, .unknown, .identifier])
}

@Test func everyByteIsCovered() {
    // Tokens are ordered, disjoint, and everything between them is whitespace.
    let src = "int main(){ char s[]=\"x\"; /*c*/ return s[0]%2; }\n#include <a.h>\n"
    let b = Array(src.utf8)
    var last = 0
    for t in CLexer.lex(b).tokens {
        #expect(Int(t.start) >= last && t.end > t.start)
        for k in last..<Int(t.start) { #expect([0x20, 0x0A, 0x09].contains(b[k])) }
        last = Int(t.end)
    }
}
