import BenchmarkSpec
import CapacitySpec
import ConfigurationReading
import FuzzSupport

/// A small valid benchmark file that every `benchmark:` path of a fuzzed plan resolves to.
let baseBenchmarkYAML = """
    name: ci-smoke
    network:
      consensus: raft
      organizations:
        - { name: org1, peers: 2 }
      raft: { orderers: 1 }
    accounts: 10
    rounds:
      - label: open
        txNumber: 50
        rateControl: { type: fixed-rate, opts: { tps: 25 } }
        workload: { module: simple/open, arguments: { numberOfAccounts: 50 } }
    """

/// Loads a plan's base benchmark: `missing.yaml` does not exist, every other path is the base file.
func loadBaseBenchmark(_ path: String) throws -> (path: String, configuration: BenchmarkConfiguration) {
    if path.hasSuffix("missing.yaml") {
        throw ConfigurationErrors(fileName: path, errors: [ConfigurationError(
            path: ConfigurationError.documentPath, message: "cannot read the file: no such file")])
    }
    return (path, try BenchmarkConfiguration(yaml: baseBenchmarkYAML, fileName: path))
}

/// Fuzzes the capacity plan reader that `vernier capacity` (and its `--dry-run`) uses: any text
/// either reads into a plan or fails with at least one diagnostic (`CapacityPlanErrors`); it never
/// traps and never throws anything else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapacityPlan(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let yaml = String(decoding: fuzzInput(start, count), as: UTF8.self)
    do {
        _ = try CapacityPlan(yaml: yaml, fileName: "fuzz-plan.yaml", loadBenchmark: loadBaseBenchmark)
    } catch let errors as CapacityPlanErrors {
        expect(!errors.lines.isEmpty, "the capacity plan reader rejected a plan without saying why")
        _ = errors.description
    } catch {
        expect(false, "the capacity plan reader threw \(type(of: error)), not CapacityPlanErrors: \(error)")
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_capacity_plan_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzCapacityPlan)
}
