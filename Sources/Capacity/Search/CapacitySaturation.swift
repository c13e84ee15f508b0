public import Results
import BenchmarkSpec
import CapacitySpec
/// What one probe's resources say about what limited it: the inputs of the attribution.
public struct SaturationEvidence: Sendable, Hashable, Codable {
    /// One node's CPU and disk writes over a probe.
    public struct NodeLoad: Sendable, Hashable, Codable {
        public var node: String
        /// CPU of the node's thread, % of one core.
        public var cpuPercent: Double
        /// Bytes the node's stores wrote per second.
        public var diskWriteBytesPerSecond: Double

        public init(node: String, cpuPercent: Double, diskWriteBytesPerSecond: Double) {
            self.node = node
            self.cpuPercent = cpuPercent
            self.diskWriteBytesPerSecond = diskWriteBytesPerSecond
        }
    }

    public var cores: Int
    public var nodes: [NodeLoad]
    /// The CPU of the nodes and the driver together, % of one core (in process: the one process's).
    public var processCPUPercent: Double?
    /// The driver's own threads' CPU, % of one core.
    public var driverCPUPercent: Double?
    /// The whole machine's CPU, % of one core: more than the process's when others share the machine.
    public var machineCPUPercent: Double?
    public var schedulerLagP99Milliseconds: Double
    /// The lag past which the driver counts as fallen behind in this probe (see `SaturationAnalysis.driverLagBound`).
    public var driverLagBoundMilliseconds: Double
    /// The achieved send rate over the offered rate.
    public var sendShare: Double
    /// The block device under the nodes' data and the share of the probe it was busy, 0...1.
    public var diskDevice: String?
    public var diskBusyShare: Double?
    /// Signing accounts × nonce window: the most transactions the load can keep in flight.
    public var accountSlots: Int
    /// Accounts busy on average: achieved send rate × mean latency from sent (Little's law).
    public var busyAccountSlots: Double
    /// p95 latency from the sent time, seconds: the federation's own response time.
    public var p95FromSentSeconds: Double
    public var goalP95Seconds: Double
    /// Whether the nodes run on the driver's machine (in process, or as its processes): false with
    /// `deployment: hosts`, where the process and machine figures are the driver's alone.
    public var nodesOnDriverMachine = true

    public init(cores: Int, nodes: [NodeLoad], processCPUPercent: Double?, driverCPUPercent: Double?,
                machineCPUPercent: Double? = nil, schedulerLagP99Milliseconds: Double,
                driverLagBoundMilliseconds: Double = RoundFigures.driverLagBoundMilliseconds, sendShare: Double = 1,
                diskDevice: String? = nil,
                diskBusyShare: Double? = nil, accountSlots: Int, busyAccountSlots: Double, p95FromSentSeconds: Double,
                goalP95Seconds: Double) {
        self.cores = cores
        self.nodes = nodes
        self.processCPUPercent = processCPUPercent
        self.driverCPUPercent = driverCPUPercent
        self.machineCPUPercent = machineCPUPercent
        self.schedulerLagP99Milliseconds = schedulerLagP99Milliseconds
        self.driverLagBoundMilliseconds = driverLagBoundMilliseconds
        self.sendShare = sendShare
        self.diskDevice = diskDevice
        self.diskBusyShare = diskBusyShare
        self.accountSlots = accountSlots
        self.busyAccountSlots = busyAccountSlots
        self.p95FromSentSeconds = p95FromSentSeconds
        self.goalP95Seconds = goalP95Seconds
    }
}

/// The resource that limited a probe.
public enum SaturatedResource: Sendable, Hashable, Codable {
    /// One node's thread was near a full core: that node is the serial bottleneck.
    case nodeCPU(node: String, percent: Double)
    /// The whole process was near all cores (in process, every node and the driver share them;
    /// with the nodes on hosts, no busiest node: the driver's process alone).
    case processCPU(percent: Double, cores: Int, busiestNode: String?)
    /// The machine was near all cores busy while this process was not: other processes took the
    /// CPU. The figures describe a shared machine; rerun on a quiet one.
    case machineCPU(percent: Double, processPercent: Double?, cores: Int)
    /// The block device under the nodes' data was busy nearly all the time (fsync-bound).
    case disk(device: String, busyPercent: Double, heaviestWriter: String?)
    /// The driver's scheduler fell behind while the machine still had CPU to spare.
    case driver(lagP99Milliseconds: Double, cpuPercent: Double?)
    /// Every signing account had a transaction in flight while the federation answered in time:
    /// the load, not the federation, was the limit (more accounts or a wider nonce window).
    case accounts(busySlots: Double, slots: Int)
    /// No resource near its limit: latency is bound by batching and consensus round trips.
    case none

    /// A short key for tables: `cpu:orderer0`, `process-cpu`, `disk:vda`, `driver`, `accounts`, `none`.
    public var key: String {
        switch self {
        case .nodeCPU(let node, _): "cpu:\(node)"
        case .processCPU: "process-cpu"
        case .machineCPU: "machine-cpu"
        case .disk(let device, _, _): "disk:\(device)"
        case .driver: "driver"
        case .accounts: "accounts"
        case .none: "none"
        }
    }

    /// Whether the load side (the driver or its accounts), not the federation, was the limit.
    /// A process-wide CPU limit counts as the load side only when the driver lagged with it.
    public var isLoadSide: Bool {
        switch self {
        case .driver, .accounts: true
        default: false
        }
    }

    /// One sentence with the evidence.
    public var detail: String {
        func percent(_ value: Double) -> String { ServiceGoal.text(value) + "%" }
        switch self {
        case .nodeCPU(let node, let value):
            return "CPU of \(node): its thread at \(percent(value)) of one core"
        case .processCPU(let value, let cores, let busiest?):
            return "process CPU: \(percent(value)) of \(cores * 100)% (all \(cores) cores busy; every node and the driver share them)"
                + ", busiest node \(busiest)"
        case .processCPU(let value, let cores, nil):
            return "process CPU: \(percent(value)) of \(cores * 100)% (all \(cores) cores of the driver's machine busy)"
        case .machineCPU(let value, let process, let cores):
            return "machine CPU: \(percent(value)) of \(cores * 100)%, this process only "
                + (process.map(percent) ?? "?") + ": other processes took the CPU (rerun on a quiet machine)"
        case .disk(let device, let busy, let writer):
            return "disk \(device): busy \(percent(busy)) of the time (fsync-bound)" + (writer.map { ", heaviest writer \($0)" } ?? "")
        case .driver(let lag, let cpu):
            return "the driver fell behind: scheduler lag p99 \(ServiceGoal.text(lag)) ms" + (cpu.map { ", driver CPU \(percent($0))" } ?? "")
                + " with CPU to spare: not the federation's limit"
        case .accounts(let busy, let slots):
            return "the load's accounts: \(ServiceGoal.text(busy)) of \(slots) account slots busy while the federation answered in time (more accounts or a wider nonce window would offer more)"
        case .none:
            return "no resource at its limit: latency bound by batching and consensus round trips"
        }
    }
}

/// Attributes a probe's limit to a resource. Pure: thresholds and evidence in, a finding out.
enum SaturationAnalysis {
    /// A node thread at or above this share of one core is saturated.
    public static let nodeCPUBoundPercent = 85.0
    /// The process at or above this share of all cores is saturated.
    public static let processCPUBoundShare = 0.9
    /// The disk busy at least this share of the time is saturated.
    public static let diskBusyBoundShare = 0.8
    /// Accounts busy at least this share of the slots are exhausted.
    public static let accountsBoundShare = 0.9
    /// A driver that sent under this share of the offered rate fell behind.
    public static let sendBoundShare = 0.95
    /// The share of the latency goal a scheduler lag may reach before the driver counts as fallen behind.
    public static let lagGoalShare = 0.05

    /// The scheduler lag (p99) past which a capacity probe counts as limited by the driver: the
    /// run's 10 ms bound, or 5% of the latency goal when that is larger. A lag below 5% of the goal
    /// cannot change a verdict against it; `vernier run`'s 10 ms flag is still reported per probe.
    public static func driverLagBound(goalP95Seconds: Double) -> Double {
        max(RoundFigures.driverLagBoundMilliseconds, goalP95Seconds * 1000 * lagGoalShare)
    }

    /// The driver fell behind its schedule: its lag passed the bound, or it sent under 95% of the rate.
    public static func driverFellBehind(_ evidence: SaturationEvidence) -> Bool {
        evidence.schedulerLagP99Milliseconds > evidence.driverLagBoundMilliseconds || evidence.sendShare < sendBoundShare
    }

    /// What limited a probe, most specific first: exhausted accounts (the driver's tasks then pile
    /// up and its scheduler lags too), a lagging driver (starved by a busy process or machine, or
    /// not), one node's thread, the whole process's CPU, the machine's, the disk, else none.
    public static func limiting(_ evidence: SaturationEvidence) -> SaturatedResource {
        let busiest = evidence.nodes.max { $0.cpuPercent < $1.cpuPercent }
        let allCores = Double(evidence.cores) * 100 * processCPUBoundShare
        let processSaturated = evidence.processCPUPercent.map { $0 >= allCores } ?? false
        let machineSaturated = evidence.machineCPUPercent.map { $0 >= allCores } ?? false
        let process = { SaturatedResource.processCPU(percent: evidence.processCPUPercent ?? 0, cores: evidence.cores,
                                                     busiestNode: evidence.nodesOnDriverMachine ? busiest?.node : nil) }
        let machine = { SaturatedResource.machineCPU(percent: evidence.machineCPUPercent ?? 0,
                                                     processPercent: evidence.processCPUPercent, cores: evidence.cores) }
        if accountsExhausted(evidence) {
            return .accounts(busySlots: evidence.busyAccountSlots, slots: evidence.accountSlots)
        }
        if driverFellBehind(evidence) {
            if processSaturated { return process() }
            if machineSaturated { return machine() }
            return .driver(lagP99Milliseconds: evidence.schedulerLagP99Milliseconds, cpuPercent: evidence.driverCPUPercent)
        }
        if let busiest, busiest.cpuPercent >= nodeCPUBoundPercent {
            return .nodeCPU(node: busiest.node, percent: busiest.cpuPercent)
        }
        if processSaturated { return process() }
        if machineSaturated { return machine() }
        if let busy = evidence.diskBusyShare, busy >= diskBusyBoundShare {
            let writer = evidence.nodes.max { $0.diskWriteBytesPerSecond < $1.diskWriteBytesPerSecond }
            return .disk(device: evidence.diskDevice ?? "disk", busyPercent: busy * 100, heaviestWriter: writer?.node)
        }
        return .none
    }

    /// Every account slot busy while the federation's own p95 stayed within the goal.
    public static func accountsExhausted(_ evidence: SaturationEvidence) -> Bool {
        evidence.accountSlots > 0
            && evidence.busyAccountSlots >= Double(evidence.accountSlots) * accountsBoundShare
            && evidence.p95FromSentSeconds < evidence.goalP95Seconds
    }

    /// How close each resource came to its limit (1 = at it), highest first: what to watch next.
    public static func utilisations(_ evidence: SaturationEvidence) -> [ResourceUtilisation] {
        var result: [ResourceUtilisation] = []
        if let busiest = evidence.nodes.max(by: { $0.cpuPercent < $1.cpuPercent }) {
            result.append(ResourceUtilisation(resource: "cpu:\(busiest.node)", share: busiest.cpuPercent / 100))
        }
        if let process = evidence.processCPUPercent, evidence.cores > 0 {
            result.append(ResourceUtilisation(resource: "process-cpu", share: process / Double(evidence.cores * 100)))
        }
        if let machine = evidence.machineCPUPercent, evidence.cores > 0 {
            result.append(ResourceUtilisation(resource: "machine-cpu", share: machine / Double(evidence.cores * 100)))
        }
        if let busy = evidence.diskBusyShare {
            result.append(ResourceUtilisation(resource: "disk:\(evidence.diskDevice ?? "disk")", share: busy))
        }
        if evidence.accountSlots > 0 {
            result.append(ResourceUtilisation(resource: "accounts", share: evidence.busyAccountSlots / Double(evidence.accountSlots)))
        }
        result.append(ResourceUtilisation(resource: "driver-lag",
                                          share: evidence.schedulerLagP99Milliseconds / evidence.driverLagBoundMilliseconds))
        return result.sorted { $0.share > $1.share }
    }
}

/// How close one resource came to its limit.
public struct ResourceUtilisation: Sendable, Hashable, Codable {
    /// `cpu:peer0.hospital1`, `process-cpu`, `disk:vda`, `accounts`, `driver-lag`.
    public var resource: String
    /// Use over the limit: 1 is at the limit.
    public var share: Double
}
