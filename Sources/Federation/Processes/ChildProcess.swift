import CVernierSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a child process the way every vernier child starts: `/dev/null` as input, the given
/// descriptors as output and error (else the parent's), no other descriptor of the parent's (its
/// sockets, other children's pipes), default signal handling, no blocked signals, and a process
/// group of its own, so that a Ctrl-C at the driver's terminal does not reach it.
public enum ChildProcess {
    /// Spawns `executable` with `arguments` and `environment` (nil: the parent's); returns its
    /// process id, or the error number `posix_spawn` gave.
    public static func spawn(executable: String, arguments: [String], environment: [String: String]? = nil,
                             standardOutput: Int32? = nil, standardError: Int32? = nil) -> Result<Int32, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let standardOutput { posix_spawn_file_actions_adddup2(&actions, standardOutput, 1) }
        if let standardError { posix_spawn_file_actions_adddup2(&actions, standardError, 2) }
        _ = vernier_spawn_close_from(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGCHLD] { sigaddset(&defaultSignals, signal) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var processId: pid_t = 0
        let status: Int32
        if let environment {
            let entries: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for entry in entries { free(entry) } }
            status = posix_spawn(&processId, executable, &actions, &attributes, argv, entries)
        } else {
            status = posix_spawn(&processId, executable, &actions, &attributes, argv, environ)
        }
        return status == 0 ? .success(processId) : .failure(SpawnFailure(errorNumber: status))
    }

    /// Why a child could not start.
    public struct SpawnFailure: Error, CustomStringConvertible {
        public var errorNumber: Int32
        public var description: String { String(cString: strerror(errorNumber)) }
    }
}
