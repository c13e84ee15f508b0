import Foundation

/// The result table `vernier run` prints: Caliper's columns, then percentiles and the driver's health.
public enum ResultTable {
    public static func render(_ report: RunReport) -> String {
        var lines: [String] = []
        for repetition in report.repetitions {
            if report.repetitions.count > 1 { lines.append("repetition \(repetition.repetition + 1)") }
            let header = ["Name", "Succ", "Fail", "Send Rate (TPS)", "Max Latency (s)", "Min Latency (s)", "Avg Latency (s)",
                          "Throughput (TPS)", "p50 (s)", "p90 (s)", "p99 (s)", "p99.9 (s)", "p99 from intended (s)", "lag p99 (ms)"]
            var rows = [header]
            for round in repetition.rounds {
                let latency = round.latencyFromSent
                var name = round.label
                if round.driver.limitedByDriver { name += " [driver-limited]" }
                if round.interrupted { name += " [interrupted]" }
                rows.append([name, "\(round.succeeded)", "\(round.failed)", fixed(round.sendRate, 1), fixed(latency.max, 3),
                             fixed(latency.min, 3), fixed(latency.mean, 3), fixed(round.throughput, 1), fixed(latency.p50, 3),
                             fixed(latency.p90, 3), fixed(latency.p99, 3), fixed(latency.p999, 3),
                             fixed(round.latencyFromIntended.p99, 3), fixed(round.driver.schedulerLagP99Milliseconds, 2)])
            }
            lines.append(contentsOf: TextTable.boxed(rows))
            for round in repetition.rounds where !round.failures.isEmpty {
                let classes = round.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                lines.append("  \(round.label) failures: \(classes)")
            }
            for round in repetition.rounds {
                guard let faults = round.faults else { continue }
                lines.append(contentsOf: faults.lines(label: round.label))
            }
            for node in repetition.plannedDownNodes {
                lines.append("  not checked: \((node.network.map { "\($0): " } ?? "") + node.name) is \(node.reason)")
            }
            for fault in repetition.failedFaults {
                lines.append("  FAULT FAILED: \(fault.fault) at \(String(format: "%.1f", fault.seconds)) s: \(fault.error ?? "")")
            }
            // One line per network: nodes are compared with the other nodes of their own network.
            var networks: [String?] = []
            for node in repetition.nodes where !networks.contains(node.network) { networks.append(node.network) }
            for network in repetition.uncheckedNodes.map(\.network) where !networks.contains(network) { networks.append(network) }
            for network in networks {
                let nodes = repetition.nodes.filter { $0.network == network }
                let unchecked = repetition.uncheckedNodes.filter { $0.network == network }
                let prefix = network.map { "\($0): " } ?? ""
                let started = nodes.count + unchecked.count
                let scope = unchecked.isEmpty ? "all \(nodes.count) nodes" : "the \(nodes.count) of \(started) started nodes that answered"
                if let node = nodes.first, LedgerCheck.agree(nodes) {
                    lines.append("  ledger check: \(prefix)\(scope) at height \(node.height), head \(node.headHash.prefix(12)), peers' state digests equal")
                } else if !nodes.isEmpty {
                    lines.append("  LEDGER CHECK FAILED: \(prefix)nodes disagree: "
                                 + nodes.map { "\($0.name) h\($0.height) \($0.headHash.prefix(8))" }.joined(separator: ", "))
                }
                if !unchecked.isEmpty {
                    lines.append("  LEDGER CHECK INCOMPLETE: \(prefix)could not check "
                                 + unchecked.map { "\($0.name) (\($0.reason))" }.joined(separator: ", "))
                }
            }
            for check in repetition.commitChecks { lines.append(check.line) }
            for incident in repetition.incidents {
                lines.append("  NODE DIED: \(incident.line), no fault asked for it")
            }
        }
        if report.repetitions.count > 1 {
            let level = IntervalColumns.levelLabel(report.configuration.confidence)
            lines.append("over \(report.repetitions.count) repetitions: mean ± half-width of the \(level) interval (Student's t)")
            let figures: [RoundFigure] = [.succeeded, .failed, .sendRate, .throughput, .latencyMean, .latencyP50, .latencyP99,
                                          .totalExecutionTime]
            var rows = [["Name"] + figures.map(\.header)]
            for summary in report.rounds {
                rows.append([summary.label] + figures.map { figure in
                    guard let interval = summary.interval(figure) else { return "" }
                    return fixed(interval.mean, 3) + " ± " + fixed(interval.halfWidth, 3)
                })
            }
            lines.append(contentsOf: TextTable.boxed(rows))
        }
        lines += CostReport.terminalLines(report)
        return lines.joined(separator: "\n")
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}
