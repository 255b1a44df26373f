// ChartAxis: a linear data → pixel scale with "nice" tick values (1, 2, 5 × 10^k steps).
import Foundation

/// Maps a data interval onto a pixel interval, and picks readable tick values.
///
/// Ticks use steps of 1, 2 or 5 × 10^k so labels read as round numbers; the domain is widened to the
/// outer ticks so the first and last gridlines sit on the plot's edges.
public struct ChartAxis: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    /// Pixel positions of `lower` and `upper` (for a y axis `pixelLower` is the bottom, so the larger number).
    public var pixelLower: Double
    public var pixelUpper: Double
    public var ticks: [Double]

    /// - Parameters:
    ///   - values: the data the axis must show (empty → 0...1).
    ///   - includeZero: force 0 into the domain (bars grow from 0).
    ///   - pixels: pixel positions of the domain's lower and upper ends.
    ///   - targetTicks: about how many ticks to draw.
    public init(values: [Double], includeZero: Bool = false, pixels: (Double, Double), targetTicks: Int = 5) {
        var lo = values.filter(\.isFinite).min() ?? 0, hi = values.filter(\.isFinite).max() ?? 1
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if hi - lo < 1e-12 { lo -= lo == 0 ? 0 : abs(lo) * 0.5; hi += hi == 0 ? 1 : abs(hi) * 0.5 }
        let step = ChartAxis.niceStep((hi - lo) / Double(max(1, targetTicks)))
        let first = (lo / step).rounded(.down) * step, last = (hi / step).rounded(.up) * step
        var t: [Double] = []
        var v = first
        while v <= last + step * 1e-9 { t.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        lower = first
        upper = last
        pixelLower = pixels.0
        pixelUpper = pixels.1
        ticks = t
    }

    /// The pixel position of a data value.
    public func pixel(_ v: Double) -> Double {
        guard upper > lower else { return pixelLower }
        return pixelLower + (v - lower) / (upper - lower) * (pixelUpper - pixelLower)
    }

    /// The smallest of 1, 2, 5 × 10^k that is ≥ `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let mag = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * mag >= raw * (1 - 1e-9) { return m * mag }
        return 10 * mag
    }

    /// A compact label: integers without decimals, small values with up to 3 significant digits.
    public static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        let s = String(format: abs(v) >= 100 ? "%.0f" : abs(v) >= 1 ? "%.2f" : "%.3g", v)
        guard s.contains("."), !s.contains("e") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
