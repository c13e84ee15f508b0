import Foundation

/// The frame both chart kinds draw in: size, margins, title, the value axis and the legend.
package struct ChartFrame {
    package let width = 560.0, height = 300.0, left = 60.0, bottom = 60.0, top = 30.0, right = 10.0
    package var plotWidth: Double { width - left - right }
    package var plotHeight: Double { height - top - bottom }

    /// The vertical position of `value` on an axis from 0 to `maximum`.
    package func y(_ value: Double, maximum: Double) -> Double { top + plotHeight * (1 - value / maximum) }

    /// The opening tag, the title, and five gridlines with their values.
    package func opening(title: String, maximum: Double) -> [String] {
        ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\">"]
            + axes(title: title, maximum: maximum)
    }

    /// The title and five gridlines with their values, for a frame drawn inside a larger picture.
    package func axes(title: String, maximum: Double) -> [String] {
        var parts = ["<text x=\"\(left)\" y=\"18\" style=\"font-weight:600;font-size:13px\">\(HTMLReport.escape(title))</text>"]
        for tick in 0...4 {
            let value = maximum * Double(tick) / 4
            parts.append("<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(value, maximum: maximum))\" y2=\"\(y(value, maximum: maximum))\" stroke=\"#eee\"/>")
            parts.append("<text x=\"\(left - 4)\" y=\"\(y(value, maximum: maximum) + 4)\" text-anchor=\"end\">\(HTMLReport.format(value))</text>")
        }
        return parts
    }

    /// The legend entry of series `index`, four to a row.
    package func legend(_ index: Int, _ name: String) -> [String] {
        let x = left + Double(index % 4) * 130, row = Double(index / 4)
        return ["<rect x=\"\(x)\" y=\"\(height - 30 + row * 14)\" width=\"10\" height=\"10\" fill=\"\(HTMLReport.palette[index % HTMLReport.palette.count])\"/>",
                "<text x=\"\(x + 14)\" y=\"\(height - 21 + row * 14)\">\(HTMLReport.escape(name))</text>"]
    }
}

/// A grouped bar chart with optional interval bars, as inline SVG.
package struct BarChart {
    package var title: String
    package var categories: [String]
    /// Per series: its name and, per category, a value with an optional interval.
    package var series: [(String, [(Double, Double?, Double?)])]

    package var svg: String {
        let frame = ChartFrame()
        let maximum = max(series.flatMap { $0.1.map { $0.2 ?? $0.0 } }.max() ?? 1, 1e-12) * 1.1
        let groupWidth = frame.plotWidth / Double(max(1, categories.count))
        let barWidth = groupWidth * 0.8 / Double(max(1, series.count))
        func y(_ value: Double) -> Double { frame.y(value, maximum: maximum) }
        var parts = frame.opening(title: title, maximum: maximum)
        for (categoryIndex, category) in categories.enumerated() {
            let groupLeft = frame.left + groupWidth * Double(categoryIndex) + groupWidth * 0.1
            for (seriesIndex, (_, values)) in series.enumerated() where categoryIndex < values.count {
                let (value, low, high) = values[categoryIndex]
                let x = groupLeft + barWidth * Double(seriesIndex)
                let color = HTMLReport.palette[seriesIndex % HTMLReport.palette.count]
                parts.append("<rect x=\"\(x)\" y=\"\(y(value))\" width=\"\(max(1, barWidth - 2))\" height=\"\(max(0, frame.top + frame.plotHeight - y(value)))\" fill=\"\(color)\"><title>\(HTMLReport.escape(category)): \(HTMLReport.format(value))</title></rect>")
                if let low, let high {
                    let center = x + (barWidth - 2) / 2
                    parts.append("<line x1=\"\(center)\" x2=\"\(center)\" y1=\"\(y(low))\" y2=\"\(y(high))\" stroke=\"#000\"/>")
                    parts.append("<line x1=\"\(center - 4)\" x2=\"\(center + 4)\" y1=\"\(y(low))\" y2=\"\(y(low))\" stroke=\"#000\"/>")
                    parts.append("<line x1=\"\(center - 4)\" x2=\"\(center + 4)\" y1=\"\(y(high))\" y2=\"\(y(high))\" stroke=\"#000\"/>")
                }
            }
            parts.append("<text x=\"\(frame.left + groupWidth * (Double(categoryIndex) + 0.5))\" y=\"\(frame.height - frame.bottom + 14)\" text-anchor=\"middle\">\(HTMLReport.escape(category))</text>")
        }
        for (seriesIndex, (name, _)) in series.enumerated() { parts += frame.legend(seriesIndex, name) }
        return (parts + ["</svg>"]).joined()
    }
}

/// A line chart of one or more series, as inline SVG; x labels by index when given.
package struct LineChart {
    package var title: String
    package var xLabels: [String]?
    package var series: [(String, [(Double, Double)])]
    /// Vertical dashed lines at x values, each labelled (faults on a time series).
    package var markers: [(Double, String)] = []

    package var svg: String {
        let frame = ChartFrame()
        let points = series.flatMap(\.1)
        let maxX = max(points.map(\.0).max() ?? 1, 1e-12), maxY = max((points.map(\.1).max() ?? 1) * 1.1, 1e-12)
        func x(_ value: Double) -> Double { frame.left + frame.plotWidth * value / maxX }
        func y(_ value: Double) -> Double { frame.y(value, maximum: maxY) }
        var parts = frame.opening(title: title, maximum: maxY)
        let labelY = frame.height - frame.bottom + 14
        if let xLabels {
            for (index, label) in xLabels.enumerated() {
                parts.append("<text x=\"\(x(Double(index)))\" y=\"\(labelY)\" text-anchor=\"middle\">\(HTMLReport.escape(label))</text>")
            }
        } else {
            for tick in 0...4 {
                let value = maxX * Double(tick) / 4
                parts.append("<text x=\"\(x(value))\" y=\"\(labelY)\" text-anchor=\"middle\">\(HTMLReport.format(value)) s</text>")
            }
        }
        for (index, (value, label)) in markers.enumerated() where value <= maxX {
            parts.append("<line x1=\"\(x(value))\" x2=\"\(x(value))\" y1=\"\(y(maxY))\" y2=\"\(y(0))\" stroke=\"#b00\" stroke-dasharray=\"4 3\"/>")
            parts.append("<text x=\"\(x(value) + 3)\" y=\"\(y(maxY) + 12 + Double(index % 4) * 11)\" fill=\"#b00\">\(HTMLReport.escape(label))</text>")
        }
        for (index, (name, values)) in series.enumerated() where !values.isEmpty {
            let color = HTMLReport.palette[index % HTMLReport.palette.count]
            let path = values.map { "\(x($0.0)),\(y($0.1))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>")
            parts += frame.legend(index, name)
        }
        return (parts + ["</svg>"]).joined()
    }
}

/// Points joined by lines on numeric or categorical x, with optional interval bars, dashed
/// reference lines and a dashed diagonal, as inline SVG in the reports' frame.
package struct XYChart {
    package enum Marker { case filled, hollow, cross }

    package struct Point {
        var x: Double
        var y: Double
        var low: Double?
        var high: Double?
        var marker: Marker
        /// The tooltip.
        var note: String

        package init(x: Double, y: Double, low: Double? = nil, high: Double? = nil, marker: Marker, note: String) {
            (self.x, self.y, self.low, self.high, self.marker, self.note) = (x, y, low, high, marker, note)
        }
    }

    package struct Series {
        var name: String
        var points: [Point]

        package init(name: String, points: [Point]) {
            (self.name, self.points) = (name, points)
        }
    }

    /// A horizontal dashed line at `y`, labelled.
    package struct Reference {
        var name: String
        var y: Double

        package init(name: String, y: Double) {
            (self.name, self.y) = (name, y)
        }
    }

    package var title: String
    /// Labels of categorical x positions 0, 1, 2...; nil for a numeric x axis from 0.
    package var xCategories: [String]?
    package var series: [Series]
    package var references: [Reference]
    /// Values above this are drawn at it.
    package var yCap: Double? = nil
    /// Draw y = x.
    package var diagonal = false

    package init(title: String, xCategories: [String]?, series: [Series], references: [Reference], yCap: Double? = nil,
                 diagonal: Bool = false) {
        self.title = title
        self.xCategories = xCategories
        self.series = series
        self.references = references
        self.yCap = yCap
        self.diagonal = diagonal
    }

    package var svg: String {
        let frame = ChartFrame()
        let points = series.flatMap(\.points)
        let highestY = max(points.map { max($0.y, $0.high ?? 0) }.max() ?? 0, references.map(\.y).max() ?? 0)
        let maxY = max(min(highestY, yCap ?? .infinity) * 1.1, 1e-9)
        let maxX: Double
        if let xCategories {
            maxX = Double(max(xCategories.count, 1))
        } else {
            maxX = max((points.map(\.x).max() ?? 1) * 1.05, 1e-9)
        }
        func x(_ value: Double) -> Double {
            xCategories == nil ? frame.left + frame.plotWidth * value / maxX : frame.left + frame.plotWidth * (value + 0.5) / maxX
        }
        func y(_ value: Double) -> Double { frame.y(min(value, maxY), maximum: maxY) }
        var parts = frame.opening(title: title, maximum: maxY)
        let labelY = frame.height - frame.bottom + 14
        if let xCategories {
            for (index, label) in xCategories.enumerated() {
                parts.append("<text x=\"\(x(Double(index)))\" y=\"\(labelY)\" text-anchor=\"middle\">\(HTMLReport.escape(label))</text>")
            }
        } else {
            for tick in 0...4 {
                let value = maxX * Double(tick) / 4
                parts.append("<text x=\"\(x(value))\" y=\"\(labelY)\" text-anchor=\"middle\">\(HTMLReport.format(value))</text>")
            }
        }
        if diagonal {
            let end = min(maxX, maxY)
            parts.append("<line x1=\"\(x(0))\" y1=\"\(y(0))\" x2=\"\(x(end))\" y2=\"\(y(end))\" stroke=\"#999\" stroke-dasharray=\"4 3\"><title>committed = offered</title></line>")
        }
        for reference in references {
            parts.append("<line x1=\"\(frame.left)\" x2=\"\(frame.width - frame.right)\" y1=\"\(y(reference.y))\" y2=\"\(y(reference.y))\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>")
            parts.append("<text x=\"\(frame.width - frame.right - 4)\" y=\"\(y(reference.y) - 4)\" text-anchor=\"end\" style=\"fill:#c62828\">\(HTMLReport.escape(reference.name)) \(HTMLReport.format(reference.y))</text>")
        }
        for (index, line) in series.enumerated() {
            let color = HTMLReport.palette[index % HTMLReport.palette.count]
            if line.points.count > 1 {
                let path = line.points.map { "\(x($0.x)),\(y($0.y))" }.joined(separator: " ")
                parts.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>")
            }
            for point in line.points {
                let (px, py) = (x(point.x), y(point.y))
                if let low = point.low, let high = point.high {
                    parts.append("<line x1=\"\(px)\" x2=\"\(px)\" y1=\"\(y(low))\" y2=\"\(y(high))\" stroke=\"#000\"/>")
                    parts.append("<line x1=\"\(px - 4)\" x2=\"\(px + 4)\" y1=\"\(y(low))\" y2=\"\(y(low))\" stroke=\"#000\"/>")
                    parts.append("<line x1=\"\(px - 4)\" x2=\"\(px + 4)\" y1=\"\(y(high))\" y2=\"\(y(high))\" stroke=\"#000\"/>")
                }
                let tooltip = "<title>\(HTMLReport.escape(point.note))</title>"
                switch point.marker {
                case .filled:
                    parts.append("<circle cx=\"\(px)\" cy=\"\(py)\" r=\"4\" fill=\"\(color)\">\(tooltip)</circle>")
                case .hollow:
                    parts.append("<circle cx=\"\(px)\" cy=\"\(py)\" r=\"4\" fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"2\">\(tooltip)</circle>")
                case .cross:
                    parts.append("<path d=\"M\(px - 4),\(py - 4)L\(px + 4),\(py + 4)M\(px - 4),\(py + 4)L\(px + 4),\(py - 4)\" stroke=\"\(color)\" stroke-width=\"2\">\(tooltip)</path>")
                }
            }
            parts += frame.legend(index, line.name)
        }
        return (parts + ["</svg>"]).joined()
    }
}
