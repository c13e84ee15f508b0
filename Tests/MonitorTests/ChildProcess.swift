@testable import CVernierSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for the monitor to watch, started with `posix_spawn` so that the test decides
/// when it is reaped (an exited, unreaped child still shows its final CPU and I/O figures).
final class ChildProcess {
    let pid: Int32
    /// The write end of the child's standard input, if it was given a pipe.
    private(set) var inputDescriptor: Int32?
    private var reaped = false

    /// Starts `arguments[0]` with `arguments`; with `inputPipe`, its standard input is a pipe the test writes.
    init(_ arguments: [String], inputPipe: Bool = false) throws {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        var pipeEnds: [Int32] = [-1, -1]
        if inputPipe {
            guard pipe(&pipeEnds) == 0 else { throw ChildProcessError("pipe failed: errno \(errno)") }
            posix_spawn_file_actions_adddup2(&fileActions, pipeEnds[0], 0)
            posix_spawn_file_actions_addclose(&fileActions, pipeEnds[1])
        }
        // The child inherits nothing else: a socket a parallel test has open in this process must
        // not stay bound in a child after the test closes it.
        _ = vernier_spawn_close_from(&fileActions, 3)
        let argumentPointers = arguments.map { strdup($0) } + [nil]
        defer { argumentPointers.forEach { free($0) } }
        let emptyEnvironment: [UnsafeMutablePointer<CChar>?] = [nil]
        var childID: pid_t = 0
        let result = posix_spawn(&childID, arguments[0], &fileActions, nil, argumentPointers, emptyEnvironment)
        if inputPipe { close(pipeEnds[0]) }
        guard result == 0 else {
            if inputPipe { close(pipeEnds[1]) }
            throw ChildProcessError("posix_spawn \(arguments[0]) failed: \(result)")
        }
        pid = childID
        inputDescriptor = inputPipe ? pipeEnds[1] : nil
    }

    /// Writes `text` to the child's standard input and closes it.
    func sendInputAndClose(_ text: String) {
        guard let descriptor = inputDescriptor else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        close(descriptor)
        inputDescriptor = nil
    }

    /// Waits until the child exits but leaves it unreaped (a zombie), so `/proc/<pid>` still answers.
    func waitForExitLeavingZombie() throws {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0 else {
            throw ChildProcessError("waitid failed: errno \(errno)")
        }
    }

    /// Kills the child (if still running) and reaps it; returns its wait status.
    @discardableResult
    func killAndReap() -> Int32 {
        guard !reaped else { return 0 }
        kill(pid, SIGKILL)
        return reap()
    }

    /// Reaps the exited child; returns its wait status.
    @discardableResult
    func reap() -> Int32 {
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
        return status
    }

    /// Time the process's or thread's main thread spent runnable but waiting for a core, in seconds
    /// (`/proc/<path>/schedstat` field 2): shows whether other work on the machine starved it.
    static func runQueueWaitSeconds(schedstatPath: String) -> Double {
        guard let text = try? String(contentsOfFile: schedstatPath, encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let waitNanoseconds = Double(fields[1]) else { return 0 }
        return waitNanoseconds / 1e9
    }

    deinit {
        if let inputDescriptor { close(inputDescriptor) }
        killAndReap()
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A directory on a real disk (not tmpfs, whose writes never reach storage and count 0 in
/// `write_bytes`), removed when dropped.
final class DiskDirectory {
    let path: String
    /// Why this parent was chosen, for the test's log.
    let note: String

    init() throws {
        let packageBuild = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build").path
        let candidates = [FileManager.default.temporaryDirectory.path, "/var/tmp", packageBuild]
        var chosen: String?
        var skipped: [String] = []
        for candidate in candidates {
            guard let type = Self.fileSystemType(of: candidate) else { skipped.append("\(candidate) (no mount found)"); continue }
            if type == "tmpfs" || type == "ramfs" { skipped.append("\(candidate) (\(type))"); continue }
            chosen = candidate
            break
        }
        guard let chosen else { throw ChildProcessError("no directory on a real disk among \(candidates)") }
        note = skipped.isEmpty ? "under \(chosen)" : "under \(chosen), skipping \(skipped.joined(separator: ", "))"
        path = chosen + "/vernier-monitor-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The type of the file system holding `path` (`ext4`, `tmpfs`, ...): the longest mount point
    /// in `/proc/self/mounts` that contains it.
    static func fileSystemType(of path: String) -> String? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        var best: (mountPoint: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = String(fields[1]), type = String(fields[2])
            let contains = mountPoint == "/" || resolved == mountPoint || resolved.hasPrefix(mountPoint + "/")
            if contains, mountPoint.count >= (best?.mountPoint.count ?? 0) { best = (mountPoint, type) }
        }
        return best?.type
    }
}
