import Foundation
import Results

/// The files of a capacity run directory: capacity.csv, probes.csv, run.json and capacity.html.
public enum CapacityFiles {
    /// `capacity.csv`: one row per cell (consensus × size): the sustainable rate with its interval
    /// over the searches, the latency and success at it, the probes used, and what saturated first.
    public static func capacityCSV(_ report: CapacityReport) -> String {
        var lines = [CSV.line([
            "Consensus", "Size", "Organizations", "Peers per organization", "Ordering nodes", "Nodes", "Searches", "Outcome",
            "Sustainable rate (TPS)",
        ] + IntervalColumns.header("Sustainable rate", confidence: report.plan.benchmark.confidence).dropFirst() + [
            "First miss (TPS)", "p95 at sustainable (s)", "Success at sustainable (%)",
            "Probes", "First saturated", "Saturation detail", "Driver-limited", "Error",
        ])]
        for cell in report.cells {
            let interval = cell.sustainable
            lines.append(CSV.line([
                cell.consensus, cell.size?.label ?? "", cell.size.map { "\($0.organizations)" } ?? "",
                cell.size.map { "\($0.peersPerOrganization)" } ?? "", "\(cell.orderingNodes)", "\(cell.nodes.count)",
                "\(cell.searches.count)", cell.outcome,
                interval.map { CSV.number($0.mean) } ?? "",
                interval.flatMap { $0.hasInterval ? CSV.number($0.standardDeviation) : nil } ?? "",
                interval.flatMap { $0.hasInterval ? CSV.number($0.lower) : nil } ?? "",
                interval.flatMap { $0.hasInterval ? CSV.number($0.upper) : nil } ?? "",
                cell.firstMiss.map(CSV.number) ?? "", cell.p95AtSustainableSeconds.map(CSV.number) ?? "",
                cell.successRateAtSustainable.map { CSV.number($0 * 100) } ?? "", "\(cell.probesUsed)",
                cell.saturation?.key ?? "", cell.saturation?.detail ?? "", cell.driverLimited ? "yes" : "no", cell.error ?? "",
            ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `probes.csv`: every probe, in the order it ran.
    public static func probesCSV(_ report: CapacityReport) -> String {
        var lines = [CSV.line([
            "Consensus", "Size", "Repetition", "Probe", "Offered rate (TPS)", "Send Rate (TPS)", "Committed rate (TPS)",
            "Throughput (TPS)", "Succ", "Fail", "Success (%)", "p50 from intended (s)", "p95 from intended (s)",
            "p99 from intended (s)", "p95 from sent (s)", "Verdict", "Reason", "Limiting", "Process CPU (%)", "Busiest node",
            "Busiest node CPU (%)", "Disk busy (%)", "Scheduler lag p99 (ms)", "Driver CPU (%)", "Stopped early", "Blocks",
            "Probe (s)", "Settle (s)", "Wall (s)",
        ])]
        for probe in report.probes {
            let measurement = probe.measurement
            let figures = measurement.figures
            let busiest = measurement.evidence.nodes.max { $0.cpuPercent < $1.cpuPercent }
            lines.append(CSV.line([
                probe.consensus, probe.size ?? "", "\(probe.repetition)", "\(probe.index)", CSV.number(probe.offeredRate),
                CSV.number(figures.sendRate), CSV.number(measurement.committedRate), CSV.number(figures.throughput),
                "\(figures.succeeded)", "\(figures.failed)", CSV.number(measurement.successRate * 100),
                CSV.number(figures.latencyFromIntended.p50), CSV.number(measurement.p95FromIntendedSeconds),
                CSV.number(figures.latencyFromIntended.p99), CSV.number(measurement.p95FromSentSeconds),
                probe.verdict.rawValue, probe.reason ?? "", probe.limiting.key,
                measurement.evidence.processCPUPercent.map(CSV.number) ?? "", busiest?.node ?? "",
                busiest.map { CSV.number($0.cpuPercent) } ?? "", measurement.evidence.diskBusyShare.map { CSV.number($0 * 100) } ?? "",
                CSV.number(figures.driver.schedulerLagP99Milliseconds), figures.driver.cpuPercent.map(CSV.number) ?? "",
                measurement.stoppedEarly ? "yes" : "no", "\(measurement.blocks)", CSV.number(measurement.probeSeconds),
                CSV.number(measurement.settleSeconds), CSV.number(probe.wallSeconds),
            ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes run.json, capacity.csv, probes.csv and capacity.html into `directory`.
    public static func write(_ report: CapacityReport, to directory: String) throws {
        try RunJSON.encode(report).write(to: URL(fileURLWithPath: directory + "/run.json"))
        try Data(capacityCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/capacity.csv"))
        try Data(probesCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/probes.csv"))
        try Data(CapacityHTML.render(report).utf8).write(to: URL(fileURLWithPath: directory + "/capacity.html"))
    }
}
