import BenchmarkSpec
import ConfigurationReading
import FuzzSupport

/// Fuzzes the benchmark file reader that `vernier validate` and `vernier run` use: any text either
/// reads into a configuration whose summary prints, or fails with at least one positioned diagnostic
/// (`ConfigurationErrors`); it never traps and never throws anything else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBenchmarkFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let yaml = String(decoding: fuzzInput(start, count), as: UTF8.self)
    do {
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "fuzz.yaml")
        _ = configuration.summary
    } catch let errors as ConfigurationErrors {
        expect(!errors.errors.isEmpty, "the benchmark reader rejected a file without saying why")
        _ = errors.description
    } catch {
        expect(false, "the benchmark reader threw \(type(of: error)), not ConfigurationErrors: \(error)")
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_benchmark_file_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzBenchmarkFile)
}
