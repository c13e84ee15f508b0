public import Foundation

/// A run offered as a `vernier compare` baseline, and why it may not be one: a baseline taken from
/// a broken or partial run would let a broken build pass.
public struct BaselineCandidate: Sendable {
    /// The run.json's bytes, written unchanged as the baseline.
    public var data: Data
    public var benchmark: String
    public var gitCommit: String?
    public var repetitions: Int
    public var rounds: [ComparableRound]
    /// Why the run cannot be a baseline; empty if it can.
    public var refusals: [String]
    /// What weakens it without making it wrong.
    public var warnings: [String]

    /// Reads the run.json at `path` (or in the run directory `path`) and judges it.
    public static func load(path: String) throws -> BaselineCandidate {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? path + "/run.json" : path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ComparisonError.unreadable(path: file, reason: "no such file")
        }
        struct Incident: Decodable { var node: String }
        struct Repetition: Decodable {}
        struct Run: Decodable {
            var benchmark: String
            var gitCommit: String?
            var repetitions: [Repetition]
            var rounds: [ComparableRound]
            var interrupted: Bool
            var failure: String?
            var consistent: Bool
            var incidents: [Incident]
            var lostAcknowledged: Int
        }
        let run: Run
        do {
            run = try RunJSON.decode(Run.self, from: data)
        } catch {
            throw ComparisonError.unreadable(path: file, reason: "not a vernier run.json (\(error))")
        }
        var refusals: [String] = []
        if run.interrupted { refusals.append("the run was interrupted: some rounds or repetitions are missing") }
        if let failure = run.failure { refusals.append("the run failed: \(failure)") }
        if !run.consistent { refusals.append("the ledger check failed: the nodes disagreed or could not all be checked") }
        if run.lostAcknowledged > 0 { refusals.append("\(run.lostAcknowledged) acknowledged transactions were lost") }
        if !run.incidents.isEmpty {
            refusals.append("nodes died without a fault asking for it: \(run.incidents.map(\.node).joined(separator: ", "))")
        }
        if run.rounds.isEmpty { refusals.append("the run has no rounds") }
        var warnings: [String] = []
        if run.repetitions.count < 2 {
            warnings.append("one repetition: compare can only apply thresholds, not Welch's test (give the file repetitions: 5)")
        }
        if run.rounds.contains(where: { $0.costs.isEmpty }) {
            warnings.append("some rounds have no cost figures (no monitor): only their round figures can be compared")
        }
        return BaselineCandidate(data: data, benchmark: run.benchmark, gitCommit: run.gitCommit, repetitions: run.repetitions.count,
                                 rounds: run.rounds, refusals: refusals, warnings: warnings)
    }
}
