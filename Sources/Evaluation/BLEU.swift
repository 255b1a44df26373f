// BLEU: sacreBLEU's corpus BLEU on one hypothesis (13a tokenizer, exp smoothing), as CyberSecEval reports it beside the insecure rate.
import Foundation

/// The BLEU score CyberSecEval prints next to its insecure-code rate: similarity of the generated code
/// to the origin code the prompt was written from, a rough check that the model answered the task.
///
/// It reproduces `sacrebleu.corpus_bleu([hyp], [[ref]], smooth_method="exp", lowercase=False,
/// use_effective_order=False)` (PurpleLlama's `bleu.py`): the 13a tokenizer, clipped n-gram precisions
/// for n = 1…4, the brevity penalty, and "exp" smoothing, which replaces the k-th zero precision by
/// 100 / (2^k · total). A score is 0…100.
public enum BLEU {
    public static func score(hypothesis: String, reference: String) -> Double {
        let hyp = tokenize13a(hypothesis), ref = tokenize13a(reference)
        let maxOrder = 4
        var correct = [Int](repeating: 0, count: maxOrder), total = [Int](repeating: 0, count: maxOrder)
        for n in 1...maxOrder {
            let h = ngrams(hyp, n), r = ngrams(ref, n)
            correct[n - 1] = h.reduce(0) { $0 + min($1.value, r[$1.key] ?? 0) }
            total[n - 1] = max(0, hyp.count - n + 1)
        }
        let sys = Double(hyp.count), refLen = Double(ref.count)
        guard sys > 0 else { return 0 }
        let bp = sys < refLen ? exp(1 - refLen / sys) : 1
        var precisions = [Double](repeating: 0, count: maxOrder)
        var smooth = 1.0
        for n in 1...maxOrder {
            if total[n - 1] == 0 { break }
            if correct[n - 1] == 0 {
                smooth *= 2
                precisions[n - 1] = 100 / (smooth * Double(total[n - 1]))
            } else {
                precisions[n - 1] = 100 * Double(correct[n - 1]) / Double(total[n - 1])
            }
        }
        // sacreBLEU's my_log: log(0) is a large negative number, so a missing order zeroes the score.
        let logs = precisions.map { $0 == 0 ? -9_999_999_999 : log($0) }
        return bp * exp(logs.reduce(0, +) / Double(maxOrder))
    }

    static func ngrams(_ t: [Substring], _ n: Int) -> [ArraySlice<Substring>: Int] {
        var out: [ArraySlice<Substring>: Int] = [:]
        if t.count >= n { for i in 0...(t.count - n) { out[t[i..<(i + n)], default: 0] += 1 } }
        return out
    }

    /// sacreBLEU's `13a` tokenizer (mteval-v13a): split off punctuation and symbols; periods and commas
    /// only when not between digits; a dash after a digit.
    static func tokenize13a(_ text: String) -> [Substring] {
        var line = text.replacingOccurrences(of: "<skipped>", with: "")
            .replacingOccurrences(of: "-\n", with: "").replacingOccurrences(of: "\n", with: " ")
        if line.contains("&") {
            line = line.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        }
        line = " " + line + " "
        for (re, template) in rules { line = re.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: template) }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0.isWhitespace })
    }

    /// The four substitutions of sacreBLEU's `TokenizerRegexp`, in order.
    static let rules: [(NSRegularExpression, String)] = [
        (#"([\{-\~\[-\` -\&\(-\+\:-\@\/])"#, " $1 "),
        (#"([^0-9])([\.,])"#, "$1 $2 "),
        (#"([\.,])([^0-9])"#, " $1 $2"),
        (#"([0-9])(-)"#, "$1 $2 "),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }
}
