import Foundation

/// Free TCP ports on the loopback interface for nodes to listen on.
///
/// Ports come from below the kernel's ephemeral range (`ip_local_port_range`): a port from inside
/// it could be taken, between its reservation and the node's bind, as the local port of any
/// outgoing connection, such as an earlier node dialling one not yet started.
enum FreePorts {
    /// `count` distinct ports that were free a moment ago. Another program could still take one
    /// before a node binds it; the node then fails to start and says so.
    public static func reserve(count: Int, host: String = "127.0.0.1") throws -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        var ports: [Int] = []
        let candidates = candidateRange()
        var generator = SystemRandomNumberGenerator()
        var attempts = 0
        while ports.count < count {
            attempts += 1
            guard attempts <= 1_000 + 10 * count else {
                throw NodeLaunchError(description: "no \(count) free ports in \(candidates) on \(host)")
            }
            let candidate = Int.random(in: candidates, using: &generator)
            guard !ports.contains(candidate) else { continue }
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw NodeLaunchError(description: "cannot open a socket: \(String(cString: strerror(errno)))") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(candidate).bigEndian
            address.sin_addr.s_addr = inet_addr(host)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 {
                sockets.append(descriptor)
                ports.append(candidate)
            } else {
                close(descriptor)
            }
        }
        return ports
    }

    /// Ports from 10,000 up to the start of the ephemeral range (at least 2,000 of them).
    static func candidateRange() -> Range<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let ephemeralStart = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
        return 10_000..<max(12_000, min(ephemeralStart, 65_536))
    }
}
