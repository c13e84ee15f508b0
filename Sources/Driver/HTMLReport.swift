import Foundation
import Report

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with a
/// run's summary, per-round tables, charts with interval bars, resources and time series.
public enum HTMLReport {
    public static func render(_ report: RunReport) -> String {
        var body: [String] = []
        let percent = Int((report.configuration.confidence * 100).rounded())
        let repetitions = report.repetitions.count
        body.append("<h1>\(escape(report.benchmark))</h1>")
        body.append(facts(report))

        body.append("<h2>Rounds</h2>")
        body.append("<p class=note>\(repetitions == 1 ? "One repetition: no intervals." : "Mean ± half-width of the \(percent)% interval (Student's t, \(repetitions) repetitions).") Latency from the time the transaction was sent (Caliper's), in seconds; p99 from intended includes queueing in the driver.</p>")
        body.append(roundsTable(report))

        let labels = report.rounds.map(\.label)
        body.append("<h2>Throughput and latency</h2><div class=charts>")
        body.append(BarChart(title: "Throughput (TPS)", categories: labels,
                             series: [series("throughput", "throughput", report)]).svg)
        body.append(BarChart(title: "Latency (s)", categories: labels,
                             series: [series("p50", "latencyP50", report), series("p99", "latencyP99", report),
                                      series("p99 from intended", "intendedLatencyP99", report)]).svg)
        body.append(LineChart(title: "Latency distribution (s), repetition 1", xLabels: ["min", "p50", "p90", "p99", "p99.9", "max"],
                              series: (report.repetitions.first?.rounds ?? []).map { round in
                                  let latency = round.latencyFromSent
                                  return (round.label, [latency.min, latency.p50, latency.p90, latency.p99, latency.p999, latency.max]
                                      .enumerated().map { (Double($0.offset), $0.element) })
                              }).svg)
        body.append("</div>")

        for (stem, figure) in ResultFiles.gridTimeFigures(report) {
            body.append("<h2>Total execution time against transactions: \(escape(figure.grid))</h2>")
            body.append("<p class=note>One panel per network, one line per account count; each point is the mean of the cell's total execution time (first intended send to last finish) over \(repetitions) repetition(s), with its \(percent)% interval. Figures: \(escape(stem)).csv and \(escape(stem)).svg.</p>")
            body.append("<div class=charts>\(figure.svg)</div>")
        }

        if let first = report.repetitions.first, !first.resources.isEmpty {
            body.append("<h2>Resources per transaction kind</h2>")
            body.append("<p class=note>The seed paper's tables: one per transaction kind, each figure averaged over the kind's rounds (traffic and disk per round)\(repetitions > 1 ? ", mean ± half-width of the \(percent)% interval over \(repetitions) repetitions" : ""). resources-by-kind.csv has them with their intervals.</p>")
            for table in KindResourceTable.tables(of: report) { body.append(kindTable(table)) }
            body.append("<h2>Resources per node</h2>")
            body.append("<p class=note>Repetition 1. CPU as a share of one core (100% = one core busy); in-process nodes share the process's memory, their disk figures are their stores' own and their network figures their transport's. \(repetitions > 1 ? "resources.csv has every figure with its interval over the repetitions." : "")</p>")
            let nodeNames = first.resources[0].nodes.map(\.node).filter { $0 != "process" }
            body.append("<div class=charts>")
            body.append(BarChart(title: "CPU (% of one core), mean over the round", categories: labels,
                                 series: nodeNames.map { node in
                                     (node, first.resources.map { round in
                                         (round.nodes.first { $0.node == node }?.cpuMeanPercent ?? 0, nil, nil) })
                                 }).svg)
            body.append(BarChart(title: "Network traffic out (MB)", categories: labels,
                                 series: nodeNames.map { node in
                                     (node, first.resources.map { round in
                                         ((round.nodes.first { $0.node == node }?.networkOutBytes ?? 0) / 1e6, nil, nil) })
                                 }).svg)
            body.append("</div>")
            for round in first.resources { body.append(resourceTable(round)) }
        }

        if let first = report.repetitions.first {
            body.append("<h2>Over time, repetition 1</h2><div class=charts>")
            var offset = 0.0
            var rate: [(Double, Double)] = []
            var cpu: [(Double, Double)] = []
            for (index, round) in first.rounds.enumerated() {
                for (second, count) in round.finishedPerSecond.enumerated() { rate.append((offset + Double(second), Double(count))) }
                if first.resources.indices.contains(index) {
                    cpu += first.resources[index].processCPU.map { (offset + $0.seconds, $0.value) }
                }
                offset += Double(max(round.finishedPerSecond.count, 1))
            }
            body.append(LineChart(title: "Transactions finished per second", xLabels: nil, series: [("finished", rate)]).svg)
            if !cpu.isEmpty {
                body.append(LineChart(title: "Process CPU (% of one core)", xLabels: nil, series: [("process", cpu)]).svg)
            }
            body.append("</div>")
            body.append(driverTable(first))
            body.append(nodesTable(first))
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>vernier: \(escape(report.benchmark))</title>
            <style>\(style)</style></head><body>
            \(body.joined(separator: "\n"))
            <p class=note>Written by vernier. Figures: run.json, rounds.csv, resources.csv, repetitions.csv beside this page.</p>
            </body></html>
            """
    }

    // MARK: - Sections

    static func facts(_ report: RunReport) -> String {
        let machine = report.machine
        let configuration = report.configuration
        let verdict = report.consistent
            ? "<span class=ok>every node ended on the same chain and state</span>"
            : "<span class=bad>NODES DISAGREE: the ledger under test is broken</span>"
        let rows: [(String, String)] = [
            ("run", "\(escape(report.runId)), started \(escape(report.startedAt))\(report.interrupted ? " (interrupted)" : "")"),
            ("ledger check", verdict),
            ("network", configuration.federations.map { named in
                escape((configuration.networks == nil ? "" : "\(named.name): ") + named.configuration.nodeNames.joined(separator: ", "))
            }.joined(separator: "<br>")),
            ("load", "\(configuration.accounts) accounts, nonce window \(configuration.nonceWindow), \(report.repetitions.count) repetition(s), seed \(report.seed)"),
            ("machine", escape("\(machine.cpuModel), \(machine.cores) cores, \(machine.memoryBytes / 1_048_576) MiB, \(machine.operatingSystem), Swift \(machine.swiftVersion)")),
            ("commit", escape(report.gitCommit ?? "not a git checkout")),
        ]
        return "<table class=facts>" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>"
    }

    static func roundsTable(_ report: RunReport) -> String {
        let keys = ["succeeded", "failed", "sendRate", "throughput", "latencyMax", "latencyMin", "latencyMean",
                    "latencyP50", "latencyP90", "latencyP99", "intendedLatencyP99", "totalExecutionTime"]
        let headers = keys.map { key in RoundFigures.catalog.first { $0.key == key }!.header }
        var html = "<table><tr><th>Name</th>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        for summary in report.rounds {
            html += "<tr><td>\(escape(summary.label))</td>"
            for key in keys {
                let interval = summary.figures.first { $0.key == key }?.interval
                html += "<td class=num>" + (interval.map { cell($0) } ?? "") + "</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    static func resourceTable(_ round: RoundResourceReport) -> String {
        var html = "<h3>\(escape(round.label))</h3><table><tr><th>Name</th><th>RAM (MB)</th><th>CPU (%)</th><th>CPU max (%)</th><th>Network Traffic In (MB)</th><th>Network Traffic Out (MB)</th><th>Disk Read (MB)</th><th>Disk Write (MB)</th></tr>"
        for node in round.nodes {
            let cells = [node.memoryMeanBytes / 1e6, node.cpuMeanPercent, node.cpuMaxPercent, node.networkInBytes / 1e6,
                         node.networkOutBytes / 1e6, node.diskReadBytes / 1e6, node.diskWrittenBytes / 1e6]
            html += "<tr><td>\(escape(node.node))</td>" + cells.map { "<td class=num>\(format($0))</td>" }.joined() + "</tr>"
        }
        return html + "</table>"
    }

    static func kindTable(_ table: KindResourceTable) -> String {
        let columns = KindResourceTable.columns.prefix(6)
        var html = "<h3>\(escape(table.kind)) (\(table.rounds.count) round\(table.rounds.count == 1 ? "" : "s"))</h3><table><tr><th>Name</th>"
            + columns.map { "<th>\(escape($0.header))</th>" }.joined() + "</tr>"
        for row in table.rows {
            let cells = row.figures.prefix(columns.count).map { figure -> String in
                let text = figure.map { cell($0) } ?? ""
                return "<td class=num>" + text + "</td>"
            }
            html += "<tr><td>\(escape(row.name))</td>" + cells.joined() + "</tr>"
        }
        return html + "</table>"
    }

    static func driverTable(_ repetition: RepetitionReport) -> String {
        var html = "<h2>The driver, repetition 1</h2><table><tr><th>Name</th><th>Intended rate (TPS)</th><th>Achieved send rate (TPS)</th><th>Scheduler lag p99 (ms)</th><th>Driver CPU (%)</th><th>Verdict</th></tr>"
        for round in repetition.rounds {
            let driver = round.driver
            let verdict = driver.limitedByDriver ? "<span class=bad>limited by the driver</span>" : "<span class=ok>kept its schedule</span>"
            html += "<tr><td>\(escape(round.label))</td><td class=num>\(format(driver.intendedRate))</td><td class=num>\(format(driver.achievedSendRate))</td><td class=num>\(format(driver.schedulerLagP99Milliseconds))</td><td class=num>\(driver.cpuPercent.map(format) ?? "")</td><td>\(verdict)</td></tr>"
        }
        return html + "</table>"
    }

    static func nodesTable(_ repetition: RepetitionReport) -> String {
        guard !repetition.nodes.isEmpty else { return "" }
        var html = "<h2>Nodes at the end, repetition 1</h2><table><tr><th>Node</th><th>Height</th><th>Head</th><th>State digest</th></tr>"
        for node in repetition.nodes {
            html += "<tr><td>\(escape((node.network.map { $0 + "/" } ?? "") + node.name))</td><td class=num>\(node.height)</td><td><code>\(node.headHash.prefix(16))</code></td><td><code>\(node.stateDigest.map { String($0.prefix(16)) } ?? "—")</code></td></tr>"
        }
        return html + "</table>"
    }

    // MARK: - Helpers

    static func series(_ name: String, _ key: String, _ report: RunReport) -> (String, [(Double, Double?, Double?)]) {
        (name, report.rounds.map { summary in
            guard let interval = summary.figures.first(where: { $0.key == key })?.interval else { return (0, nil, nil) }
            return interval.hasInterval ? (interval.mean, interval.lower, interval.upper) : (interval.mean, nil, nil)
        })
    }

    static func cell(_ interval: ConfidenceInterval) -> String {
        interval.hasInterval ? "\(format(interval.mean)) <span class=pm>± \(format(interval.halfWidth))</span>" : format(interval.mean)
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) >= 1, abs(value) < 1e9 { return String(Int64(value)) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        if abs(value) >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.4f", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    static let style = """
        body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
        h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{margin:1em 0 .3em}
        table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 7px}
        th{background:#f4f4f4;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
        table.facts th{width:9em}.note{color:#666;font-size:13px}.pm{color:#888}
        .ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:700}
        .charts{display:flex;flex-wrap:wrap;gap:1em}svg{background:#fff;border:1px solid #eee}
        svg text{font-size:11px;fill:#333}
        """
}

/// The frame both chart kinds draw in: size, margins, title, the value axis and the legend.
struct ChartFrame {
    let width = 560.0, height = 300.0, left = 60.0, bottom = 60.0, top = 30.0, right = 10.0
    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    /// The vertical position of `value` on an axis from 0 to `maximum`.
    func y(_ value: Double, maximum: Double) -> Double { top + plotHeight * (1 - value / maximum) }

    /// The opening tag, the title, and five gridlines with their values.
    func opening(title: String, maximum: Double) -> [String] {
        ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\">"]
            + axes(title: title, maximum: maximum)
    }

    /// The title and five gridlines with their values, for a frame drawn inside a larger picture.
    func axes(title: String, maximum: Double) -> [String] {
        var parts = ["<text x=\"\(left)\" y=\"18\" style=\"font-weight:600;font-size:13px\">\(HTMLReport.escape(title))</text>"]
        for tick in 0...4 {
            let value = maximum * Double(tick) / 4
            parts.append("<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(value, maximum: maximum))\" y2=\"\(y(value, maximum: maximum))\" stroke=\"#eee\"/>")
            parts.append("<text x=\"\(left - 4)\" y=\"\(y(value, maximum: maximum) + 4)\" text-anchor=\"end\">\(HTMLReport.format(value))</text>")
        }
        return parts
    }

    /// The legend entry of series `index`, four to a row.
    func legend(_ index: Int, _ name: String) -> [String] {
        let x = left + Double(index % 4) * 130, row = Double(index / 4)
        return ["<rect x=\"\(x)\" y=\"\(height - 30 + row * 14)\" width=\"10\" height=\"10\" fill=\"\(HTMLReport.palette[index % HTMLReport.palette.count])\"/>",
                "<text x=\"\(x + 14)\" y=\"\(height - 21 + row * 14)\">\(HTMLReport.escape(name))</text>"]
    }
}

/// A grouped bar chart with optional interval bars, as inline SVG.
struct BarChart {
    var title: String
    var categories: [String]
    /// Per series: its name and, per category, a value with an optional interval.
    var series: [(String, [(Double, Double?, Double?)])]

    var svg: String {
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
struct LineChart {
    var title: String
    var xLabels: [String]?
    var series: [(String, [(Double, Double)])]

    var svg: String {
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
        for (index, (name, values)) in series.enumerated() where !values.isEmpty {
            let color = HTMLReport.palette[index % HTMLReport.palette.count]
            let path = values.map { "\(x($0.0)),\(y($0.1))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>")
            parts += frame.legend(index, name)
        }
        return (parts + ["</svg>"]).joined()
    }
}
