/// An executor backed by one dedicated operating-system thread, so a node's CPU time can be read from
/// that thread's `/proc/self/task/<tid>/stat`.
///
/// An actor runs all its work on the thread by returning this executor:
///
/// ```swift
/// actor Orderer {
///     let executor = ThreadExecutor(name: "orderer0")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
///
/// Tasks can also prefer it as a task executor (`Task(executorPreference:)`), so their nonisolated
/// work runs on the same thread. Jobs run one at a time, in the order they were enqueued.
///
/// The job queue is bounded by `maximumQueuedJobs`. A job can be neither dropped nor made to wait (its
/// task would hang, or its sender deadlock), so exceeding the bound stops the process: it means a node
/// is flooded far beyond what a benchmark should ever ask of it.
public final class ThreadExecutor: SerialExecutor, TaskExecutor {
    /// The thread's name as given; the thread itself carries its first 15 bytes.
    public let name: String
    /// The kernel thread id of the executor's thread (Linux `gettid()`).
    public let threadID: Int32
    /// The most jobs that may wait in the queue at once.
    public let maximumQueuedJobs: Int

    private let queue: ConditionLock<JobQueue>

    /// Starts the executor's thread and returns once it is running and its id is known.
    public init(name: String, maximumQueuedJobs: Int = 1_000_000) {
        precondition(maximumQueuedJobs > 0, "the job queue needs room for at least one job")
        let queue = ConditionLock(JobQueue())
        OSThread.startDetached(name: name) {
            Self.runJobs(from: queue)
        }
        self.name = name
        self.maximumQueuedJobs = maximumQueuedJobs
        self.queue = queue
        self.threadID = queue.withLockWaiting { queue in
            queue.threadID.map(WaitDecision.finish) ?? .waitForSignal
        }
        let serialExecutor = UnownedSerialExecutor(ordinary: self)
        let taskExecutor = UnownedTaskExecutor(ordinary: self)
        queue.withLock { $0.executors = JobQueue.Executors(serial: serialExecutor, task: taskExecutor) }
    }

    deinit {
        shutdown()
    }

    /// The kernel thread id of the calling thread, whichever it is (Linux `gettid()`).
    public static func currentThreadID() -> Int32 {
        OSThread.currentThreadID()
    }

    /// Whether the caller is running on this executor's thread.
    public var isCurrentThread: Bool {
        OSThread.currentThreadID() == threadID
    }

    /// Queues `job` to run on the executor's thread after every job queued before it.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        queue.withLock { queue in
            guard !queue.hasExited else {
                fatalError("ThreadExecutor '\(name)' received a job after its thread exited")
            }
            guard queue.pendingJobs.count < maximumQueuedJobs else {
                fatalError("ThreadExecutor '\(name)' has more than \(maximumQueuedJobs) queued jobs")
            }
            queue.pendingJobs.append(unownedJob)
        }
        queue.broadcast()
    }

    /// Stops the process unless the caller runs on this executor's thread (for `assumeIsolated`).
    public func checkIsolated() {
        precondition(isCurrentThread, "expected to run on ThreadExecutor '\(name)'")
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Stops the thread taking work, or lets it go on: jobs queue meanwhile (a fault that stalls a
    /// node in process, as SIGSTOP stalls a node's process). The job running when it pauses finishes.
    public func setPaused(_ paused: Bool) {
        queue.withLock { $0.isPaused = paused }
        queue.broadcast()
    }

    /// Lets the thread exit once it has run every queued job; waits for that unless called from the
    /// thread itself.
    ///
    /// Jobs may still be queued until the queue drains; a job queued after the thread exited is a
    /// programming error and stops the process. Calling it again does nothing more.
    public func shutdown() {
        queue.withLock { $0.isShuttingDown = true }
        queue.broadcast()
        guard !isCurrentThread else { return }
        queue.withLockWaiting { queue in
            queue.hasExited ? .finish(()) : .waitForSignal
        }
    }

    /// The thread's loop: announce its id, then run queued jobs in order until shut down and drained.
    private static func runJobs(from queue: ConditionLock<JobQueue>) {
        queue.withLock { $0.threadID = OSThread.currentThreadID() }
        queue.broadcast()
        var batch: [UnownedJob] = []
        while true {
            let executors: JobQueue.Executors? = queue.withLockWaiting { queue in
                // Paused, the thread takes no work (jobs wait in the queue) until resumed or shut down.
                if queue.isPaused && !queue.isShuttingDown { return .waitForSignal }
                if !queue.pendingJobs.isEmpty {
                    swap(&batch, &queue.pendingJobs)
                    return .finish(queue.executors)
                }
                if queue.isShuttingDown {
                    queue.hasExited = true
                    return .finish(nil)
                }
                return .waitForSignal
            }
            guard let executors else { break }
            for job in batch {
                job.runSynchronously(isolatedTo: executors.serial, taskExecutor: executors.task)
            }
            batch.removeAll(keepingCapacity: true)
        }
        queue.broadcast()
    }
}

/// The jobs waiting for a ``ThreadExecutor``'s thread, and the thread's life.
private struct JobQueue: Sendable {
    /// The executor's references to itself, which jobs run on.
    struct Executors: Sendable {
        var serial: UnownedSerialExecutor
        var task: UnownedTaskExecutor
    }

    var pendingJobs: [UnownedJob] = []
    var threadID: Int32?
    var executors: Executors?
    var isShuttingDown = false
    var hasExited = false
    var isPaused = false
}
