public import BenchmarkSpec
public import CapacitySpec
import ConfigurationReading

/// A small valid capacity plan and its base benchmark, as text, for the tests of every module
/// that reads plans.
public enum SamplePlans {
    /// A small valid base benchmark, inline or as the text of a file.
    public static let benchmark = """
        name: base
        network:
          consensus: raft
          organizations: [{ name: org1, peers: 1 }]
          raft: { orderers: 1, batchTimeout: 100ms }
        accounts: 50
        rounds:
          - label: mix
            txDuration: 10s
            rateControl: { type: fixed-rate, opts: { tps: 10 } }
            workload: { module: clinical/mix, arguments: { patients: 20 } }
          - label: open
            txNumber: 10
            rateControl: { type: fixed-rate, opts: { tps: 10 } }
            workload: { module: simple/open }
        """

    /// A valid plan naming `base.yaml`; `replace` swaps one line for a broken one.
    public static func plan(_ replacements: [(String, String)] = []) -> String {
        var text = """
            name: plan-test
            benchmark: base.yaml
            round: mix
            consensus: [raft, none]
            sizes:
              - { organizations: 2, peersPerOrganization: 1, orderers: 1 }
              - { organizations: 4, peersPerOrganization: 2, orderers: 3 }
            goal: { p95: 2s, successRate: 99.9%, throughputShare: 0.9 }
            search: { startRate: 20, maximumRate: 2000, resolution: 10%, probe: 20s, warmUp: 5s, repetitions: 2, maximumProbes: 10 }
            """
        for (old, new) in replacements {
            precondition(text.contains(old), "the plan has no \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// Loads `base.yaml` from `benchmark` text; other names are missing files.
    public static func loader(_ text: String = benchmark) -> (String) throws -> (path: String, configuration: BenchmarkConfiguration) {
        { path in
            guard path == "base.yaml" else {
                throw ConfigurationErrors(fileName: path, errors: [ConfigurationError(path: ConfigurationError.documentPath,
                                                                                      message: "cannot read the file")])
            }
            return (path, try BenchmarkConfiguration(yaml: text, fileName: path))
        }
    }

    public static func read(_ yaml: String, benchmark: String = benchmark) throws -> CapacityPlan {
        try CapacityPlan(yaml: yaml, fileName: "plan.yaml", loadBenchmark: loader(benchmark))
    }
}
