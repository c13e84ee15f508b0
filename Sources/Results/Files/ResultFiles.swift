import Statistics

/// The CSV files of a run directory; each is written from a `RunReport` alone.
public enum ResultFiles {
    /// `rounds.csv`: one row per round; each figure's mean, then its standard deviation and interval.
    public static func roundsCSV(_ summaries: [RoundSummary], confidence: Double) -> String {
        var header = ["Name", "Repetitions"]
        for figure in RoundFigure.allCases { header += IntervalColumns.header(figure.header, confidence: confidence) }
        var lines = [CSV.line(header)]
        for summary in summaries {
            var row = [summary.label, "\(summary.repetitions)"]
            for figure in RoundFigure.allCases { row += IntervalColumns.cells(summary.interval(figure)) }
            lines.append(CSV.line(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `repetitions.csv`: every figure's raw value in every repetition, one per line.
    public static func repetitionsCSV(_ report: RunReport) -> String {
        var lines = [CSV.line(["round", "repetition", "figure", "unit", "value"])]
        for repetition in report.repetitions {
            for round in repetition.rounds {
                for figure in RoundFigure.allCases {
                    let value = figure.value(of: round)
                    guard value.isFinite else { continue }
                    lines.append(CSV.line([round.label, "\(repetition.repetition + 1)", figure.rawValue, figure.unit,
                                           CSV.number(value)]))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
