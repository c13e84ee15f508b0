import Foundation
import BenchmarkSpec
import LedgerCore
public import Statistics

/// The total execution time of a grid's rounds against their transaction counts: one panel per
/// network, one series per account count, each point the mean over the repetitions with its
/// interval.
///
/// It is the treatment-registration study's figure (time against transactions for 25, 50 and 100
/// doctor accounts, with and without the ledger), built for any round whose `grid` varies
/// `transactions`, and written as `<grid>-time.csv` and `<grid>-time.svg`.
public struct GridTimeFigure: Sendable {
    /// One grid cell: its transaction and account counts and its total execution time.
    public struct Point: Sendable, Hashable {
        public var transactions: Int
        public var accounts: Int
        /// The total execution time over the repetitions, in seconds.
        public var seconds: ConfidenceInterval

        /// The transactions the busiest account sends one after another: ceil(transactions / accounts).
        public var transactionsPerAccount: Int { (transactions + accounts - 1) / accounts }
    }

    /// The cells of one network.
    public struct Panel: Sendable {
        public var network: String
        public var consensus: String
        /// Ordered by account count, then transaction count.
        public var points: [Point]

        /// The account counts, one series each, ascending.
        public var accountCounts: [Int] { Array(Set(points.map(\.accounts))).sorted() }
    }

    /// The grid's label (the round it was declared on).
    public var grid: String
    /// The intervals' confidence level.
    public var confidence: Double
    public var panels: [Panel]

    /// The figures of every grid of `report` that varies `transactions`, in file order.
    public static func figures(of report: RunReport) -> [GridTimeFigure] {
        let configuration = report.configuration
        var summaries: [String: RoundSummary] = [:]
        for summary in report.rounds where summaries[summary.label] == nil { summaries[summary.label] = summary }
        var grids: [String] = []
        var rounds: [String: [Round]] = [:]
        for round in configuration.rounds {
            guard let cell = round.cell, cell.transactions != nil else { continue }
            if rounds[cell.grid] == nil { grids.append(cell.grid) }
            rounds[cell.grid, default: []].append(round)
        }
        return grids.compactMap { grid in
            var panels: [Panel] = []
            for round in rounds[grid] ?? [] {
                guard case .transactions(let transactions) = round.length,
                      let seconds = summaries[round.label]?.interval(.totalExecutionTime)
                else { continue }
                let network = configuration.federation(of: round)
                let point = Point(transactions: transactions, accounts: round.accounts ?? configuration.accounts, seconds: seconds)
                if let index = panels.firstIndex(where: { $0.network == network.name }) {
                    panels[index].points.append(point)
                } else {
                    panels.append(Panel(network: network.name, consensus: network.configuration.consensus.name, points: [point]))
                }
            }
            for index in panels.indices {
                panels[index].points.sort { ($0.accounts, $0.transactions) < ($1.accounts, $1.transactions) }
            }
            return panels.isEmpty ? nil : GridTimeFigure(grid: grid, confidence: configuration.confidence, panels: panels)
        }
    }

    /// The files' name without extension: the grid's label made safe for a file name, then `-time`.
    public var fileStem: String {
        let safe = String(grid.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "-"
        })
        return (safe.isEmpty ? "grid" : safe) + "-time"
    }

    /// The level as a percentage label: `95%`.
    private var percent: String { IntervalColumns.levelLabel(confidence) }

    /// One row per cell: ledger, its consensus, accounts, transactions, ceil(transactions /
    /// accounts), repetitions, and the total execution time's mean, deviation and interval.
    public var csv: String {
        var lines = [CSV.line(["Ledger", "Consensus", "Accounts", "Transactions", "Transactions per Account", "Repetitions",
                               "Total Execution Time (s)", "sd", "\(percent) low", "\(percent) high"])]
        for panel in panels {
            for point in panel.points {
                let interval = point.seconds
                lines.append(CSV.line([
                    panel.network, panel.consensus, "\(point.accounts)", "\(point.transactions)", "\(point.transactionsPerAccount)",
                    "\(interval.count)", CSV.number(interval.mean),
                    interval.hasInterval ? CSV.number(interval.standardDeviation) : "",
                    interval.hasInterval ? CSV.number(interval.lower) : "",
                    interval.hasInterval ? CSV.number(interval.upper) : "",
                ]))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The panels side by side as one SVG picture: x = transactions, y = seconds (each panel on
    /// its own scale), one line per account count with its interval bars.
    public var svg: String {
        let frame = ChartFrame()
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(frame.width * Double(panels.count))\" height=\"\(frame.height)\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"]
        for (index, panel) in panels.enumerated() {
            parts.append("<g transform=\"translate(\(frame.width * Double(index)),0)\">")
            parts += panelParts(panel, frame: frame)
            parts.append("</g>")
        }
        return (parts + ["</svg>"]).joined()
    }

    /// The smallest axis maximum at or above `value` whose quarters (the frame's gridlines) are
    /// round numbers: 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6 or 8 times a power of ten.
    static func roundAxisMaximum(above value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        var scale = pow(10, (log10(value)).rounded(.down))
        for _ in 0..<2 {
            for step in [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8] where step * scale >= value * (1 - 1e-12) {
                return step * scale
            }
            scale *= 10
        }
        return value
    }

    private func panelParts(_ panel: Panel, frame: ChartFrame) -> [String] {
        let highest = panel.points.map { $0.seconds.hasInterval ? $0.seconds.upper : $0.seconds.mean }.max() ?? 1
        let maximumSeconds = Self.roundAxisMaximum(above: highest * 1.05)
        let maximumTransactions = Double(panel.points.map(\.transactions).max() ?? 1) * 1.08
        func x(_ transactions: Int) -> Double { frame.left + frame.plotWidth * Double(transactions) / maximumTransactions }
        func y(_ seconds: Double) -> Double { frame.y(seconds, maximum: maximumSeconds) }
        let name = panel.network == panel.consensus ? panel.network : "\(panel.network) (\(panel.consensus))"
        let title = "\(name): total execution time (s) against transactions, \(percent) intervals"
        var parts = frame.axes(title: title, maximum: maximumSeconds)
        let baseline = frame.top + frame.plotHeight
        parts.append("<line x1=\"\(frame.left)\" x2=\"\(frame.width - frame.right)\" y1=\"\(baseline)\" y2=\"\(baseline)\" stroke=\"#999\"/>")
        for transactions in Array(Set(panel.points.map(\.transactions))).sorted() {
            parts.append("<line x1=\"\(x(transactions))\" x2=\"\(x(transactions))\" y1=\"\(baseline)\" y2=\"\(baseline + 4)\" stroke=\"#999\"/>")
            parts.append("<text x=\"\(x(transactions))\" y=\"\(baseline + 15)\" text-anchor=\"middle\">\(transactions)</text>")
        }
        let series = panel.accountCounts
        for (seriesIndex, accounts) in series.enumerated() {
            let color = HTMLReport.palette[seriesIndex % HTMLReport.palette.count]
            // Series side by side around each x, so their interval bars do not hide each other.
            let shift = (Double(seriesIndex) - Double(series.count - 1) / 2) * 5
            let points = panel.points.filter { $0.accounts == accounts }.sorted { $0.transactions < $1.transactions }
            let path = points.map { "\(x($0.transactions) + shift),\(y($0.seconds.mean))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>")
            for point in points {
                let center = x(point.transactions) + shift
                let interval = point.seconds
                if interval.hasInterval {
                    parts.append("<line x1=\"\(center)\" x2=\"\(center)\" y1=\"\(y(interval.lower))\" y2=\"\(y(interval.upper))\" stroke=\"\(color)\"/>")
                    for end in [interval.lower, interval.upper] {
                        parts.append("<line x1=\"\(center - 3)\" x2=\"\(center + 3)\" y1=\"\(y(end))\" y2=\"\(y(end))\" stroke=\"\(color)\"/>")
                    }
                }
                let label = "\(accounts) account\(accounts == 1 ? "" : "s"), \(point.transactions) transactions: \(HTMLReport.format(interval.mean)) s"
                    + (interval.hasInterval ? " [\(HTMLReport.format(interval.lower)), \(HTMLReport.format(interval.upper))]" : "")
                parts.append("<circle cx=\"\(center)\" cy=\"\(y(interval.mean))\" r=\"2.5\" fill=\"\(color)\"><title>\(HTMLReport.escape(label))</title></circle>")
            }
            parts += frame.legend(seriesIndex, accounts == 1 ? "1 account" : "\(accounts) accounts")
        }
        return parts
    }
}

extension ResultFiles {
    /// The grid figures of a run with the file names they are written under (without extension):
    /// `<grid>-time`, numbered when two grids' labels make the same name.
    public static func gridTimeFigures(_ report: RunReport) -> [(stem: String, figure: GridTimeFigure)] {
        var used: Set<String> = []
        return GridTimeFigure.figures(of: report).map { figure in
            var stem = figure.fileStem
            var number = 2
            while !used.insert(stem).inserted {
                stem = figure.fileStem + "-\(number)"
                number += 1
            }
            return (stem, figure)
        }
    }
}
