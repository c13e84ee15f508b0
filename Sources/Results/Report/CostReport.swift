import Statistics

/// The cost per transaction and saturation figures as the terminal, report.html and costs.csv show them.
public enum CostReport {
    /// The terminal's table of the federation's costs per round, mean ± half-width; nothing
    /// without a monitor.
    public static func terminalLines(_ report: RunReport) -> [String] {
        guard report.rounds.contains(where: { $0.costs(RoundCost.federationScope) != nil }) else { return [] }
        var rows = [["Name"] + CostFigure.allCases.map(\.header)]
        for summary in report.rounds {
            guard let costs = summary.costs(RoundCost.federationScope) else { continue }
            rows.append([summary.label] + CostFigure.allCases.map { figure in
                guard let interval = costs.statistics(figure)?.interval else { return "not measured" }
                return report.repetitions.count > 1
                    ? HTMLReport.format(interval.mean) + " ± " + HTMLReport.format(interval.halfWidth) : HTMLReport.format(interval.mean)
            })
        }
        var lines = ["cost per transaction of the whole federation (costs.csv has each node's):"]
        lines += TextTable.boxed(rows)
        lines += saturationLines(report)
        return lines
    }

    /// One line per `maximum-rate` round: the rate sustained and where latency left its bound.
    static func saturationLines(_ report: RunReport) -> [String] {
        report.rounds.compactMap { summary in
            guard let sustained = summary.interval(.saturationThroughput), let knee = summary.interval(.latencyBoundRate) else { return nil }
            let first = report.repetitions.first?.rounds.first { $0.label == summary.label }?.saturation
            let reached = report.repetitions.allSatisfy { repetition in
                repetition.rounds.first { $0.label == summary.label }?.saturation?.latencyBoundReached ?? true
            }
            let bound = first.map { " (bound \(HTMLReport.format($0.latencyBoundSeconds)) s\($0.latencyBoundGiven ? "" : ", twice the first window's"))" } ?? ""
            return "  \(summary.label) saturation: sustained \(HTMLReport.format(sustained.mean)) tx/s; latency left its bound\(bound) "
                + (reached ? "at \(HTMLReport.format(knee.mean)) tx/s offered"
                           : "NOT in every repetition: at least \(HTMLReport.format(knee.mean)) tx/s offered")
        }
    }

    /// report.html's section: each round's costs by scope, with intervals, and the saturation rounds.
    static func html(_ report: RunReport) -> String {
        guard report.rounds.contains(where: { !$0.costs.isEmpty }) else { return "" }
        let level = IntervalColumns.levelLabel(report.configuration.confidence)
        var html = "<h2>Cost per transaction</h2><p class=note>What each transaction the ledger carried (committed valid or invalid, or answered) cost each node and the whole federation, measured at the round's bounds from each node's own counters\(report.repetitions.count > 1 ? "; mean ± half-width of the \(level) interval over \(report.repetitions.count) repetitions" : ""). `vernier compare` judges these: lower is better. In process, nodes share one process's memory: only the federation's peak is shown.</p>"
        for summary in report.rounds where !summary.costs.isEmpty {
            html += "<h3>\(HTMLReport.escape(summary.label))</h3><table><tr><th>Scope</th>"
                + CostFigure.allCases.map { "<th>\(HTMLReport.escape($0.header))</th>" }.joined() + "</tr>"
            for cost in summary.costs {
                html += "<tr><td>\(HTMLReport.escape(cost.scope))</td>" + CostFigure.allCases.map { figure in
                    "<td class=num>" + (cost.statistics(figure)?.interval.map(HTMLReport.cell) ?? "") + "</td>"
                }.joined() + "</tr>"
            }
            html += "</table>"
        }
        let saturation = saturationLines(report)
        if !saturation.isEmpty {
            html += "<h2>Saturation</h2><p class=note>Rounds with the maximum-rate controller, read in windows as long as its sample interval: the highest throughput sustained over a window, and the offered rate of the first window whose mean latency from intended passed the bound.</p><pre>"
                + HTMLReport.escape(saturation.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")) + "</pre>"
        }
        return html
    }
}

extension ResultFiles {
    /// `costs.csv`: one row per round and scope (the federation, then each node); each cost
    /// figure's mean over the repetitions, then its standard deviation and interval bounds.
    public static func costsCSV(_ report: RunReport) -> String {
        let confidence = report.configuration.confidence
        var header = ["Round", "Scope"]
        for figure in CostFigure.allCases { header += IntervalColumns.header(figure.header, confidence: confidence) }
        var lines = [CSV.line(header)]
        for summary in report.rounds {
            for cost in summary.costs {
                var row = [summary.label, cost.scope]
                for figure in CostFigure.allCases { row += IntervalColumns.cells(cost.statistics(figure)?.interval) }
                lines.append(CSV.line(row))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
