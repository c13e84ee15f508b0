import LedgerPrimitives
import Logging
import NetworkTransport
import Synchronization
import Transport

/// Measures one-way throughput of the TCP transport over loopback: two endpoints in one process, each
/// on its own one-thread event loop group, one sending frames of a fixed size to the other for a few
/// seconds with a bounded number of frames outstanding.
///
/// Usage: `swift run -c release tcp-throughput [seconds-per-size]` (default 3).
@main
enum TCPThroughput {
    static func main() async throws {
        let secondsPerSize = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 3
        print("frame bytes  frames/s     MB/s (payload)  frames")
        for (frameBytes, window) in [(250, 20_000), (256 << 10, 64)] {
            let result = try await measure(frameBytes: frameBytes, window: window, duration: .seconds(secondsPerSize))
            let seconds = result.elapsed.inSeconds
            let framesPerSecond = Double(result.frames) / seconds
            let megabytesPerSecond = framesPerSecond * Double(frameBytes) / 1e6
            print(
                String(frameBytes).padding(toLength: 13, withPad: " ", startingAt: 0)
                    + String(Int(framesPerSecond)).padding(toLength: 13, withPad: " ", startingAt: 0)
                    + String(format1(megabytesPerSecond)).padding(toLength: 16, withPad: " ", startingAt: 0)
                    + String(result.frames)
            )
        }
    }

    /// Sends `frameBytes`-byte frames for `duration`, keeping at most `window` unreceived; returns how
    /// many arrived and how long it took until the last one did.
    static func measure(frameBytes: Int, window: Int, duration: Duration) async throws -> (frames: Int, elapsed: Duration) {
        var logger = Logger(label: "tcp-throughput")
        logger.logLevel = .warning
        let names: [NodeAddress] = ["sender", "receiver"]
        var directory: [NodeAddress: TCPMember] = [:]
        var accounts: [NodeAddress: SigningAccount] = [:]
        // The receiver listens on an ephemeral port, found once it is up; the sender needs no listener.
        for (index, name) in names.enumerated() {
            accounts[name] = SigningAccount.deterministic(seed: 1, index: UInt64(index))
            directory[name] = TCPMember(publicKey: accounts[name]!.publicKey, listen: nil)
        }
        directory["receiver"]!.listen = TCPListenAddress(host: "127.0.0.1", port: 0)
        let receiver = try await TCPEndpoint.start(TCPEndpointConfiguration(
            address: "receiver", identity: accounts["receiver"]!, listen: directory["receiver"]!.listen,
            directory: directory, logger: logger
        ))
        directory["receiver"]!.listen!.port = receiver.listeningPort!
        let sender = try await TCPEndpoint.start(TCPEndpointConfiguration(
            address: "sender", identity: accounts["sender"]!, listen: nil, directory: directory, logger: logger
        ))

        let received = Atomic<Int>(0)
        let consumer = Task {
            for await _ in receiver.inbox {
                received.add(1, ordering: .relaxed)
            }
        }
        let payload = [UInt8](repeating: 0x5A, count: frameBytes)
        // Warm up: connect and authenticate before the clock starts.
        sender.send(payload, to: "receiver")
        while received.load(ordering: .relaxed) < 1 { await Task.yield() }

        let clock = ContinuousClock()
        let start = clock.now
        var sent = 1
        while clock.now - start < duration {
            if sent - received.load(ordering: .relaxed) < window {
                for _ in 0..<min(64, window) {
                    sender.send(payload, to: "receiver")
                }
                sent += min(64, window)
            } else {
                try await Task.sleep(for: .microseconds(50))
            }
        }
        let dropped = sender.counters.framesDropped.total
        while received.load(ordering: .relaxed) < sent - dropped {
            try await Task.sleep(for: .microseconds(100))
        }
        let elapsed = clock.now - start
        precondition(dropped == 0, "the benchmark dropped \(dropped) frames")
        await sender.shutdown()
        await receiver.shutdown()
        consumer.cancel()
        return (sent - 1, elapsed)
    }

    private static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
