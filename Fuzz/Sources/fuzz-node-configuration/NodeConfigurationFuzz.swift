import Foundation
import FuzzSupport
import NodeProcess

/// Fuzzes the node configuration reader that `vernier node` starts from: any bytes either fail with
/// an error that names the file, or read into a valid configuration that writes out as JSON which
/// reads back to the same JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeConfiguration(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(fuzzInput(start, count))
    let configuration: NodeProcessConfiguration
    do {
        configuration = try NodeProcessConfiguration.read(data, fileName: "fuzz.node.json")
    } catch {
        expect("\(error)".hasPrefix("fuzz.node.json: "), "a node configuration error does not name the file: \(error)")
        return 0
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
        let written = try encoder.encode(configuration)
        let reread = try NodeProcessConfiguration.read(written, fileName: "rewritten.node.json")
        let rewritten = try encoder.encode(reread)
        expect(rewritten == written, "a node configuration changes when written and read back")
    } catch {
        expect(false, "a valid node configuration cannot be written and read back: \(error)")
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_node_configuration_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzNodeConfiguration)
}
