import ArgumentParser
import Foundation
import Synchronization
import Benchmark
import Federation
import Load
import NodeProcess
import Results

/// `vernier run [file]`: runs a benchmark and writes its results.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark file against a federation and write its results.",
        discussion: """
            Starts the federation the file names, prepares and runs every round, checks that every \
            node ends on the same chain and state, and writes Results/<name>/<run-id>/run.json.
            """ + "\n\n" + ExitCodes.help(RunExit.self))

    @Argument(help: "The benchmark file.")
    var file: String = "benchmark.yaml"

    @Option(help: "Where results go.")
    var results: String = "Results"

    @Option(help: "Seconds a transaction may take before it counts as timed out (default: the file's transactionTimeout, else 30).")
    var transactionTimeoutSeconds: Double?

    @Option(help: "With deployment: hosts, the directory `vernier deploy files` wrote (a file with several networks: its parent).")
    var deployment: String?

    @Option(help: "With deployment: hosts, seconds to wait for every node to answer from a fresh chain.")
    var hostsReadySeconds: Double = 120

    func validate() throws {
        guard hostsReadySeconds > 0, hostsReadySeconds <= 3600 else {
            throw ValidationError("--hosts-ready-seconds must be in (0, 3600]")
        }
        guard (transactionTimeoutSeconds.map { $0 > 0 && $0 <= 3600 }) ?? true else {
            throw ValidationError("--transaction-timeout-seconds must be in (0, 3600]")
        }
    }

    func run() async throws {
        AllocatorSettings.apply()
        StandardOutputBuffering.lineBuffered()
        let configuration = try loadBenchmarkOrExit(file, invalid: RunExit.invalidFile)
        print(configuration.summary)
        print("")
        let runId = ResultsDirectory.newRunId()
        let dataDirectory = FileManager.default.temporaryDirectory.path + "/vernier-\(runId)"
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        var benchmark = BenchmarkRun(configuration: configuration,
                                     baseDirectory: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                     dataDirectory: dataDirectory)
        // The command line wins over the file, the file over the default of 30 s.
        benchmark.transactionTimeout = transactionTimeoutSeconds.map { .milliseconds(Int64($0 * 1000)) }
            ?? configuration.transactionTimeout ?? .seconds(30)
        let hosted = configuration.federations.filter { $0.configuration.deployment == .hosts }
        if !hosted.isEmpty {
            guard let deployment else {
                printToStandardError("vernier run: \(file) has deployment: hosts: give --deployment DIR, the directory `vernier deploy files` wrote")
                throw RunExit.invalidFile.exitCode
            }
            do {
                for named in hosted {
                    let directory = configuration.networks != nil ? deployment + "/" + named.name : deployment
                    benchmark.hostDeployments[named.name] = try DriverDeploymentFile.load(directory: directory)
                }
            } catch {
                printToStandardError("vernier run: \(error)")
                throw RunExit.invalidFile.exitCode
            }
            benchmark.hostsReadyTimeout = .milliseconds(Int64(hostsReadySeconds * 1000))
        }
        // Node processes log into the run's directory from the start, so it exists before the run
        // (and keeps the logs when the run fails).
        let directory: String?
        if configuration.federations.contains(where: { $0.configuration.deployment == .processes }) {
            let created = try ResultsDirectory.create(root: results, benchmark: configuration.name, runId: runId)
            directory = created
            benchmark.nodeProcesses = ProcessDeployment(executable: ProcessDeployment.currentExecutable(),
                                                        logDirectory: created + "/nodes")
            print("node logs: \(created)/nodes\n")
        } else {
            directory = nil
        }
        let interactive = isatty(STDOUT_FILENO) == 1
        let progress: @Sendable (RoundProgress) -> Void = { state in
            if interactive {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + state.line).utf8))
            } else if Int(state.elapsedNanoseconds / 1_000_000_000) % 5 == 0 {
                print(state.line)
            }
        }
        let work = Task { try await benchmark.run(runId: runId, progress: progress) { print($0) } }
        let interruption = InterruptionHandler { work.cancel() }
        let report: RunReport
        do {
            report = try await work.value
        } catch {
            interruption.remove()
            if interactive { print("") }
            printToStandardError("vernier run: \(error)")
            if let directory { printToStandardError("vernier run: node logs are in \(directory)/nodes") }
            throw RunExit.failed.exitCode
        }
        interruption.remove()
        if interactive { print("") }
        let resultsDirectory: String
        do {
            resultsDirectory = try directory ?? ResultsDirectory.create(root: results, benchmark: configuration.name, runId: runId)
            try ResultsDirectory.write(report, to: resultsDirectory)
        } catch {
            // 1 means the nodes disagreed: a run whose results cannot be written failed.
            printToStandardError("vernier run: the results could not be written: \(error)")
            throw RunExit.failed.exitCode
        }
        ResultsDirectory.markLatest(root: results, benchmark: configuration.name, runId: runId)
        print(ResultTable.render(report))
        print("\nresults: \(resultsDirectory)/run.json")
        if !report.incidents.isEmpty {
            printToStandardError("vernier run: \(report.incidents.count) node(s) died without a fault asking for it: "
                                 + report.incidents.map(\.line).joined(separator: "; "))
        }
        let unchecked = report.repetitions.flatMap(\.uncheckedNodes)
        if !unchecked.isEmpty {
            printToStandardError("vernier run: the ledger check could not read " + unchecked.map { "\($0.name) (\($0.reason))" }.joined(separator: ", "))
        }
        let failedChecks = report.repetitions.flatMap(\.commitChecks).filter { !$0.passed }
        if !failedChecks.isEmpty {
            printToStandardError("vernier run: \(report.lostAcknowledged) acknowledged transaction(s) lost or repeated, or a commit check "
                                 + "could not run: " + failedChecks.map { $0.line.trimmingCharacters(in: .whitespaces) }.joined(separator: " | "))
        }
        let failedFaults = report.repetitions.flatMap(\.failedFaults)
        if !failedFaults.isEmpty {
            printToStandardError("vernier run: \(failedFaults.count) fault(s) could not be carried out: "
                                 + failedFaults.map { "\($0.fault): \($0.error ?? "")" }.joined(separator: "; "))
        }
        if !report.consistent || !report.incidents.isEmpty || !failedFaults.isEmpty {
            if !report.consistent && unchecked.isEmpty && failedChecks.isEmpty {
                printToStandardError("vernier run: the nodes disagree at the end of the run: the ledger under test is broken")
            }
            throw RunExit.ledgerUnsound.exitCode
        }
        if let failure = report.failure {
            printToStandardError("vernier run: \(failure); the \(report.repetitions.count) repetition(s) before it are kept")
            throw RunExit.failed.exitCode
        }
        if report.interrupted {
            printToStandardError("vernier run: interrupted; the rounds that finished are kept")
            throw RunExit.interrupted.exitCode
        }
    }
}

/// Turns Ctrl-C into a clean stop: the first SIGINT calls `action`; a second one ends the process.
final class InterruptionHandler {
    private let source: any DispatchSourceSignal

    init(action: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let counter = InterruptionCount()
        source.setEventHandler {
            if counter.increment() == 1 {
                printToStandardError("\ninterrupted: finishing the transactions in flight (Ctrl-C again to quit now)")
                action()
            } else {
                exit(130)
            }
        }
        source.resume()
    }

    func remove() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// How many interrupts arrived.
final class InterruptionCount: Sendable {
    private let count = Atomic<Int>(0)
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
}
