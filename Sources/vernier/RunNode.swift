import ArgumentParser
import NodeProcess

/// `vernier node <file>`: runs one node of a federation in this process, as the driver starts it.
struct RunNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one node (orderer, peer, miner or store) from a node configuration file.",
        discussion: """
            The driver writes the file and starts this command once per node when a benchmark says \
            `deployment: processes`. The node listens on its TCP port, opens its stores, then prints \
            one line starting with "\(NodeProcessConfiguration.readinessPrefix)" on standard output; it logs \
            to standard error. On SIGTERM it finishes what it is writing, closes its stores and exits 0. \
            It exits when the driver that started it dies. A node of `deployment: hosts` (from \
            `vernier deploy files`) has no parent driver; start it with --reset before each repetition \
            so that it begins a fresh chain.
            """ + "\n\n" + ExitCodes.help(NodeProcess.Exit.self))

    @Argument(help: "The node configuration file (JSON) the driver wrote.")
    var file: String

    @Flag(help: "Remove the node's data directory first, so that it starts a fresh chain from genesis.")
    var reset = false

    func run() async throws {
        AllocatorSettings.apply()
        let exit = await NodeProcess.run(configurationPath: file, reset: reset)
        try exit.exit()
    }
}
