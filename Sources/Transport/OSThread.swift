#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Dedicated operating-system threads: starting them, naming them and telling them apart.
enum OSThread {
    /// The longest thread name Linux keeps, in bytes (16 with the terminating zero).
    static let maximumNameByteCount = 15

    /// Starts a detached thread named `name` that runs `body` and then exits.
    static func startDetached(name: String, _ body: @escaping @Sendable () -> Void) {
        let work = ThreadWork(name: name, body: body)
        let context = Unmanaged.passRetained(work).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if os(Linux)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, &attributes, { context in
            let work = Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue()
            OSThread.nameCurrentThread(work.name)
            work.body()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed with \(result)")
    }

    /// The calling thread's kernel thread id, as `/proc/self/task/<tid>` names it.
    static func currentThreadID() -> Int32 {
        #if os(Linux)
        return LinuxThreadFunctions.gettid()
        #else
        var identifier: UInt64 = 0
        pthread_threadid_np(nil, &identifier)
        return Int32(truncatingIfNeeded: identifier)
        #endif
    }

    /// `name` cut to the bytes Linux keeps for a thread name, never splitting a character.
    static func truncatedName(_ name: String) -> String {
        var truncated = ""
        for character in name {
            guard truncated.utf8.count + character.utf8.count <= maximumNameByteCount else { break }
            truncated.append(character)
        }
        return truncated
    }

    /// Names the calling thread, as `top -H` and `/proc/self/task/<tid>/comm` show it.
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        _ = LinuxThreadFunctions.setName(pthread_self(), truncatedName(name))
        #else
        _ = pthread_setname_np(truncatedName(name))
        #endif
    }
}

/// What a new thread runs, passed through `pthread_create`'s context pointer.
private final class ThreadWork: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

#if os(Linux)
/// The glibc thread functions that Swift's `Glibc` module hides (they need `_GNU_SOURCE`), looked up
/// by name in the already loaded C library.
private enum LinuxThreadFunctions {
    /// `pid_t gettid(void)`, glibc 2.30 and later.
    static let gettid = unsafeBitCast(symbol(named: "gettid"), to: (@convention(c) () -> Int32).self)
    /// `int pthread_setname_np(pthread_t, const char *)`.
    static let setName = unsafeBitCast(
        symbol(named: "pthread_setname_np"),
        to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self
    )

    private static func symbol(named name: String) -> UnsafeMutableRawPointer {
        let process = dlopen(nil, RTLD_NOW)
        guard let symbol = dlsym(process, name) else {
            fatalError("the C library lacks \(name)")
        }
        return symbol
    }
}
#endif
