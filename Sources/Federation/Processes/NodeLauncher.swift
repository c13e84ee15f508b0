import CVernierSystem
import Foundation
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// A node process the launcher started: its process id and the pipe its readiness line comes on.
struct SpawnedNode: Sendable, Hashable {
    public var name: String
    public var processId: Int32
    /// The read end of the node's standard output; closed once the node is ready or has failed.
    var standardOutput: Int32
    public var logPath: String
}

/// How a node process ended.
public enum NodeExit: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)
    /// A node the driver did not start stopped answering it, or reported that it stopped.
    case unreachable(String)

    public var description: String {
        switch self {
        case .unreachable(let reason): reason
        case .exited(let status): "exited with status \(status)"
        case .signalled(let signal): "killed by signal \(signal)" + (Self.signalNames[signal].map { " (\($0))" } ?? "")
        }
    }

    /// The names of the signals that usually end a node.
    static let signalNames: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
                                               7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM"]
}

/// A launch that did not produce a ready node.
struct NodeLaunchError: Error, CustomStringConvertible {
    public var description: String
}

/// Starts node processes and stops them, from one dedicated thread that lives as long as the
/// launcher.
///
/// Linux sends a child its parent-death signal when the *thread* that started it exits; spawning
/// from a pool thread that may retire would kill a healthy node. Every spawn happens on this
/// launcher's own thread, and each node asks for SIGKILL on its parent's death, so no node outlives
/// a driver that is killed. Nodes run in process groups of their own, so the Ctrl-C that reaches the
/// driver's terminal group does not reach them: the driver stops them in order.
actor NodeLauncher {
    public nonisolated let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Exit statuses of nodes already reaped, by process id.
    private var reaped: [Int32: NodeExit] = [:]

    public init() {
        executor = ThreadExecutor(name: "vernier-launcher")
    }

    /// Starts `executable` with `arguments`, its standard output on a pipe and its standard error
    /// appended to `logPath`.
    public func spawn(name: String, executable: String, arguments: [String], logPath: String) throws -> SpawnedNode {
        var pipeEnds: [Int32] = [-1, -1]
        guard vernier_pipe_close_on_exec(&pipeEnds) == 0 else {
            throw NodeLaunchError(description: "\(name): cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let logDescriptor = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logDescriptor >= 0 else {
            close(pipeEnds[0])
            close(pipeEnds[1])
            throw NodeLaunchError(description: "\(name): cannot open \(logPath): \(String(cString: strerror(errno)))")
        }
        defer {
            close(pipeEnds[1])
            close(logDescriptor)
        }
        // Nothing else of the driver's (its client's sockets, other nodes' pipes) reaches the node.
        let processId: pid_t
        switch ChildProcess.spawn(executable: executable, arguments: arguments, standardOutput: pipeEnds[1],
                                  standardError: logDescriptor) {
        case .success(let started):
            processId = started
        case .failure(let failure):
            close(pipeEnds[0])
            throw NodeLaunchError(description: "\(name): cannot start \(executable): \(failure)")
        }
        return SpawnedNode(name: name, processId: processId, standardOutput: pipeEnds[0], logPath: logPath)
    }

    /// Waits for the node's readiness line (a line starting with `prefix`) on its standard output,
    /// at most `timeout`; returns the line, or throws with the reason and the node's last log lines.
    /// Closes the pipe either way.
    public func awaitReadiness(of node: SpawnedNode, prefix: String, timeout: Duration) throws -> String {
        defer { close(node.standardOutput) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var buffered: [UInt8] = []
        let maximumLineBytes = 4_096
        while clock.now < deadline {
            var descriptor = pollfd(fd: node.standardOutput, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready < 0 && errno != EINTR { break }
            if ready > 0 {
                var chunk = [UInt8](repeating: 0, count: 1_024)
                let count = read(node.standardOutput, &chunk, chunk.count)
                if count <= 0 { break }  // end of file: the node closed its output or died
                buffered.append(contentsOf: chunk[0..<count])
                while let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffered[..<newline], as: UTF8.self)
                    buffered.removeSubrange(...newline)
                    if line.hasPrefix(prefix) { return line }
                }
                if buffered.count > maximumLineBytes { buffered.removeAll() }
            }
            if let exit = reapIfExited(node.processId) {
                throw NodeLaunchError(description: "\(node.name) \(exit) before it was ready" + Self.logTail(node.logPath))
            }
        }
        if let exit = reapIfExited(node.processId) {
            throw NodeLaunchError(description: "\(node.name) \(exit) before it was ready" + Self.logTail(node.logPath))
        }
        throw NodeLaunchError(description: "\(node.name) was not ready within \(timeout)" + Self.logTail(node.logPath))
    }

    /// Sends `signal` to the node; false if it has already been reaped.
    @discardableResult
    public func send(_ signal: Int32, to processId: Int32) -> Bool {
        guard reaped[processId] == nil else { return false }
        return kill(processId, signal) == 0
    }

    /// Whether the process still runs (reaping it if it ended).
    public func isRunning(_ processId: Int32) -> Bool {
        reapIfExited(processId) == nil
    }

    /// How the process ended, if it has.
    public func exit(of processId: Int32) -> NodeExit? {
        reapIfExited(processId)
    }

    /// Stops the node: SIGTERM, then SIGKILL if it has not exited within `grace`; waits for it.
    public func stop(_ processId: Int32, grace: Duration) -> NodeExit {
        if let exit = reapIfExited(processId) { return exit }
        kill(processId, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        while clock.now < deadline {
            if let exit = reapIfExited(processId) { return exit }
            usleep(10_000)
        }
        kill(processId, SIGKILL)
        return waitForExit(processId)
    }

    /// Waits until the process has ended and reaps it.
    public func waitForExit(_ processId: Int32) -> NodeExit {
        if let exit = reaped[processId] { return exit }
        var status: Int32 = 0
        while waitpid(processId, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(-1) }
        }
        let exit = Self.decode(status)
        reaped[processId] = exit
        return exit
    }

    /// Lets the launcher's thread end; call after every node has been stopped.
    public nonisolated func shutdown() {
        executor.shutdown()
    }

    private func reapIfExited(_ processId: Int32) -> NodeExit? {
        if let exit = reaped[processId] { return exit }
        var status: Int32 = 0
        let result = waitpid(processId, &status, WNOHANG)
        guard result == processId else {
            // ECHILD: not our child (any more); treat it as gone.
            return result < 0 && errno == ECHILD ? .exited(-1) : nil
        }
        let exit = Self.decode(status)
        reaped[processId] = exit
        return exit
    }

    private static func decode(_ status: Int32) -> NodeExit {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// The last lines of a node's log, to show why it failed.
    public static func logTail(_ path: String, lines: Int = 12) -> String {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return " (its log is empty)" }
        let tail = String(decoding: data.suffix(8_192), as: UTF8.self).split(separator: "\n").suffix(lines)
        return "; last lines of \(path):\n" + tail.map { "    " + $0 }.joined(separator: "\n")
    }
}
