import Foundation
import Statistics

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with a
/// run's summary, per-round tables, charts with interval bars, resources and time series.
public enum HTMLReport {
    public static func render(_ report: RunReport) -> String {
        var body: [String] = []
        let level = IntervalColumns.levelLabel(report.configuration.confidence)
        let repetitions = report.repetitions.count
        body.append("<h1>\(escape(report.benchmark))</h1>")
        body.append(facts(report))

        body.append("<h2>Rounds</h2>")
        body.append("<p class=note>\(repetitions == 1 ? "One repetition: no intervals." : "Mean ± half-width of the \(level) interval (Student's t, \(repetitions) repetitions).") Latency from the time the transaction was sent (Caliper's), in seconds; p99 from intended includes queueing in the driver.</p>")
        body.append(roundsTable(report))
        body.append(CostReport.html(report))

        let labels = report.rounds.map(\.label)
        body.append("<h2>Throughput and latency</h2><div class=charts>")
        body.append(BarChart(title: "Throughput (TPS)", categories: labels,
                             series: [series("throughput", .throughput, report)]).svg)
        body.append(BarChart(title: "Latency (s)", categories: labels,
                             series: [series("p50", .latencyP50, report), series("p99", .latencyP99, report),
                                      series("p99 from intended", .intendedLatencyP99, report)]).svg)
        body.append(LineChart(title: "Latency distribution (s), repetition 1", xLabels: ["min", "p50", "p90", "p99", "p99.9", "max"],
                              series: (report.repetitions.first?.rounds ?? []).map { round in
                                  let latency = round.latencyFromSent
                                  return (round.label, [latency.min, latency.p50, latency.p90, latency.p99, latency.p999, latency.max]
                                      .enumerated().map { (Double($0.offset), $0.element) })
                              }).svg)
        body.append("</div>")

        for (stem, figure) in ResultFiles.gridTimeFigures(report) {
            body.append("<h2>Total execution time against transactions: \(escape(figure.grid))</h2>")
            body.append("<p class=note>One panel per network, one line per account count; each point is the mean of the cell's total execution time (first intended send to last finish) over \(repetitions) repetition(s), with its \(level) interval. Figures: \(escape(stem)).csv and \(escape(stem)).svg.</p>")
            body.append("<div class=charts>\(figure.svg)</div>")
        }

        if let first = report.repetitions.first, !first.resources.isEmpty {
            body.append("<h2>Resources per transaction kind</h2>")
            body.append("<p class=note>The seed paper's tables: one per transaction kind, each figure averaged over the kind's rounds (traffic and disk per round)\(repetitions > 1 ? ", mean ± half-width of the \(level) interval over \(repetitions) repetitions" : ""). resources-by-kind.csv has them with their intervals.</p>")
            for table in KindResourceTable.tables(of: report) { body.append(kindTable(table)) }
            body.append("<h2>Resources per node</h2>")
            body.append("<p class=note>Repetition 1. CPU as a share of one core (100% = one core busy); in-process nodes share the process's memory, their disk figures are their stores' own and their network figures their transport's. \(repetitions > 1 ? "resources.csv has every figure with its interval over the repetitions." : "")</p>")
            let nodeNames = first.resources[0].nodes.map(\.node).filter { $0 != "process" }
            body.append("<div class=charts>")
            body.append(BarChart(title: "CPU (% of one core), mean over the round", categories: labels,
                                 series: nodeNames.map { node in
                                     (node, first.resources.map { round in
                                         (round.nodes.first { $0.node == node }.map(NodeResourceFigure.cpuMean.value(of:)) ?? 0, nil, nil) })
                                 }).svg)
            body.append(BarChart(title: "Network traffic out (MB)", categories: labels,
                                 series: nodeNames.map { node in
                                     (node, first.resources.map { round in
                                         (round.nodes.first { $0.node == node }.map(NodeResourceFigure.networkOut.value(of:)) ?? 0, nil, nil) })
                                 }).svg)
            body.append("</div>")
            for round in first.resources { body.append(resourceTable(round)) }
        }

        if let first = report.repetitions.first, first.rounds.contains(where: { $0.faults != nil }) {
            body.append("<h2>Faults, repetition 1</h2>")
            body.append("<p class=note>Commits per second as the driver saw them, in 100 ms steps; dashed lines are the faults. rounds.csv and run.json have every figure, with intervals over the repetitions.</p><div class=charts>")
            for round in first.rounds {
                guard let faults = round.faults else { continue }
                let points = faults.commitsPer100Milliseconds.enumerated().map { (Double($0.offset) / 10, Double($0.element) * 10) }
                var chart = LineChart(title: "\(round.label): commits per second", xLabels: nil, series: [("commits", points)])
                chart.markers = faults.applied.map { ($0.seconds, $0.kind + ($0.nodes.first.map { " " + $0 } ?? "")) }
                body.append(chart.svg)
            }
            body.append("</div>")
            for round in first.rounds {
                guard let faults = round.faults else { continue }
                body.append("<pre>" + escape(faults.lines(label: round.label).joined(separator: "\n")) + "</pre>")
            }
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
        let unchecked = report.repetitions.flatMap(\.uncheckedNodes)
        var verdict = report.consistent
            ? "<span class=ok>every node ended on the same chain and state</span>"
            : unchecked.isEmpty ? "<span class=bad>NODES DISAGREE: the ledger under test is broken</span>"
            : "<span class=bad>INCOMPLETE: not every node that started could be checked</span>"
        for node in unchecked {
            verdict += "<br><span class=bad>could not check \(escape((node.network.map { "\($0): " } ?? "") + node.name)): \(escape(node.reason))</span>"
        }
        for check in report.repetitions.flatMap(\.commitChecks) {
            verdict += "<br><span class=\(check.passed ? "ok" : "bad")>\(escape(check.line.trimmingCharacters(in: .whitespaces)))</span>"
        }
        for incident in report.incidents {
            verdict += "<br><span class=bad>NODE DIED: \(escape(incident.line)), no fault asked for it</span>"
        }
        let rows: [(String, String)] = [
            ("run", "\(escape(report.runId)), started \(escape(report.startedAt))\(report.interrupted ? " (interrupted)" : "")"
                + (report.failure.map { " <strong>(failed: \(escape($0)); the repetitions before it are kept)</strong>" } ?? "")),
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
        let figures: [RoundFigure] = [.succeeded, .failed, .sendRate, .throughput, .latencyMax, .latencyMin, .latencyMean,
                                      .latencyP50, .latencyP90, .latencyP99, .intendedLatencyP99, .totalExecutionTime]
        var html = "<table><tr><th>Name</th>" + figures.map { "<th>\(escape($0.header))</th>" }.joined() + "</tr>"
        for summary in report.rounds {
            html += "<tr><td>\(escape(summary.label))</td>"
            for figure in figures {
                let interval = summary.interval(figure)
                html += "<td class=num>" + (interval.map { cell($0) } ?? "") + "</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    static func resourceTable(_ round: RoundResourceReport) -> String {
        let figures: [NodeResourceFigure] = [.memoryMean, .cpuMean, .cpuMax, .networkIn, .networkOut, .diskRead, .diskWrite]
        var html = "<h3>\(escape(round.label))</h3><table><tr><th>Name</th>"
            + figures.map { "<th>\(escape($0.header))</th>" }.joined() + "</tr>"
        for node in round.nodes {
            html += "<tr><td>\(escape(node.node))</td>"
                + figures.map { "<td class=num>\(node.isMeasured ? format($0.value(of: node)) : "not measured")</td>" }.joined() + "</tr>"
        }
        html += "</table>"
        let notes = round.nodes.compactMap(\.missedNote)
        if !notes.isEmpty {
            html += "<p class=bad>Samples missed: " + notes.map(escape).joined(separator: "; ") + ".</p>"
        }
        return html
    }

    static func kindTable(_ table: KindResourceTable) -> String {
        let columns = NodeResourceFigure.paperColumns
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

    static func series(_ name: String, _ figure: RoundFigure, _ report: RunReport) -> (String, [(Double, Double?, Double?)]) {
        (name, report.rounds.map { summary in
            guard let interval = summary.interval(figure) else { return (0, nil, nil) }
            return interval.hasInterval ? (interval.mean, interval.lower, interval.upper) : (interval.mean, nil, nil)
        })
    }

    static func cell(_ interval: ConfidenceInterval) -> String {
        interval.hasInterval ? "\(format(interval.mean)) <span class=pm>± \(format(interval.halfWidth))</span>" : format(interval.mean)
    }

    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) >= 1, abs(value) < 1e9 { return String(Int64(value)) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        if abs(value) >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.4f", value)
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    public static let style = """
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
