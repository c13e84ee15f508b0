import Foundation
import Testing
import TestSupport
@testable import Benchmark
@testable import BenchmarkSpec
@testable import Consensus
@testable import LedgerCore
@testable import Results

/// The committed paper reproductions, and scaled-down twins of them that run in seconds in
/// process and check the relations that hold by construction.
@Suite("Paper reproductions", .serialized)
struct PaperReproductionTests {
    static let fabricPath = PackageFiles.root.appendingPathComponent("Workloads/fabric-simple-raft.yaml").path
    static let treatmentPath = PackageFiles.root.appendingPathComponent("Workloads/treatment-registration.yaml").path

    /// A committed file's text with some of it replaced: every replaced text must be there, so
    /// the twin follows the committed file and a change to the file shows here.
    static func twin(of path: String, replacing substitutions: [(String, String)]) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (original, replacement) in substitutions {
            try #require(text.contains(original), "\(path) no longer contains \"\(original)\"")
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        return text
    }

    /// Runs a configuration in process and writes its result files into a scratch directory.
    static func run(_ configuration: BenchmarkConfiguration) async throws -> (report: RunReport, directory: String, scratch: String) {
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-paper-\(UUID().uuidString)"
        let report = try await BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
            .run(runId: "twin")
        let directory = try ResultsDirectory.create(root: scratch + "/Results", benchmark: configuration.name, runId: "twin")
        try ResultsDirectory.write(report, to: directory)
        return (report, directory, scratch)
    }

    /// The rows of a CSV file without quoted fields, split at commas.
    static func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    // MARK: - The committed files

    @Test func theFabricFileIsThePapersSetUp() throws {
        let configuration = try BenchmarkConfiguration.load(path: Self.fabricPath)
        #expect(configuration.network.deployment == .processes)
        #expect(configuration.nodeNames == ["orderer0", "peer0.org1", "peer1.org1", "peer0.org2", "peer1.org2"])
        #expect(configuration.monitor.interval == .seconds(1))
        let kinds = ["open", "query", "transfer"]
        #expect(configuration.rounds.map(\.workload.module) == kinds.flatMap { Array(repeating: "simple/\($0)", count: 4) })
        #expect(configuration.rounds.allSatisfy { $0.length == .transactions(1000) })
        #expect(configuration.rounds.map(\.rateControl) == Array(repeating: [50.0, 100, 200, 250].map { RateControl.fixedRate(tps: $0) }, count: 3).flatMap { $0 })
    }

    @Test func theTreatmentFileIsThePapersGridOnBothLedgers() throws {
        let configuration = try BenchmarkConfiguration.load(path: Self.treatmentPath)
        #expect(configuration.federations.map(\.configuration.consensus.name) == ["pow", "none"])
        #expect(configuration.nonceWindow == 1)
        #expect(configuration.repetitions == 30)
        #expect(configuration.confidence == 0.95)
        #expect(configuration.rounds.count == 18)
        var cells: Set<[String]> = []
        for round in configuration.rounds {
            let cell = try #require(round.cell)
            #expect(round.workload == .clinicalRegisterTreatment(patients: 100))
            #expect(round.accounts == cell.accounts && round.length == .transactions(cell.transactions ?? 0))
            cells.insert([cell.network ?? "", "\(cell.transactions ?? 0)", "\(cell.accounts ?? 0)"])
        }
        let expected = Set(["pow", "none"].flatMap { network in
            [100, 250, 500].flatMap { transactions in [25, 50, 100].map { [network, "\(transactions)", "\($0)"] } }
        })
        #expect(cells == expected)
    }

    // MARK: - Fabric, scaled down

    /// The Fabric study's twin: the committed file in process, 40 transactions per round, a short
    /// batch timeout. Query rounds append no block, write nothing and never reach the orderer; the
    /// tables have the paper's rows and columns, one per kind.
    @Test func fabricTwinQueriesWriteNothingAndSkipTheOrderer() async throws {
        let yaml = try Self.twin(of: Self.fabricPath, replacing: [
            ("deployment: processes", "deployment: in-process"), ("txNumber: 1000", "txNumber: 40"),
            ("numberOfAccounts: 1000", "numberOfAccounts: 100"), ("batchTimeout: 2s", "batchTimeout: 50ms"),
            ("repetitions: 3", "repetitions: 1"),
        ])
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "fabric-twin.yaml")
        let (report, directory, scratch) = try await Self.run(configuration)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(report.consistent)
        let repetition = try #require(report.repetitions.first)
        #expect(repetition.rounds.count == 12)
        // Execute-order-validate: transfers endorsed on the same state conflict (MVCC), and that
        // is the only failure allowed; opens and queries all succeed.
        for round in repetition.rounds {
            if round.label.hasPrefix("transfer") {
                #expect(round.succeeded + round.failed == 40 && round.succeeded > 0, "\(round.label): \(round.failures)")
                // Two endorsers that simulated on different heights answer differently (Fabric's
                // "ProposalResponsePayloads do not match"): rare, and as legitimate as a conflict.
                #expect(Set(round.failures.keys).isSubset(of: ["invalid:mvccReadConflict", "endorsement:mismatch"]),
                        "\(round.label): \(round.failures)")
            } else {
                #expect(round.succeeded == 40 && round.failed == 0, "\(round.label): \(round.failures)")
            }
        }
        let queries = configuration.rounds.filter { $0.workload.module == "simple/query" }.map(\.label)
        let opens = configuration.rounds.filter { $0.workload.module == "simple/open" }.map(\.label)
        #expect(queries.count == 4 && opens.count == 4)
        for label in queries {
            let heights = try #require(repetition.heights.first { $0.label == label })
            #expect(heights.start.count == 5)
            #expect(heights.start == heights.end, "\(label) appended blocks: \(heights.start) -> \(heights.end)")
            let nodes = try #require(repetition.resources.first { $0.label == label }?.nodes.filter { $0.node != "process" })
            #expect(nodes.count == 5)
            for node in nodes {
                #expect(node.diskWrittenBytes == 0, "\(label): \(node.node) wrote \(node.diskWrittenBytes) bytes")
            }
            // The orderer only answers the peers' small block polls: none of the 40 signed queries,
            // which together carry several kilobytes, reaches it.
            let orderer = try #require(nodes.first { $0.node == "orderer0" })
            let answering = nodes.filter { $0.node.hasPrefix("peer") }.map(\.networkInBytes).reduce(0, +)
            #expect(orderer.networkInBytes * 10 < answering, "\(label): orderer in \(orderer.networkInBytes), peers in \(answering)")
        }
        for label in opens {
            let heights = try #require(repetition.heights.first { $0.label == label })
            #expect(heights.start.keys.allSatisfy { heights.end[$0]! > heights.start[$0]! }, "\(label): \(heights.start) -> \(heights.end)")
            // Every block goes from the orderer to each of the four peers: it sends the most.
            let nodes = try #require(repetition.resources.first { $0.label == label }?.nodes.filter { $0.node != "process" })
            let ordererOut = try #require(nodes.first { $0.node == "orderer0" }).networkOutBytes
            #expect(nodes.filter { $0.node != "orderer0" }.allSatisfy { $0.networkOutBytes < ordererOut })
        }

        // resources-by-kind.csv: the paper's tables, one per kind, in the paper's row order.
        let table = try Self.rows(directory + "/resources-by-kind.csv")
        let header = table[0]
        let paperColumns = ["RAM (MB)", "CPU (%)", "Network Traffic In (MB)", "Network Traffic Out (MB)", "Disk Read (MB)", "Disk Write (MB)"]
        #expect(Array(header.prefix(2)) == ["Kind", "Name"])
        #expect(paperColumns.allSatisfy(header.contains))
        #expect(paperColumns.map { header.firstIndex(of: $0)! } == paperColumns.map { header.firstIndex(of: $0)! }.sorted())
        let paperRows = ["peer0.org1", "peer0.org2", "peer1.org1", "peer1.org2", "orderer"]
        #expect(table.dropFirst().map { [$0[0], $0[1]] } == ["open", "query", "transfer"].flatMap { kind in paperRows.map { [kind, $0] } })
        let diskWrite = header.firstIndex(of: "Disk Write (MB)")!
        for row in table.dropFirst() {
            #expect(row[0] == "query" ? Double(row[diskWrite]) == 0 : Double(row[diskWrite])! > 0, "\(row[0]) \(row[1]) disk write \(row[diskWrite])")
        }
        let html = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
        #expect(html.contains("Resources per transaction kind"))
        #expect(html.contains("<h3>query (4 rounds)</h3>"))
    }

    // MARK: - Treatment registration, scaled down

    /// The treatment study's twin: the committed grid divided down (2, 4 and 8 registrations from
    /// 1, 2 and 4 accounts), blocks every 100 ms, 2 repetitions. With nonce window 1 the busiest
    /// account sends ceil(T/A) registrations one after another, so the ledger time is at least
    /// that many of the round's shortest commit latencies; without the ledger it is far shorter.
    @Test func treatmentTwinLedgerTimeFollowsTransactionsPerAccount() async throws {
        let yaml = try Self.twin(of: Self.treatmentPath, replacing: [
            ("transactions: [100, 250, 500]", "transactions: [2, 4, 8]"), ("accounts: [25, 50, 100]", "accounts: [1, 2, 4]"),
            ("accounts: 100", "accounts: 4"), ("patients: 100", "patients: 4"), ("repetitions: 30", "repetitions: 2"),
            ("targetBlockInterval: 250ms", "targetBlockInterval: 100ms"),
        ])
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "treatment-twin.yaml")
        #expect(configuration.rounds.count == 18)
        let (report, directory, scratch) = try await Self.run(configuration)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(report.consistent)
        #expect(report.repetitions.count == 2)
        for repetition in report.repetitions {
            for (round, figures) in zip(configuration.rounds, repetition.rounds) {
                let cell = try #require(round.cell)
                let transactions = try #require(cell.transactions), accounts = try #require(cell.accounts)
                #expect(figures.succeeded == transactions && figures.failed == 0, "\(round.label): \(figures.failures)")
                guard cell.network == "pow" else { continue }
                let perAccount = Double((transactions + accounts - 1) / accounts)
                // 1% for the latency histogram's rounding of its minimum.
                #expect(figures.totalExecutionSeconds >= 0.99 * perAccount * figures.latencyFromSent.min,
                        "\(round.label): \(figures.totalExecutionSeconds) s < \(perAccount) x \(figures.latencyFromSent.min) s")
            }
        }

        // treatment-time.csv: one row per ledger, account count and transaction count, 2 repetitions each.
        let table = try Self.rows(directory + "/treatment-time.csv")
        #expect(table[0] == ["Ledger", "Consensus", "Accounts", "Transactions", "Transactions per Account", "Repetitions",
                             "Total Execution Time (s)", "sd", "95% low", "95% high"])
        #expect(table.count == 19)
        var means: [String: Double] = [:]
        for row in table.dropFirst() {
            #expect(row[5] == "2")
            let mean = try #require(Double(row[6])), low = try #require(Double(row[8])), high = try #require(Double(row[9]))
            #expect(low <= mean && mean <= high)
            means["\(row[0]) \(row[3])tx \(row[2])acc"] = mean
        }
        #expect(Set(table.dropFirst().map { $0[0] }) == ["pow", "none"])
        // Without the ledger the same registrations take a fraction of the time: overall, and in the
        // cell where one account sends all eight one after another.
        let ledger = means.filter { $0.key.hasPrefix("pow") }.values.reduce(0, +)
        let baseline = means.filter { $0.key.hasPrefix("none") }.values.reduce(0, +)
        #expect(baseline < 0.5 * ledger, "no ledger \(baseline) s, ledger \(ledger) s")
        let serial = try #require(means["pow 8tx 1acc"]), serialBaseline = try #require(means["none 8tx 1acc"])
        #expect(serialBaseline < 0.5 * serial, "no ledger \(serialBaseline) s, ledger \(serial) s")

        let svg = try String(contentsOfFile: directory + "/treatment-time.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<g transform=").count - 1 == 2)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 6)
        #expect(svg.contains(">pow: total execution time (s)") && svg.contains(">none: total execution time (s)"))
        #expect(svg.contains(">4 accounts</text>"))
        let html = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
        #expect(html.contains(svg))
    }
}
