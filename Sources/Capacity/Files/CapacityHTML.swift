import Foundation
import Results
import BenchmarkSpec
import CapacitySpec

/// `capacity.html`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with
/// the capacity curve, the latency-vs-rate curve of every size, what saturated first, and every probe.
enum CapacityHTML {
    public static func render(_ report: CapacityReport) -> String {
        let plan = report.plan
        var body: [String] = []
        body.append("<h1>Capacity: \(HTMLReport.escape(plan.name))</h1>")
        body.append(facts(report))
        body.append(reading(report))

        body.append("<h2>Capacity curve</h2>")
        body.append("<div class=charts>" + capacityCurve(report).svg + "</div>")
        body.append("<p class=note>Filled points: the highest offered rate that met the goal, bracketed below the first rate that missed it (within the search's resolution, \(ServiceGoal.text(plan.search.relativeResolution * 100))%). Hollow points are lower bounds: the goal held up to the maximum rate, or the driver, not the federation, gave out first. Bars: the \(IntervalColumns.levelLabel(plan.benchmark.confidence)) interval over the searches when the plan repeats them. A dashed line is the no-ledger baseline (one store), when the plan runs it.</p>")
        body.append(capacityTable(report))

        body.append("<h2>Latency against the offered rate</h2>")
        body.append("<p class=note>p95 latency (from the \(plan.goal.latency.rawValue) time) of every probe, by size; the dashed line is the goal. ● met, ✕ missed, ○ limited by the driver (not counted). Points above the chart's top are drawn on it.</p>")
        body.append("<div class=charts>")
        for consensus in consensusNames(report) {
            body.append(latencyChart(report, consensus: consensus).svg)
            body.append(throughputChart(report, consensus: consensus).svg)
        }
        body.append("</div>")

        body.append("<h2>Every probe</h2>")
        body.append(probesTable(report))
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>vernier capacity: \(HTMLReport.escape(plan.name))</title>
            <style>\(HTMLReport.style)</style></head><body>
            \(body.joined(separator: "\n"))
            <p class=note>Written by vernier capacity. Figures: capacity.csv, probes.csv and run.json beside this page.</p>
            </body></html>
            """
    }

    // MARK: - Sections

    static func facts(_ report: CapacityReport) -> String {
        let plan = report.plan
        let machine = report.machine
        let round = plan.workloadRound
        let search = plan.search
        let status = report.interrupted ? "<span class=bad>interrupted: the cells below are what finished</span>"
            : report.failed ? "<span class=bad>some cells failed (see Error)</span>" : "<span class=ok>complete</span>"
        let rows: [(String, String)] = [
            ("run", HTMLReport.escape("\(report.runId), started \(report.startedAt), \(Int(report.elapsedSeconds.rounded())) s")),
            ("status", status),
            ("goal", HTMLReport.escape(plan.goal.summary)),
            ("workload", HTMLReport.escape("\(round.workload) (round \(round.label) of \(plan.benchmarkPath ?? "the inline benchmark")), "
                + "\(plan.benchmark.accounts) accounts, nonce window \(plan.benchmark.nonceWindow), seed \(plan.benchmark.seed)")),
            ("search", HTMLReport.escape("from \(ServiceGoal.text(search.startRate)) tps\(search.warmStart ? " (later sizes from one growth step below the previous size's rate)" : "") up to \(ServiceGoal.text(search.maximumRate)) tps, ×\(ServiceGoal.text(search.growthFactor)) then bisection to \(ServiceGoal.text(search.relativeResolution * 100))%; probes of \(search.probeLength.benchmarkText) at a fixed rate, the first \(search.warmUp.benchmarkText) left out; \(search.repetitions) search(es) per size, at most \(search.maximumProbes) probes each")),
            ("machine", HTMLReport.escape("\(machine.cpuModel), \(machine.cores) cores, \(machine.memoryBytes / 1_048_576) MiB, \(machine.operatingSystem), Swift \(machine.swiftVersion)")),
            ("deployment", HTMLReport.escape("\(plan.benchmark.network.deployment.rawValue): " + (plan.benchmark.network.deployment == .inProcess
                ? "every node and the driver share this machine's \(machine.cores) cores, so process CPU is a resource the whole federation competes for"
                : "one process per node"))),
            ("commit", HTMLReport.escape(report.gitCommit ?? "not a git checkout")),
        ]
        return "<table class=facts>" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>"
    }

    /// A paragraph per cell in words: the rate, the latency at it, and what gave out.
    static func reading(_ report: CapacityReport) -> String {
        guard !report.cells.isEmpty else { return "<p>No cell finished.</p>" }
        var items: [String] = []
        for cell in report.cells {
            let line = CapacityRun.line(cell)
            var text = "<b>\(HTMLReport.escape(cell.label))</b>: " + HTMLReport.escape(String(line.dropFirst(cell.label.count + 2)))
            if let saturation = cell.saturation { text += " — " + HTMLReport.escape(saturation.detail) + "." }
            items.append("<li>\(text)</li>")
        }
        return "<h2>In short</h2><ul>" + items.joined() + "</ul>"
    }

    static func capacityTable(_ report: CapacityReport) -> String {
        let level = IntervalColumns.levelLabel(report.plan.benchmark.confidence)
        var html = "<table><tr><th>Cell</th><th>Nodes</th><th>Outcome</th><th>Sustainable rate (TPS)</th><th>First miss (TPS)</th><th>p95 at it (s)</th><th>Success at it (%)</th><th>Probes</th><th>First saturated</th><th>Nearest limits at the sustainable rate</th></tr>"
        for cell in report.cells {
            let rate: String
            if let interval = cell.sustainable {
                let bound = cell.outcome == "sustainable" ? "" : "≥ "
                rate = bound + (interval.hasInterval ? "\(HTMLReport.format(interval.mean)) <span class=pm>± \(HTMLReport.format(interval.halfWidth)) (\(level))</span>" : HTMLReport.format(interval.mean))
            } else {
                rate = "—"
            }
            let outcome = cell.error.map { "<span class=bad>failed: \(HTMLReport.escape($0))</span>" }
                ?? (cell.driverLimited ? "<span class=bad>driver-limited</span>" : HTMLReport.escape(cell.outcome))
            let nearest = cell.utilisationAtSustainable.prefix(3)
                .map { "\(HTMLReport.escape($0.resource)) \(HTMLReport.format($0.share * 100))%" }.joined(separator: ", ")
            html += "<tr><td>\(HTMLReport.escape(cell.label))</td><td class=num>\(cell.nodes.count)</td><td>\(outcome)</td><td class=num>\(rate)</td><td class=num>\(cell.firstMiss.map(HTMLReport.format) ?? "—")</td><td class=num>\(cell.p95AtSustainableSeconds.map(HTMLReport.format) ?? "—")</td><td class=num>\(cell.successRateAtSustainable.map { HTMLReport.format($0 * 100) } ?? "—")</td><td class=num>\(cell.probesUsed)</td><td>\(cell.saturation.map { "<b>\(HTMLReport.escape($0.key))</b><br><span class=note>\(HTMLReport.escape($0.detail))</span>" } ?? "—")</td><td>\(nearest)</td></tr>"
        }
        return html + "</table>"
    }

    static func probesTable(_ report: CapacityReport) -> String {
        var html = "<table><tr><th>Cell</th><th>Search</th><th>Probe</th><th>Offered (TPS)</th><th>Committed (TPS)</th><th>p95 from intended (s)</th><th>p95 from sent (s)</th><th>Success (%)</th><th>Verdict</th><th>Limiting</th><th>Process CPU (%)</th><th>Scheduler lag p99 (ms)</th><th>Wall (s)</th></tr>"
        for probe in report.probes {
            let measurement = probe.measurement
            let verdict: String
            switch probe.verdict {
            case .met: verdict = "<span class=ok>met</span>"
            case .missed: verdict = "missed" + (probe.reason.map { "<br><span class=note>\(HTMLReport.escape($0))</span>" } ?? "")
            case .driverLimited: verdict = "<span class=bad>driver-limited</span>" + (probe.reason.map { "<br><span class=note>\(HTMLReport.escape($0))</span>" } ?? "")
            }
            html += "<tr><td>\(HTMLReport.escape(probe.cell))</td><td class=num>\(probe.repetition)</td><td class=num>\(probe.index)</td><td class=num>\(HTMLReport.format(probe.offeredRate))</td><td class=num>\(HTMLReport.format(measurement.committedRate))</td><td class=num>\(HTMLReport.format(measurement.p95FromIntendedSeconds))</td><td class=num>\(HTMLReport.format(measurement.p95FromSentSeconds))</td><td class=num>\(HTMLReport.format(measurement.successRate * 100))</td><td>\(verdict)</td><td>\(HTMLReport.escape(probe.limiting.key))</td><td class=num>\(measurement.evidence.processCPUPercent.map(HTMLReport.format) ?? "")</td><td class=num>\(HTMLReport.format(measurement.figures.driver.schedulerLagP99Milliseconds))</td><td class=num>\(HTMLReport.format(probe.wallSeconds))</td></tr>"
        }
        return html + "</table>"
    }

    // MARK: - Charts

    static func consensusNames(_ report: CapacityReport) -> [String] {
        var names: [String] = []
        for cell in report.cells where cell.size != nil && !names.contains(cell.consensus) { names.append(cell.consensus) }
        return names
    }

    /// Sustainable TPS against federation size, one line per consensus.
    static func capacityCurve(_ report: CapacityReport) -> XYChart {
        let sizes = report.plan.sizes
        var series: [XYChart.Series] = []
        for consensus in consensusNames(report) {
            var points: [XYChart.Point] = []
            for cell in report.cells where cell.consensus == consensus {
                guard let size = cell.size, let index = sizes.firstIndex(of: size), let interval = cell.sustainable else { continue }
                let exact = cell.outcome == "sustainable"
                points.append(XYChart.Point(
                    x: Double(index), y: interval.mean, low: interval.hasInterval ? interval.lower : nil,
                    high: interval.hasInterval ? interval.upper : nil, marker: exact ? .filled : .hollow,
                    note: "\(cell.label): \(exact ? "" : "≥ ")\(HTMLReport.format(interval.mean)) tps"))
            }
            series.append(XYChart.Series(name: consensus, points: points))
        }
        var lines: [XYChart.Reference] = []
        if let baseline = report.cells.first(where: { $0.size == nil }), let rate = baseline.sustainable?.mean {
            lines.append(XYChart.Reference(name: "none (one store)", y: rate))
        }
        return XYChart(title: "Sustainable rate (TPS) by size (hospitals × peers each)",
                       xCategories: sizes.map(\.label), series: series, references: lines)
    }

    /// p95 against the offered rate, one line per size, the goal as a dashed line.
    static func latencyChart(_ report: CapacityReport, consensus: String) -> XYChart {
        let goal = report.plan.goal
        let series = report.cells.filter { $0.consensus == consensus && $0.size != nil }.map { cell in
            XYChart.Series(name: cell.size!.label, points: report.probes.filter { $0.cell == cell.label }
                .sorted { $0.offeredRate < $1.offeredRate }
                .map { probe in
                    XYChart.Point(x: probe.offeredRate, y: probe.measurement.p95Seconds(goal.latency), low: nil, high: nil,
                                  marker: marker(probe.verdict),
                                  note: "\(probe.cell) @ \(HTMLReport.format(probe.offeredRate)) tps: p95 \(HTMLReport.format(probe.measurement.p95Seconds(goal.latency))) s, \(probe.verdict.rawValue)")
                })
        }
        return XYChart(title: "\(consensus): p95 latency (s) against offered rate (TPS)", xCategories: nil, series: series,
                       references: [XYChart.Reference(name: "goal", y: goal.p95LatencySeconds)],
                       yCap: goal.p95LatencySeconds * 3)
    }

    /// The committed rate against the offered rate, one line per size, the diagonal dashed.
    static func throughputChart(_ report: CapacityReport, consensus: String) -> XYChart {
        let series = report.cells.filter { $0.consensus == consensus && $0.size != nil }.map { cell in
            XYChart.Series(name: cell.size!.label, points: report.probes.filter { $0.cell == cell.label }
                .sorted { $0.offeredRate < $1.offeredRate }
                .map { probe in
                    XYChart.Point(x: probe.offeredRate, y: probe.measurement.committedRate, low: nil, high: nil,
                                  marker: marker(probe.verdict),
                                  note: "\(probe.cell) @ \(HTMLReport.format(probe.offeredRate)) tps: committed \(HTMLReport.format(probe.measurement.committedRate)) tps")
                })
        }
        return XYChart(title: "\(consensus): committed rate against offered rate (TPS)", xCategories: nil, series: series,
                       references: [], diagonal: true)
    }

    static func marker(_ verdict: ProbeVerdict) -> XYChart.Marker {
        switch verdict {
        case .met: .filled
        case .missed: .cross
        case .driverLimited: .hollow
        }
    }
}
