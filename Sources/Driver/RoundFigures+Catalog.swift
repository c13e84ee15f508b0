public import Report

/// One figure of a round as the result files name it: column header, key, unit, polarity.
public struct FigureDefinition: Sendable {
    /// The column header (Caliper's where Caliper has one), unit included.
    public var header: String
    /// The identifier in run.json and repetitions.csv.
    public var key: String
    public var unit: String
    public var polarity: FigurePolarity
    public var value: @Sendable (RoundFigures) -> Double
}

extension RoundFigures {
    /// Every figure a round reports, Caliper's columns first.
    public static let catalog: [FigureDefinition] = [
        FigureDefinition(header: "Succ", key: "succeeded", unit: "tx", polarity: .higherIsBetter) { Double($0.succeeded) },
        FigureDefinition(header: "Fail", key: "failed", unit: "tx", polarity: .lowerIsBetter) { Double($0.failed) },
        FigureDefinition(header: "Send Rate (TPS)", key: "sendRate", unit: "tx/s", polarity: .higherIsBetter) { $0.sendRate },
        FigureDefinition(header: "Max Latency (s)", key: "latencyMax", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.max },
        FigureDefinition(header: "Min Latency (s)", key: "latencyMin", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.min },
        FigureDefinition(header: "Avg Latency (s)", key: "latencyMean", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.mean },
        FigureDefinition(header: "Throughput (TPS)", key: "throughput", unit: "tx/s", polarity: .higherIsBetter) { $0.throughput },
        FigureDefinition(header: "p50 Latency (s)", key: "latencyP50", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.p50 },
        FigureDefinition(header: "p90 Latency (s)", key: "latencyP90", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.p90 },
        FigureDefinition(header: "p99 Latency (s)", key: "latencyP99", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.p99 },
        FigureDefinition(header: "p99.9 Latency (s)", key: "latencyP999", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromSent.p999 },
        FigureDefinition(header: "Goodput (TPS)", key: "goodput", unit: "tx/s", polarity: .higherIsBetter) { $0.goodput },
        FigureDefinition(header: "Total Execution Time (s)", key: "totalExecutionTime", unit: "s", polarity: .lowerIsBetter) { $0.totalExecutionSeconds },
        FigureDefinition(header: "p50 Latency from Intended (s)", key: "intendedLatencyP50", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromIntended.p50 },
        FigureDefinition(header: "p99 Latency from Intended (s)", key: "intendedLatencyP99", unit: "s", polarity: .lowerIsBetter) { $0.latencyFromIntended.p99 },
        FigureDefinition(header: "Scheduler Lag p99 (ms)", key: "schedulerLagP99", unit: "ms", polarity: .lowerIsBetter) { $0.driver.schedulerLagP99Milliseconds },
        FigureDefinition(header: "Driver CPU (%)", key: "driverCPU", unit: "%", polarity: .neutral) { $0.driver.cpuPercent ?? .nan },
    ]
}

/// A round over all repetitions: every figure's values and interval.
public struct RoundSummary: Sendable, Hashable, Codable {
    public var label: String
    public var repetitions: Int
    public var figures: [FigureStatistics]

    /// Summarises the `index`-th round of every repetition that ran it.
    public static func summarise(_ report: RunReport, confidence: Double) -> [RoundSummary] {
        guard let first = report.repetitions.first else { return [] }
        return first.rounds.indices.map { index in
            let rounds = report.repetitions.compactMap { $0.rounds.indices.contains(index) ? $0.rounds[index] : nil }
            let figures = RoundFigures.catalog.map { definition in
                FigureStatistics(key: definition.key, unit: definition.unit, polarity: definition.polarity,
                                 values: rounds.map(definition.value).filter(\.isFinite), confidence: confidence)
            }
            return RoundSummary(label: first.rounds[index].label, repetitions: rounds.count, figures: figures)
        }
    }
}

/// The CSV files of a run directory.
public enum ResultFiles {
    /// `rounds.csv`: one row per round; each figure's mean, then its standard deviation and interval.
    public static func roundsCSV(_ summaries: [RoundSummary], confidence: Double) -> String {
        let scaled = confidence * 100
        let percent = scaled.rounded() == scaled ? String(Int(scaled)) : CSV.number(scaled)
        var header = ["Name", "Repetitions"]
        for definition in RoundFigures.catalog {
            header += [definition.header, "\(definition.header) sd", "\(definition.header) \(percent)% low",
                       "\(definition.header) \(percent)% high"]
        }
        var lines = [CSV.line(header)]
        for summary in summaries {
            var row = [summary.label, "\(summary.repetitions)"]
            for statistics in summary.figures {
                guard let interval = statistics.interval else {
                    row += ["", "", "", ""]
                    continue
                }
                row.append(CSV.number(interval.mean))
                if interval.hasInterval {
                    row += [CSV.number(interval.standardDeviation), CSV.number(interval.lower), CSV.number(interval.upper)]
                } else {
                    row += ["", "", ""]
                }
            }
            lines.append(CSV.line(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `repetitions.csv`: every figure's raw value in every repetition, one per line.
    public static func repetitionsCSV(_ report: RunReport) -> String {
        var lines = [CSV.line(["round", "repetition", "figure", "unit", "value"])]
        for repetition in report.repetitions {
            for round in repetition.rounds {
                for definition in RoundFigures.catalog {
                    let value = definition.value(round)
                    guard value.isFinite else { continue }
                    lines.append(CSV.line([round.label, "\(repetition.repetition + 1)", definition.key, definition.unit,
                                           CSV.number(value)]))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
