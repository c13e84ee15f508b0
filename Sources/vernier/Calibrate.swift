import ArgumentParser
import Foundation
import Microbench

/// `vernier calibrate`: measures this machine's signature, codec, hashing and disk speeds.
struct Calibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure signing, verification, the codec, hashing and fsync'd block appends on this machine.",
        discussion: "Each figure is single-core, measured for --seconds. Build with -c release for meaningful numbers. "
            + ExitCodes.help(CheckExit.self))

    @Option(help: "Seconds to spend on each measurement.")
    var seconds: Double = 1

    @Option(help: "Directory for the temporary block store (on the disk you want measured).")
    var directory: String = FileManager.default.temporaryDirectory.path

    @Option(help: "Transactions per block in the append measurement.")
    var blockTransactions: Int = 500

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600], got \(seconds)") }
        guard blockTransactions >= 1, blockTransactions <= 100_000 else {
            throw ValidationError("--block-transactions must be in 1...100000, got \(blockTransactions)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--directory \(directory) is not a directory")
        }
    }

    func run() async throws {
        let calibration = Calibration(budget: .milliseconds(Int64(seconds * 1000)), directory: directory,
                                      blockTransactions: blockTransactions)
        let results = try calibration.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
            return
        }
        #if DEBUG
        print("note: this is a debug build; crypto runs about 5x slower than with `swift build -c release`.")
        #endif
        let width = results.map(\.name.count).max() ?? 0
        for result in results {
            let name = result.name.padding(toLength: width, withPad: " ", startingAt: 0)
            if result.name.hasPrefix("  ") {
                print("\(name)  \(String(format: "%12.0f", result.perSecond)) \(result.unit.split(separator: " ").first!)/s")
            } else {
                print("\(name)  \(String(format: "%12.0f", result.perSecond)) \(result.unit)/s   (\(result.operations) in \(String(format: "%.2f", result.seconds)) s)")
            }
        }
    }
}
