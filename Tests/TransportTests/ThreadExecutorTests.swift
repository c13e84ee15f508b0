import Synchronization
import Testing
@testable import Transport

#if canImport(Glibc)
import Glibc
#endif

/// An actor whose every job runs on its own ``ThreadExecutor``'s thread.
private actor ThreadBoundCounter {
    let executor: ThreadExecutor
    private(set) var values: [Int] = []

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    init(executor: ThreadExecutor) {
        self.executor = executor
    }

    /// The kernel id of the thread running this method.
    func currentThreadID() -> Int32 {
        ThreadExecutor.currentThreadID()
    }

    func append(_ value: Int) -> Int32 {
        values.append(value)
        return ThreadExecutor.currentThreadID()
    }
}

/// What jobs recorded, from whichever thread they ran on.
private final class JobRecorder: Sendable {
    private let recorded = Mutex<(numbers: [Int], threadIDs: Set<Int32>)>(([], []))

    var numbers: [Int] { recorded.withLock { $0.numbers } }
    var threadIDs: Set<Int32> { recorded.withLock { $0.threadIDs } }

    func record(_ number: Int) {
        recorded.withLock {
            $0.numbers.append(number)
            $0.threadIDs.insert(ThreadExecutor.currentThreadID())
        }
    }
}

@Suite("Thread executor")
struct ThreadExecutorTests {
    @Test("An actor on a thread executor runs its methods on the executor's thread")
    func actorRunsOnExecutorThread() async {
        let executor = ThreadExecutor(name: "orderer0")
        defer { executor.shutdown() }
        let counter = ThreadBoundCounter(executor: executor)

        let threadID = await counter.currentThreadID()

        #expect(executor.threadID > 0)
        #expect(threadID == executor.threadID)
        #expect(threadID != ThreadExecutor.currentThreadID())
    }

    @Test("Jobs run in the order they were enqueued")
    func jobsRunInOrder() async {
        let executor = ThreadExecutor(name: "ordered")
        defer { executor.shutdown() }
        let recorder = JobRecorder()

        let tasks = (0..<500).map { number in
            Task(executorPreference: executor) { recorder.record(number) }
        }
        for task in tasks {
            await task.value
        }

        #expect(recorder.numbers == Array(0..<500))
        #expect(recorder.threadIDs == [executor.threadID])
    }

    @Test("Calls from one task reach the actor in order, all on its thread")
    func actorCallsInOrder() async {
        let executor = ThreadExecutor(name: "peer0.org1")
        defer { executor.shutdown() }
        let counter = ThreadBoundCounter(executor: executor)

        var threadIDs: Set<Int32> = []
        for value in 0..<200 {
            threadIDs.insert(await counter.append(value))
        }

        #expect(await counter.values == Array(0..<200))
        #expect(threadIDs == [executor.threadID])
    }

    @Test("Two actors on two executors run on different threads")
    func twoExecutorsTwoThreads() async {
        let first = ThreadExecutor(name: "peer0.org1")
        let second = ThreadExecutor(name: "peer1.org1")
        defer {
            first.shutdown()
            second.shutdown()
        }

        let firstThreadID = await ThreadBoundCounter(executor: first).currentThreadID()
        let secondThreadID = await ThreadBoundCounter(executor: second).currentThreadID()

        #expect(first.threadID != second.threadID)
        #expect(firstThreadID == first.threadID)
        #expect(secondThreadID == second.threadID)
    }

    @Test("The thread carries the executor's name, cut to 15 bytes")
    func threadName() throws {
        let executor = ThreadExecutor(name: "orderer0.federation")
        defer { executor.shutdown() }

        let comm = try readFile("/proc/self/task/\(executor.threadID)/comm")

        #expect(comm == "orderer0.federa\n")
        #expect(OSThread.truncatedName("é" + String(repeating: "a", count: 14)) == "é" + String(repeating: "a", count: 13))
    }

    @Test("Shutdown runs every queued job, then the thread exits")
    func shutdownDrainsQueue() async {
        let executor = ThreadExecutor(name: "draining")
        let recorder = JobRecorder()
        let tasks = (0..<100).map { number in
            Task(executorPreference: executor) { recorder.record(number) }
        }
        executor.shutdown()

        #expect(recorder.numbers.count == 100)
        #expect(!(await fileExists("/proc/self/task/\(executor.threadID)")))
        for task in tasks {
            await task.value
        }
    }
}

/// The contents of a small text file.
private func readFile(_ path: String) throws -> String {
    guard let file = fopen(path, "r") else { throw FileError(path: path) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 256)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Whether `path` exists, waiting briefly for a thread that just announced its exit to disappear.
private func fileExists(_ path: String) async -> Bool {
    for _ in 0..<2_000 {
        if access(path, F_OK) != 0 { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return true
}

private struct FileError: Error {
    var path: String
}
