// Charts: the SVG parses as XML, and bars/points sit where the data says.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Charts

/// Collects the elements of an SVG document with their attributes.
final class SVGElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attrs: [String: String])] = []
    var texts: [String] = []
    private var current = ""
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        elements.append((name, attributes))
        current = ""
    }
    func parser(_ p: XMLParser, foundCharacters s: String) { current += s }
    func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
    }

    /// Parses `svg`; records a test failure when it is not well-formed XML.
    static func parse(_ svg: String) -> SVGElements {
        let d = SVGElements()
        let p = XMLParser(data: Data(svg.utf8))
        p.delegate = d
        let ok = p.parse()
        #expect(ok, "SVG is not well-formed: \(String(describing: p.parserError))")
        #expect(d.elements.first?.name == "svg")
        return d
    }

    func with(_ cls: String) -> [[String: String]] { elements.filter { $0.attrs["class"] == cls }.map(\.attrs) }
}

func num(_ s: String?) -> Double { Double(s ?? "") ?? .nan }

@Test func barHeightsAreProportionalToValues() {
    let chart = BarChart(title: "rates <&> \"quoted\"", categories: ["CWE-787", "CWE-476", "CWE-190"],
                         series: ["base", "srcode"], values: [[0.5, 0.25, nil], [0.1, 0.0, 0.8]], format: .percent)
    let svg = SVGElements.parse(chart.svg())
    let bars = svg.with("bar")
    #expect(bars.count == 5)  // the nil value leaves a gap
    let zero = chart.yAxis.pixel(0), full = chart.yAxis.pixel(1)
    for b in bars {
        let v = num(b["data-value"]), h = num(b["height"]), y = num(b["y"])
        #expect(abs(h - v * (zero - full)) < 0.02, "bar \(b) height")
        #expect(abs(y + h - zero) < 0.02, "bar grows from the baseline")
    }
    // Series keep their order inside a group; groups follow categories left to right.
    let base787 = bars.first { $0["data-series"] == "base" && $0["data-category"] == "CWE-787" }!
    let src787 = bars.first { $0["data-series"] == "srcode" && $0["data-category"] == "CWE-787" }!
    let src190 = bars.first { $0["data-series"] == "srcode" && $0["data-category"] == "CWE-190" }!
    #expect(num(base787["x"]) < num(src787["x"]))
    #expect(num(src787["x"]) < num(src190["x"]))
    #expect(svg.texts.contains("rates <&> \"quoted\""))
    #expect(svg.texts.contains("50%"))
    #expect(chart.yAxis.ticks.last! >= 1)
}

@Test func linePointsMapLinearlyOntoTheAxes() {
    let chart = LineChart(title: "loss", xLabel: "step", yLabel: "loss",
                          series: [.init(name: "train", points: [(0, 2.0), (10, 1.5), (20, 0.75)]),
                                   .init(name: "valid", points: [(10, 1.9), (20, .nan), (30, 1.1)])])
    let svg = SVGElements.parse(chart.svg())
    let pts = svg.with("point")
    #expect(pts.count == 5)  // NaN is not drawn
    let (xa, ya) = chart.axes
    for p in pts {
        #expect(abs(num(p["cx"]) - xa.pixel(num(p["data-x"]))) < 0.01)
        #expect(abs(num(p["cy"]) - ya.pixel(num(p["data-y"]))) < 0.01)
    }
    let a = chart.plotArea
    // Axis domain covers the data and lands on the plot edges.
    #expect(xa.pixel(xa.lower) == a.left && xa.pixel(xa.upper) == a.right)
    #expect(ya.pixel(ya.lower) == a.bottom && ya.pixel(ya.upper) == a.top)
    #expect(xa.lower <= 0 && xa.upper >= 30 && ya.lower <= 0.75 && ya.upper >= 2)
    // The NaN splits "valid" into runs of one point: only "train" draws a polyline.
    #expect(svg.with("series").map { $0["data-series"] } == ["train"])
    #expect(svg.with("legend").count == 2)
}

@Test func niceTicks() {
    let a = ChartAxis(values: [0.13, 0.87], pixels: (100, 0), targetTicks: 5)
    #expect(a.ticks == [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0] || a.ticks.count == 6)
    #expect(a.lower == 0 && abs(a.upper - 1) < 1e-12)
    let b = ChartAxis(values: [5, 5], pixels: (0, 1))  // flat data still gets a range
    #expect(b.upper > b.lower)
    #expect(ChartAxis.label(0.25) == "0.25" && ChartAxis.label(3) == "3" && ChartAxis.label(1500) == "1500")
}

@Test func metricChartsPerKeyAndGrid() {
    let rows: [MetricCharts.Row] = [(1, ["loss": 2, "kl": 0.1]), (2, ["loss": 1.5]), (3, ["loss": 1, "kl": 0.3, "bad": .infinity])]
    #expect(MetricCharts.keys(rows) == ["kl", "loss"])
    #expect(MetricCharts.points(rows, key: "kl").map(\.x) == [1, 3])
    let charts = MetricCharts.perKey(rows)
    #expect(charts.map(\.key) == ["kl", "loss"])
    for c in charts { #expect(SVGElements.parse(c.svg).with("point").count == MetricCharts.points(rows, key: c.key).count) }
    let grid = SVGElements.parse(MetricCharts.grid(rows, title: "PPO", columns: 2))
    #expect(grid.elements.filter { $0.name == "svg" }.count == 3)  // outer + 2 embedded
    #expect(grid.with("point").count == 5)
    #expect(MetricCharts.fileName("reward/oracle span") == "reward_oracle_span")
}
