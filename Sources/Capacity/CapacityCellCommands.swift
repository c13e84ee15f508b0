import Federation
import Foundation
public import CapacitySpec
#if canImport(Glibc)
import Glibc
#endif

/// Shell commands that start a cell's nodes on their hosts before the cell and stop them after
/// it, for capacity plans with `deployment: hosts`: each cell is a federation of its own, and the
/// driver starts no node it does not own.
///
/// Each runs as `/bin/sh -c COMMAND` with the driver's output, and these variables:
/// `VERNIER_CELL` (the cell's slug, `raft-4x1-3-orderers`), `VERNIER_CELL_LABEL`,
/// `VERNIER_CELL_INDEX` (1-based), `VERNIER_CELL_COUNT`, and `VERNIER_CELL_DIRECTORY` (the cell's
/// files from `vernier deploy files`). A command that exits non-zero, or runs past
/// ``timeoutSeconds``, fails the cell.
public struct CapacityCellCommands: Sendable {
    /// When a command runs.
    public enum Moment: String, Sendable {
        case before, after
    }

    /// Starts the cell's nodes (in the background: the command should return once they run).
    public var before: String?
    /// Stops the cell's nodes, so that the next cell's can take their ports.
    public var after: String?
    /// The directory `vernier deploy files PLAN` wrote; each cell's files are in `<slug>/`.
    public var deploymentDirectory: String
    /// How long one command may run before it is ended and the cell fails.
    public var timeoutSeconds: Double = 600

    public init(before: String?, after: String?, deploymentDirectory: String) {
        self.before = before
        self.after = after
        self.deploymentDirectory = deploymentDirectory
    }

    /// The command for `moment`, or a note that there is none.
    public func describe(_ moment: Moment) -> String {
        (moment == .before ? before : after) ?? "no command given"
    }

    /// Runs the command for `moment` (none: nothing to do) and throws unless it exits 0 in time.
    ///
    /// The shell gets the terminal's output and no other descriptor of the driver's, and runs in
    /// a process group of its own: the nodes it leaves running in the background hold nothing of
    /// the driver's, and a Ctrl-C at the driver's terminal does not reach them (the command after
    /// the cell stops them).
    public func run(_ moment: Moment, cell: CapacityCell, index: Int, count: Int) async throws {
        guard let command = moment == .before ? before : after else { return }
        let variables = [
            "VERNIER_CELL": cell.slug, "VERNIER_CELL_LABEL": cell.label, "VERNIER_CELL_INDEX": String(index + 1),
            "VERNIER_CELL_COUNT": String(count),
            "VERNIER_CELL_DIRECTORY": URL(fileURLWithPath: deploymentDirectory).appendingPathComponent(cell.slug).path,
        ]
        let name = "the command \(moment.rawValue) \(cell.slug)"
        let processId = try Self.spawn(command, variables: variables, name: name)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(timeoutSeconds * 1000)))
        var status: Int32 = 0
        while waitpid(processId, &status, WNOHANG) == 0 {
            if clock.now >= deadline {
                kill(-processId, SIGTERM)
                _ = waitpid(processId, &status, 0)
                throw CellCommandError(description: "\(name) ran past \(Int(timeoutSeconds)) s and was ended: \(command)")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let signal = status & 0x7f
        guard signal == 0 else {
            throw CellCommandError(description: "\(name) was killed by signal \(signal): \(command)")
        }
        let exitStatus = (status >> 8) & 0xff
        guard exitStatus == 0 else {
            throw CellCommandError(description: "\(name) exited with status \(exitStatus): \(command)")
        }
    }

    /// Starts `/bin/sh -c command` with the driver's output, `/dev/null` as input, no other
    /// descriptor, `variables` added to the environment, in a new process group.
    private static func spawn(_ command: String, variables: [String: String], name: String) throws -> pid_t {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(variables) { _, new in new }
        switch ChildProcess.spawn(executable: "/bin/sh", arguments: ["-c", command], environment: environment) {
        case .success(let processId): return processId
        case .failure(let failure): throw CellCommandError(description: "\(name) could not start: \(failure)")
        }
    }
}

/// A command around a capacity cell failed.
public struct CellCommandError: Error, CustomStringConvertible {
    public var description: String
}
