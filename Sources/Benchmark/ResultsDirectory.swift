import Foundation
public import Results

/// Where runs write their results: `Results/<benchmark>/<run-id>/`, never over an earlier run.
public enum ResultsDirectory {
    /// A new run id: UTC time to the second, and a suffix that makes it unique.
    public static func newRunId() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// Creates `<root>/<benchmark>/<runId>`; throws if it exists, so no run is ever overwritten.
    public static func create(root: String, benchmark: String, runId: String) throws -> String {
        let parent = root + "/" + benchmark
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let path = parent + "/" + runId
        guard mkdir(path, 0o755) == 0 else {
            throw RunError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    /// Points `<root>/<benchmark>/latest` at the newest run.
    public static func markLatest(root: String, benchmark: String, runId: String) {
        let link = root + "/" + benchmark + "/latest"
        try? FileManager.default.removeItem(atPath: link)
        try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: runId)
    }

    /// Writes run.json, rounds.csv, repetitions.csv, resources.csv, costs.csv and
    /// resources-by-kind.csv (when resources were sampled), `<grid>-time.csv` and `.svg` for every grid that varies
    /// transactions, and report.html.
    public static func write(_ report: RunReport, to directory: String) throws {
        try RunJSON.encode(report).write(to: URL(fileURLWithPath: directory + "/run.json"))
        try Data(ResultFiles.roundsCSV(report.rounds, confidence: report.configuration.confidence).utf8)
            .write(to: URL(fileURLWithPath: directory + "/rounds.csv"))
        try Data(ResultFiles.repetitionsCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/repetitions.csv"))
        try Data(ResultFiles.resourcesCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/resources.csv"))
        if report.rounds.contains(where: { !$0.costs.isEmpty }) {
            try Data(ResultFiles.costsCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/costs.csv"))
        }
        if report.repetitions.contains(where: { !$0.resources.isEmpty }) {
            try Data(ResultFiles.resourcesByKindCSV(report).utf8)
                .write(to: URL(fileURLWithPath: directory + "/resources-by-kind.csv"))
        }
        for (stem, figure) in ResultFiles.gridTimeFigures(report) {
            try Data(figure.csv.utf8).write(to: URL(fileURLWithPath: directory + "/\(stem).csv"))
            try Data(figure.svg.utf8).write(to: URL(fileURLWithPath: directory + "/\(stem).svg"))
        }
        try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: directory + "/report.html"))
    }
}
