import ArgumentParser
import Foundation
import Node
import Consensus
import LedgerCore
import Simulation

/// `vernier simulate`: runs the deterministic federation simulation over many seeds.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the real orderer, Raft and peer code under a simulated clock, network and faults.",
        discussion: """
            Each seed drives every delay, loss, duplication, partition, crash and restart, and (unless \
            --no-swarm) draws its own Raft settings, fault mix and clock rates; the faults then include \
            leaders cut off with a minority, crashes between persisting and sending, leader churn, delay \
            bursts that reorder messages across terms, and clock stalls. A broken invariant prints its \
            seed; rerun it with --seed (and the same options) to replay it exactly. The run ends with its \
            fault coverage: how many of each fault were injected and how often each interesting state was \
            reached, and in how many seeds.

            With --flow execute-order-validate every peer endorses for its organisation (peer i in \
            org(i mod --organizations)+1), clients have proposals endorsed, sign the envelopes and \
            submit them, and transfer among a few shared accounts so that reads go stale: the final \
            chain is checked for MVCC read conflicts, duplicate ids and the endorsement policy \
            without the ledger's own validation.
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

    @Option(help: ArgumentHelp("How transactions run: \(TransactionFlow.allCases.map(\.rawValue).joined(separator: " or ")).",
                               valueName: "flow"))
    var flow = TransactionFlow.orderExecute.rawValue

    @Option(help: "Execute-order-validate: organisations the peers split into (org1, org2, ...).")
    var organizations: Int = 2

    @Option(help: "Execute-order-validate: the endorsement policy in Fabric's syntax (default: AND of every organisation's member).")
    var policy: String?

    @Flag(help: "Print one line per seed.")
    var verbose = false

    @Flag(help: "Run every seed with the default Raft settings and only crashes and partitions.")
    var noSwarm = false

    @Option(help: ArgumentHelp("Also write the summary and fault coverage as JSON to this file.", valueName: "path"))
    var json: String?

    func validate() throws {
        guard (1...9).contains(orderers) else { throw ValidationError("--orderers must be 1...9, got \(orderers)") }
        guard (1...16).contains(peers) else { throw ValidationError("--peers must be 1...16, got \(peers)") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        guard TransactionFlow(rawValue: flow) != nil else {
            throw ValidationError("--flow must be \(TransactionFlow.allCases.map(\.rawValue).joined(separator: " or ")), got '\(flow)'")
        }
        guard (1...peers).contains(organizations) else {
            throw ValidationError("--organizations must be 1...\(peers) (one peer each at least), got \(organizations)")
        }
        let options = try simulationOptions()
        if options.flow == .executeOrderValidate {
            for organization in Set(options.effectivePolicy.targetOrganizations) {
                let needed = options.effectivePolicy.targetOrganizations.count { $0 == organization }
                let available = (0..<peers).count { options.organization(ofPeer: $0) == organization }
                guard needed <= available else {
                    throw ValidationError("--policy needs \(needed) peers of \(organization), which has \(available)")
                }
            }
        }
    }

    /// The options the command line gives; a policy that does not parse is a usage error.
    func simulationOptions() throws -> SimulationOptions {
        var options = SimulationOptions()
        options.orderers = orderers
        options.peers = peers
        options.flow = TransactionFlow(rawValue: flow) ?? .orderExecute
        options.organizations = organizations
        options.swarm = !noSwarm
        if let policy {
            do {
                options.endorsementPolicy = try EndorsementPolicy.parse(policy, organizations: options.organizationNames)
            } catch {
                throw ValidationError("--policy: \(error)")
            }
        }
        return options
    }

    func run() async throws {
        let options = try simulationOptions()
        let endorsed = options.flow == .executeOrderValidate
        let range = seed.map { $0...$0 } ?? from...(from + seeds - 1)
        var transactions = 0, crashes = 0, partitions = 0, terms = 0
        var compactions = 0, snapshots = 0, fetched = 0, drops = 0, restartsBehind = 0, seedsWithSnapshots = 0, maximumLogEntries = 0
        var blocks: UInt64 = 0
        var valid = 0, conflicts = 0, seedsWithConflicts = 0, duplicates = 0, policyFailures = 0
        var mismatches = 0, refusals = 0, timeouts = 0, resends = 0
        var coverage = SimulationCoverage(runs: 0)
        let started = ContinuousClock.now
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
                valid += report.validTransactions
                conflicts += report.mvccReadConflicts
                if report.mvccReadConflicts > 0 { seedsWithConflicts += 1 }
                duplicates += report.duplicateTxIds
                policyFailures += report.endorsementPolicyFailures
                mismatches += report.endorsementMismatches
                refusals += report.endorsementRefusals
                timeouts += report.endorsementTimeouts
                resends += report.envelopeResends
                coverage.add(report.coverage)
                if verbose || seed != nil {
                    printAtOnce("seed \(current): height \(report.chainHeight), \(report.acknowledgedTransactions) tx committed, "
                          + "\(report.crashes) crashes, \(report.partitions) partitions, \(report.leaderTerms) leader terms, "
                          + "\(report.compactions) compactions, \(report.snapshotsInstalled) snapshots installed, "
                          + "\(report.blocksFetched) blocks fetched, at most \(report.maximumRaftLogEntries) log entries, "
                          + "\(report.simulatedMilliseconds) ms simulated, \(report.events) events"
                          + (endorsed ? "; \(report.validTransactions) valid, \(report.mvccReadConflicts) MVCC read conflicts, "
                             + "\(report.duplicateTxIds) duplicate tx ids, \(report.endorsementPolicyFailures) policy failures; "
                             + "proposals given up: \(report.endorsementMismatches) mismatched, "
                             + "\(report.endorsementRefusals) refused, \(report.endorsementTimeouts) timed out; "
                             + "\(report.envelopeResends) envelopes resent" : ""))
                }
            case .failure(let failure):
                printToStandardError("FAIL \(failure)")
                if current > range.lowerBound {
                    printToStandardError("\(current - range.lowerBound) seeds passed before it")
                }
                try writeJSON(SimulateSummary(firstSeed: range.lowerBound, seeds: UInt64(coverage.runs),
                                              failure: failure.description, coverage: coverage))
                throw CheckExit.broken.exitCode
            }
        }
        print("\(range.count) seeds passed: \(blocks) blocks, \(transactions) transactions acknowledged, "
              + "\(crashes) crashes, \(partitions) partitions, \(terms) leader terms; "
              + "\(compactions) compactions, \(snapshots) snapshots installed in \(seedsWithSnapshots) seeds, "
              + "\(fetched) blocks fetched, \(drops) held-block overflows, "
              + "\(restartsBehind) restarts behind a snapshot, at most \(maximumLogEntries) Raft log entries on an orderer")
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        print("fault coverage of \(range.count) seeds (\(String(format: "%.1f", seconds)) s):")
        for line in coverage.lines { print(line) }
        try writeJSON(SimulateSummary(firstSeed: range.lowerBound, seeds: UInt64(range.count), failure: nil,
                                      coverage: coverage))
        if endorsed {
            print("execute-order-validate under \(options.effectivePolicy): \(valid) valid, \(conflicts) MVCC read conflicts "
                  + "in \(seedsWithConflicts) of \(range.count) seeds, \(duplicates) duplicate tx ids, "
                  + "\(policyFailures) endorsement policy failures; proposals given up: \(mismatches) on mismatched results, "
                  + "\(refusals) refused, \(timeouts) timed out; \(resends) envelopes resent")
        }
    }

    /// Writes a line to standard output unbuffered, so that a seed's line survives a trap in a later seed.
    func printAtOnce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes the JSON summary when `--json` asks for one.
    func writeJSON(_ summary: SimulateSummary) throws {
        guard let json else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: URL(fileURLWithPath: json))
    }
}

/// What `vernier simulate --json` writes: the seeds run, the failure if one broke an invariant,
/// and the fault coverage of the seeds that passed.
struct SimulateSummary: Encodable {
    var firstSeed: UInt64
    var seeds: UInt64
    var failure: String?
    var coverage: SimulationCoverage
}
