import ArgumentParser
import Foundation
import Benchmark
import Capacity
import CapacitySpec
import Federation

/// `vernier deploy`: writes what other tools need to start a `deployment: hosts` federation.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the files that start a federation on hosts.",
        subcommands: [DeployFiles.self, DeployKubernetes.self]
    )
}

/// `vernier deploy files <file> --out <dir>`: one node configuration per node, and the driver's file.
struct DeployFiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Write each node's configuration file and the driver's file for deployment: hosts.",
        discussion: """
            Writes <out>/<node>.node.json for every node (start each with `vernier node FILE` on its \
            host) and <out>/driver.json (give the directory to `vernier run --deployment`). Keys are \
            new and random; every file is readable by its owner only. A file with several networks \
            gets one directory per hosts network, <out>/<network>/; a capacity plan (a file with \
            sizes:) one directory per cell, <out>/<cell>/ (give the directory to \
            `vernier capacity --deployment`).
            """ + "\n\n" + ExitCodes.help(DeployExit.self)
    )

    @Argument(help: "The benchmark file (its networks with deployment: hosts), or a capacity plan whose benchmark has them.")
    var file: String = "benchmark.yaml"

    @Option(help: "The directory to write the files into; it must not hold a deployment already.")
    var out: String

    @Option(help: "Where each node keeps its data on its host (<data-directory>/<node>).")
    var dataDirectory: String = "/var/lib/vernier"

    func run() async throws {
        if looksLikeCapacityPlan(file) {
            try deployPlan()
            return
        }
        let configuration = try loadBenchmarkOrExit(file, invalid: DeployExit.invalid)
        let deployments: [(network: String, deployment: HostDeployment)]
        do {
            deployments = try BenchmarkRun.hostDeployments(of: configuration, dataDirectory: dataDirectory)
        } catch {
            printToStandardError("vernier deploy files: \(error)")
            throw DeployExit.invalid.exitCode
        }
        let several = configuration.networks != nil
        try write(deployments.map { (several ? out + "/" + $0.network : out, nil, $0.deployment) })
    }

    /// A capacity plan: one deployment per cell, `<out>/<cell slug>/`, for the cells to start one
    /// after another on the same hosts.
    private func deployPlan() throws {
        let plan: CapacityPlan
        do {
            plan = try CapacityPlan.load(path: file)
        } catch let failure as CapacityPlanErrors {
            printToStandardError(failure.lines.joined(separator: "\n"))
            throw DeployExit.invalid.exitCode
        }
        let deployments: [(cell: CapacityCell, deployment: HostDeployment)]
        do {
            deployments = try CapacityRun.hostDeployments(of: plan, dataDirectory: dataDirectory)
        } catch {
            printToStandardError("vernier deploy files: \(file): \(error)")
            throw DeployExit.invalid.exitCode
        }
        try write(deployments.map { (out + "/" + $0.cell.slug, $0.cell.label, $0.deployment) })
        print("run the cells' nodes one cell at a time: `vernier capacity \(file) --deployment \(out)` waits for each cell's "
              + "(or starts and stops them with --before-cell and --after-cell)")
    }

    /// Writes each deployment into its directory and lists its files; refuses before writing
    /// anything when any directory already holds a deployment (a half-written set is worse than none).
    private func write(_ deployments: [(directory: String, title: String?, deployment: HostDeployment)]) throws {
        for (directory, _, _) in deployments
        where FileManager.default.fileExists(atPath: directory + "/" + HostDeployment.driverFileName) {
            printToStandardError("vernier deploy files: \(directory) exists already with a deployment "
                                 + "(\(HostDeployment.driverFileName)): give another --out, or remove it")
            throw DeployExit.failed.exitCode
        }
        for (directory, title, deployment) in deployments {
            do {
                try deployment.write(to: directory)
            } catch {
                printToStandardError("vernier deploy files: \(error)")
                throw DeployExit.failed.exitCode
            }
            print("\(directory)/: " + (title.map { "\($0), " } ?? "")
                  + "\(deployment.nodeFiles.count) node files and \(HostDeployment.driverFileName)")
            for file in deployment.nodeFiles {
                print("  \(file.fileName)  on \(file.location.host) (\(file.location.address):\(file.location.port))")
            }
        }
    }
}
