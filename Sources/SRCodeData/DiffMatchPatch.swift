// A faithful port of diff-match-patch's `diff_main` (Neil Fraser; Apache-2.0), the character diff
// SVEN and SafeCoder used to compute their `char_changes`, so our spans reproduce theirs exactly.
//
// Texts are arrays of Unicode scalar values, as Python's `str` indexes them. Behaviour matches the
// Python reference with its default `Diff_Timeout = 1.0` (half-match on, line mode on for texts over
// 100 scalars); the time-based bail-out is kept only as a safety valve.
import Foundation

/// One edit operation of a diff over scalar arrays.
public enum DiffOp: Sendable { case equal, delete, insert }

/// Diffs of Unicode-scalar arrays, as `diff_match_patch.diff_main` computes them.
public struct DiffMatchPatch: Sendable {
    public typealias Text = [UInt32]
    public typealias Diff = (op: DiffOp, text: Text)

    /// Seconds before bisection gives up and reports a whole replace (the reference default is 1s).
    public var timeout: Double = 1.0

    public init(timeout: Double = 1.0) { self.timeout = timeout }

    /// The diff of two strings in scalar units.
    public func diff(_ a: String, _ b: String) -> [Diff] {
        diffMain(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value))
    }

    public func diffMain(_ text1: Text, _ text2: Text, checkLines: Bool = true) -> [Diff] {
        let deadline = timeout <= 0 ? Double.greatestFiniteMagnitude : Date().timeIntervalSince1970 + timeout
        return main(text1, text2, checkLines, deadline)
    }

    // MARK: - Core recursion

    private func main(_ t1: Text, _ t2: Text, _ checkLines: Bool, _ deadline: Double) -> [Diff] {
        if t1 == t2 { return t1.isEmpty ? [] : [(.equal, t1)] }
        let pre = commonPrefix(t1[...], t2[...])
        var a = Array(t1[pre...]), b = Array(t2[pre...])
        let suf = commonSuffix(a[...], b[...])
        let suffix = Array(a[(a.count - suf)...])
        a.removeLast(suf); b.removeLast(suf)
        var diffs = compute(a, b, checkLines, deadline)
        if pre > 0 { diffs.insert((.equal, Array(t1[..<pre])), at: 0) }
        if !suffix.isEmpty { diffs.append((.equal, suffix)) }
        cleanupMerge(&diffs)
        return diffs
    }

    private func compute(_ t1: Text, _ t2: Text, _ checkLines: Bool, _ deadline: Double) -> [Diff] {
        if t1.isEmpty { return [(.insert, t2)] }
        if t2.isEmpty { return [(.delete, t1)] }
        let (long, short) = t1.count > t2.count ? (t1, t2) : (t2, t1)
        if let i = find(long[...], short[...], from: 0) {
            let op: DiffOp = t1.count > t2.count ? .delete : .insert
            return [(op, Array(long[..<i])), (.equal, short), (op, Array(long[(i + short.count)...]))]
        }
        if short.count == 1 { return [(.delete, t1), (.insert, t2)] }
        if let hm = halfMatch(t1, t2) {
            return main(hm.t1a, hm.t2a, checkLines, deadline) + [(.equal, hm.common)]
                + main(hm.t1b, hm.t2b, checkLines, deadline)
        }
        if checkLines && t1.count > 100 && t2.count > 100 { return lineMode(t1, t2, deadline) }
        return bisect(t1, t2, deadline)
    }

    // MARK: - Line mode

    private func lineMode(_ text1: Text, _ text2: Text, _ deadline: Double) -> [Diff] {
        var lines: [Text] = [[]]
        var index: [Text: UInt32] = [:]
        func munge(_ text: Text, maxLines: Int) -> Text {
            var out: Text = []
            var start = 0
            var end = -1
            while end < text.count - 1 {
                end = text[start...].firstIndex(of: 10) ?? (text.count - 1)
                var line = Array(text[start...end])
                if let k = index[line] {
                    out.append(k)
                } else {
                    if lines.count == maxLines { line = Array(text[start...]); end = text.count }
                    lines.append(line)
                    index[line] = UInt32(lines.count - 1)
                    out.append(UInt32(lines.count - 1))
                }
                start = end + 1
            }
            return out
        }
        let c1 = munge(text1, maxLines: 666_666)
        let c2 = munge(text2, maxLines: 1_114_111)
        var diffs = main(c1, c2, false, deadline).map { d in (op: d.op, text: d.text.flatMap { lines[Int($0)] }) }
        cleanupSemantic(&diffs)
        diffs.append((.equal, []))
        var pointer = 0, countDelete = 0, countInsert = 0
        var textDelete: Text = [], textInsert: Text = []
        while pointer < diffs.count {
            switch diffs[pointer].op {
            case .insert: countInsert += 1; textInsert += diffs[pointer].text
            case .delete: countDelete += 1; textDelete += diffs[pointer].text
            case .equal:
                if countDelete >= 1 && countInsert >= 1 {
                    let sub = main(textDelete, textInsert, false, deadline)
                    let lo = pointer - countDelete - countInsert
                    diffs.replaceSubrange(lo..<pointer, with: sub)
                    pointer = lo + sub.count
                }
                countInsert = 0; countDelete = 0; textDelete = []; textInsert = []
            }
            pointer += 1
        }
        diffs.removeLast()
        return diffs
    }

    // MARK: - Myers bisection (middle snake)

    private func bisect(_ t1: Text, _ t2: Text, _ deadline: Double) -> [Diff] {
        let n1 = t1.count, n2 = t2.count
        let maxD = (n1 + n2 + 1) / 2
        let vOffset = maxD, vLength = 2 * maxD
        var v1 = [Int](repeating: -1, count: vLength), v2 = v1
        v1[vOffset + 1] = 0; v2[vOffset + 1] = 0
        let delta = n1 - n2
        let front = delta % 2 != 0
        var k1start = 0, k1end = 0, k2start = 0, k2end = 0
        for d in 0..<maxD {
            if d & 63 == 0 && Date().timeIntervalSince1970 > deadline { break }
            var k1 = -d + k1start
            while k1 < d + 1 - k1end {
                let k1o = vOffset + k1
                var x1 = (k1 == -d || (k1 != d && v1[k1o - 1] < v1[k1o + 1])) ? v1[k1o + 1] : v1[k1o - 1] + 1
                var y1 = x1 - k1
                while x1 < n1 && y1 < n2 && t1[x1] == t2[y1] { x1 += 1; y1 += 1 }
                v1[k1o] = x1
                if x1 > n1 { k1end += 2 } else if y1 > n2 { k1start += 2 } else if front {
                    let k2o = vOffset + delta - k1
                    if k2o >= 0 && k2o < vLength && v2[k2o] != -1 && x1 >= n1 - v2[k2o] {
                        return bisectSplit(t1, t2, x1, y1, deadline)
                    }
                }
                k1 += 2
            }
            var k2 = -d + k2start
            while k2 < d + 1 - k2end {
                let k2o = vOffset + k2
                var x2 = (k2 == -d || (k2 != d && v2[k2o - 1] < v2[k2o + 1])) ? v2[k2o + 1] : v2[k2o - 1] + 1
                var y2 = x2 - k2
                while x2 < n1 && y2 < n2 && t1[n1 - x2 - 1] == t2[n2 - y2 - 1] { x2 += 1; y2 += 1 }
                v2[k2o] = x2
                if x2 > n1 { k2end += 2 } else if y2 > n2 { k2start += 2 } else if !front {
                    let k1o = vOffset + delta - k2
                    if k1o >= 0 && k1o < vLength && v1[k1o] != -1 {
                        let x1 = v1[k1o]
                        let y1 = vOffset + x1 - k1o
                        if x1 >= n1 - x2 { return bisectSplit(t1, t2, x1, y1, deadline) }
                    }
                }
                k2 += 2
            }
        }
        return [(.delete, t1), (.insert, t2)]
    }

    private func bisectSplit(_ t1: Text, _ t2: Text, _ x: Int, _ y: Int, _ deadline: Double) -> [Diff] {
        main(Array(t1[..<x]), Array(t2[..<y]), false, deadline) + main(Array(t1[x...]), Array(t2[y...]), false, deadline)
    }

    // MARK: - Half match

    private struct HalfMatch { var t1a, t1b, t2a, t2b, common: Text }

    private func halfMatch(_ t1: Text, _ t2: Text) -> HalfMatch? {
        if timeout <= 0 { return nil }
        let (long, short) = t1.count > t2.count ? (t1, t2) : (t2, t1)
        if long.count < 4 || short.count * 2 < long.count { return nil }
        func halfMatchI(_ i: Int) -> (Text, Text, Text, Text, Text)? {
            let seed = long[i..<(i + long.count / 4)]
            var best: (common: Text, la: Text, lb: Text, sa: Text, sb: Text) = ([], [], [], [], [])
            var j = find(short[...], seed, from: 0)
            while let jj = j {
                let p = commonPrefix(long[i...], short[jj...])
                let s = commonSuffix(long[..<i], short[..<jj])
                if best.common.count < s + p {
                    best = (Array(short[(jj - s)..<(jj + p)]), Array(long[..<(i - s)]), Array(long[(i + p)...]),
                            Array(short[..<(jj - s)]), Array(short[(jj + p)...]))
                }
                j = find(short[...], seed, from: jj + 1)
            }
            return best.common.count * 2 >= long.count ? (best.la, best.lb, best.sa, best.sb, best.common) : nil
        }
        let hm1 = halfMatchI((long.count + 3) / 4)
        let hm2 = halfMatchI((long.count + 1) / 2)
        let hm: (Text, Text, Text, Text, Text)
        switch (hm1, hm2) {
        case (nil, nil): return nil
        case (let h?, nil): hm = h
        case (nil, let h?): hm = h
        case (let h1?, let h2?): hm = h1.4.count > h2.4.count ? h1 : h2
        }
        if t1.count > t2.count { return HalfMatch(t1a: hm.0, t1b: hm.1, t2a: hm.2, t2b: hm.3, common: hm.4) }
        return HalfMatch(t1a: hm.2, t1b: hm.3, t2a: hm.0, t2b: hm.1, common: hm.4)
    }

    // MARK: - Semantic cleanup (applied to the line-level diff only)

    /// `diff_cleanupSemantic`: trades minimality for edits aligned to words and lines.
    public func cleanupSemantic(_ diffs: inout [Diff]) {
        var changes = false
        var equalities: [Int] = []
        var lastEquality: Text? = nil
        var pointer = 0
        var ins1 = 0, del1 = 0, ins2 = 0, del2 = 0
        while pointer < diffs.count {
            if diffs[pointer].op == .equal {
                equalities.append(pointer)
                ins1 = ins2; ins2 = 0; del1 = del2; del2 = 0
                lastEquality = diffs[pointer].text
            } else {
                if diffs[pointer].op == .insert { ins2 += diffs[pointer].text.count } else { del2 += diffs[pointer].text.count }
                if let le = lastEquality, !le.isEmpty, le.count <= max(ins1, del1), le.count <= max(ins2, del2) {
                    let e = equalities.last!
                    diffs.insert((.delete, le), at: e)
                    diffs[e + 1] = (.insert, diffs[e + 1].text)
                    equalities.removeLast()
                    if !equalities.isEmpty { equalities.removeLast() }
                    pointer = equalities.last ?? -1
                    ins1 = 0; del1 = 0; ins2 = 0; del2 = 0
                    lastEquality = nil
                    changes = true
                }
            }
            pointer += 1
        }
        if changes { cleanupMerge(&diffs) }
        cleanupSemanticLossless(&diffs)
        pointer = 1
        while pointer < diffs.count {
            if diffs[pointer - 1].op == .delete && diffs[pointer].op == .insert {
                let del = diffs[pointer - 1].text, ins = diffs[pointer].text
                let o1 = commonOverlap(del, ins), o2 = commonOverlap(ins, del)
                if o1 >= o2 {
                    if Double(o1) >= Double(del.count) / 2 || Double(o1) >= Double(ins.count) / 2 {
                        diffs.insert((.equal, Array(ins[..<o1])), at: pointer)
                        diffs[pointer - 1] = (.delete, Array(del[..<(del.count - o1)]))
                        diffs[pointer + 1] = (.insert, Array(ins[o1...]))
                        pointer += 1
                    }
                } else if Double(o2) >= Double(del.count) / 2 || Double(o2) >= Double(ins.count) / 2 {
                    diffs.insert((.equal, Array(del[..<o2])), at: pointer)
                    diffs[pointer - 1] = (.insert, Array(ins[..<(ins.count - o2)]))
                    diffs[pointer + 1] = (.delete, Array(del[o2...]))
                    pointer += 1
                }
                pointer += 1
            }
            pointer += 1
        }
    }

    private func cleanupSemanticLossless(_ diffs: inout [Diff]) {
        func isAlnum(_ c: UInt32) -> Bool {
            guard let s = Unicode.Scalar(c) else { return false }
            return s.properties.isAlphabetic || s.properties.numericType != nil
        }
        func isSpace(_ c: UInt32) -> Bool {
            guard let s = Unicode.Scalar(c) else { return false }
            return s.properties.isWhitespace || (0x1C...0x1F).contains(c)
        }
        func blankEnd(_ t: Text) -> Bool {  // /\n\r?\n$/
            guard t.last == 10, t.count >= 2 else { return false }
            if t[t.count - 2] == 10 { return true }
            return t.count >= 3 && t[t.count - 2] == 13 && t[t.count - 3] == 10
        }
        func blankStart(_ t: Text) -> Bool {  // /^\r?\n\r?\n/
            var i = 0
            if i < t.count && t[i] == 13 { i += 1 }
            guard i < t.count && t[i] == 10 else { return false }
            i += 1
            if i < t.count && t[i] == 13 { i += 1 }
            return i < t.count && t[i] == 10
        }
        func score(_ one: Text, _ two: Text) -> Int {
            guard let c1 = one.last, let c2 = two.first else { return 6 }
            let na1 = !isAlnum(c1), na2 = !isAlnum(c2)
            let ws1 = na1 && isSpace(c1), ws2 = na2 && isSpace(c2)
            let lb1 = ws1 && (c1 == 13 || c1 == 10), lb2 = ws2 && (c2 == 13 || c2 == 10)
            if (lb1 && blankEnd(one)) || (lb2 && blankStart(two)) { return 5 }
            if lb1 || lb2 { return 4 }
            if na1 && !ws1 && ws2 { return 3 }
            if ws1 || ws2 { return 2 }
            if na1 || na2 { return 1 }
            return 0
        }
        var pointer = 1
        while pointer < diffs.count - 1 {
            if diffs[pointer - 1].op == .equal && diffs[pointer + 1].op == .equal {
                var eq1 = diffs[pointer - 1].text, edit = diffs[pointer].text, eq2 = diffs[pointer + 1].text
                let off = commonSuffix(eq1[...], edit[...])
                if off > 0 {
                    let common = Array(edit[(edit.count - off)...])
                    eq1.removeLast(off)
                    edit = common + edit[..<(edit.count - off)]
                    eq2 = common + eq2
                }
                var best = (eq1, edit, eq2)
                var bestScore = score(eq1, edit) + score(edit, eq2)
                while let e0 = edit.first, let q0 = eq2.first, e0 == q0 {
                    eq1.append(e0)
                    edit.removeFirst(); edit.append(q0)
                    eq2.removeFirst()
                    let s = score(eq1, edit) + score(edit, eq2)
                    if s >= bestScore { bestScore = s; best = (eq1, edit, eq2) }
                }
                if diffs[pointer - 1].text != best.0 {
                    if !best.0.isEmpty { diffs[pointer - 1].text = best.0 } else { diffs.remove(at: pointer - 1); pointer -= 1 }
                    diffs[pointer].text = best.1
                    if !best.2.isEmpty { diffs[pointer + 1].text = best.2 } else { diffs.remove(at: pointer + 1); pointer -= 1 }
                }
            }
            pointer += 1
        }
    }

    // MARK: - Merge cleanup

    private func cleanupMerge(_ diffs: inout [Diff]) {
        diffs.append((.equal, []))
        var pointer = 0, countDelete = 0, countInsert = 0
        var textDelete: Text = [], textInsert: Text = []
        while pointer < diffs.count {
            switch diffs[pointer].op {
            case .insert: countInsert += 1; textInsert += diffs[pointer].text; pointer += 1
            case .delete: countDelete += 1; textDelete += diffs[pointer].text; pointer += 1
            case .equal:
                if countDelete + countInsert > 1 {
                    if countDelete != 0 && countInsert != 0 {
                        var cl = commonPrefix(textInsert[...], textDelete[...])
                        if cl != 0 {
                            let x = pointer - countDelete - countInsert - 1
                            if x >= 0 && diffs[x].op == .equal {
                                diffs[x].text += textInsert[..<cl]
                            } else {
                                diffs.insert((.equal, Array(textInsert[..<cl])), at: 0)
                                pointer += 1
                            }
                            textInsert.removeFirst(cl); textDelete.removeFirst(cl)
                        }
                        cl = commonSuffix(textInsert[...], textDelete[...])
                        if cl != 0 {
                            diffs[pointer].text = Array(textInsert[(textInsert.count - cl)...]) + diffs[pointer].text
                            textInsert.removeLast(cl); textDelete.removeLast(cl)
                        }
                    }
                    var newOps: [Diff] = []
                    if !textDelete.isEmpty { newOps.append((.delete, textDelete)) }
                    if !textInsert.isEmpty { newOps.append((.insert, textInsert)) }
                    pointer -= countDelete + countInsert
                    diffs.replaceSubrange(pointer..<(pointer + countDelete + countInsert), with: newOps)
                    pointer += newOps.count + 1
                } else if pointer != 0 && diffs[pointer - 1].op == .equal {
                    diffs[pointer - 1].text += diffs[pointer].text
                    diffs.remove(at: pointer)
                } else {
                    pointer += 1
                }
                countInsert = 0; countDelete = 0; textDelete = []; textInsert = []
            }
        }
        if diffs.last?.text.isEmpty == true { diffs.removeLast() }
        var changes = false
        pointer = 1
        while pointer < diffs.count - 1 {
            if diffs[pointer - 1].op == .equal && diffs[pointer + 1].op == .equal {
                let prev = diffs[pointer - 1].text, cur = diffs[pointer].text, next = diffs[pointer + 1].text
                if cur.count >= prev.count && cur[(cur.count - prev.count)...].elementsEqual(prev) {
                    if !prev.isEmpty {
                        diffs[pointer].text = prev + cur[..<(cur.count - prev.count)]
                        diffs[pointer + 1].text = prev + next
                    }
                    diffs.remove(at: pointer - 1)
                    changes = true
                } else if cur.count >= next.count && cur[..<next.count].elementsEqual(next) {
                    diffs[pointer - 1].text = prev + next
                    diffs[pointer].text = Array(cur[next.count...]) + next
                    diffs.remove(at: pointer + 1)
                    changes = true
                }
            }
            pointer += 1
        }
        if changes { cleanupMerge(&diffs) }
    }

    // MARK: - Helpers

    private func commonPrefix(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
        var i = 0
        let n = min(a.count, b.count)
        var ia = a.startIndex, ib = b.startIndex
        while i < n && a[ia] == b[ib] { i += 1; ia += 1; ib += 1 }
        return i
    }

    private func commonSuffix(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
        var i = 0
        let n = min(a.count, b.count)
        var ia = a.endIndex - 1, ib = b.endIndex - 1
        while i < n && a[ia] == b[ib] { i += 1; ia -= 1; ib -= 1 }
        return i
    }

    private func commonOverlap(_ a0: Text, _ b0: Text) -> Int {
        if a0.isEmpty || b0.isEmpty { return 0 }
        let a = a0.count > b0.count ? Array(a0[(a0.count - b0.count)...]) : a0
        let b = a0.count < b0.count ? Array(b0[..<a0.count]) : b0
        let n = min(a.count, b.count)
        if a == b { return n }
        var best = 0, length = 1
        while true {
            guard length <= n, let found = find(b[...], a[(a.count - length)...], from: 0) else { return best }
            length += found
            if found == 0 || a[(a.count - length)...].elementsEqual(b[..<length]) { best = length; length += 1 }
        }
    }

    /// Index (relative to `hay.startIndex`) of the first occurrence of `needle` at or after `from`.
    private func find(_ hay: ArraySlice<UInt32>, _ needle: ArraySlice<UInt32>, from: Int) -> Int? {
        let n = hay.count, m = needle.count
        if m == 0 { return from <= n ? from : nil }
        if m > n - from { return nil }
        let base = hay.startIndex, first = needle.first!
        var i = from
        while i <= n - m {
            if hay[base + i] == first && hay[(base + i)..<(base + i + m)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
