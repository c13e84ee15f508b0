import ArgumentParser
import Node
import Consensus
import Simulation

/// `vernier simulate`: runs the deterministic federation simulation over many seeds.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the real orderer, Raft and peer code under a simulated clock, network and faults.",
        discussion: """
            Each seed drives every delay, loss, duplication, partition, crash and restart. A broken \
            invariant prints its seed; rerun it with --seed to replay it exactly.
            """ + "\n\n" + ExitCodes.help(CheckExit.self))

    @Option(help: "The first seed.")
    var from: UInt64 = 0

    @Option(help: "How many seeds to run.")
    var seeds: UInt64 = 1_000

    @Option(help: "Run only this seed (and print its report).")
    var seed: UInt64?

    @Option(help: "Orderers in the simulated federation.")
    var orderers: Int = 3

    @Option(help: "Peers in the simulated federation.")
    var peers: Int = 3

    @Flag(help: "Print one line per seed.")
    var verbose = false

    func validate() throws {
        guard (1...9).contains(orderers) else { throw ValidationError("--orderers must be 1...9, got \(orderers)") }
        guard (1...16).contains(peers) else { throw ValidationError("--peers must be 1...16, got \(peers)") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
    }

    func run() async throws {
        var options = SimulationOptions()
        options.orderers = orderers
        options.peers = peers
        let range = seed.map { $0...$0 } ?? from...(from + seeds - 1)
        var transactions = 0, crashes = 0, partitions = 0, terms = 0
        var compactions = 0, snapshots = 0, fetched = 0, drops = 0, restartsBehind = 0, seedsWithSnapshots = 0, maximumLogEntries = 0
        var blocks: UInt64 = 0
        for current in range {
            switch FederationSimulation.run(seed: current, options: options) {
            case .success(let report):
                transactions += report.acknowledgedTransactions
                crashes += report.crashes
                partitions += report.partitions
                terms += report.leaderTerms
                blocks += report.chainHeight
                compactions += report.compactions
                snapshots += report.snapshotsInstalled
                fetched += report.blocksFetched
                drops += report.heldBlockDrops
                restartsBehind += report.restartsBehindSnapshot
                if report.snapshotsInstalled > 0 { seedsWithSnapshots += 1 }
                maximumLogEntries = max(maximumLogEntries, report.maximumRaftLogEntries)
                if verbose || seed != nil {
                    print("seed \(current): height \(report.chainHeight), \(report.acknowledgedTransactions) tx committed, "
                          + "\(report.crashes) crashes, \(report.partitions) partitions, \(report.leaderTerms) leader terms, "
                          + "\(report.compactions) compactions, \(report.snapshotsInstalled) snapshots installed, "
                          + "\(report.blocksFetched) blocks fetched, at most \(report.maximumRaftLogEntries) log entries, "
                          + "\(report.simulatedMilliseconds) ms simulated, \(report.events) events")
                }
            case .failure(let failure):
                printToStandardError("FAIL \(failure)")
                throw CheckExit.broken.exitCode
            }
        }
        print("\(range.count) seeds passed: \(blocks) blocks, \(transactions) transactions acknowledged, "
              + "\(crashes) crashes, \(partitions) partitions, \(terms) leader terms; "
              + "\(compactions) compactions, \(snapshots) snapshots installed in \(seedsWithSnapshots) seeds, "
              + "\(fetched) blocks fetched, \(drops) held-block overflows, "
              + "\(restartsBehind) restarts behind a snapshot, at most \(maximumLogEntries) Raft log entries on an orderer")
    }
}
