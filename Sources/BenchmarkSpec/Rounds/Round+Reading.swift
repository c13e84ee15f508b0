public import NetworkSpec
import ConfigurationReading
/// What reading a round needs to know of the rest of the file.
struct RoundReadingContext {
    /// The size of the account pool, if it was read.
    var poolAccounts: Int?
    /// Whether the file names its federations under `networks` (rounds may then choose one).
    var namesNetworks: Bool
    /// The names under `networks`, if they were read.
    var networkNames: [String]?
    /// The file is in Caliper's layout: its shapes (one-element lists, durations in bare seconds)
    /// are read, and noted.
    var caliper = false
    /// The index of the first round the element being read expands to (Caliper's `<R>`).
    var roundIndex = 0
    /// The file's federations: the only one under the empty name, or each by its name (faults
    /// name their nodes).
    var networks: [String: NetworkConfiguration] = [:]
}

extension Round {
    /// The keys allowed in a round.
    static let keys = [
        "label", "description", "txNumber", "txDuration", "trim", "rateControl", "workload", "accounts", "network", "grid",
        "faults",
    ]

    /// The keys allowed in a round's `grid`.
    static let gridKeys = ["network", "transactions", "accounts"]

    /// Reads `rounds`: at least one round, labels unique once grids are expanded.
    static func readAll(_ value: ConfigurationValue, context: RoundReadingContext) -> [Round]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one round is required")
            return nil
        }
        var labels: Set<String> = []
        var rounds: [Round] = []
        var failed = false
        for element in elements {
            var context = context
            context.roundIndex = rounds.count
            guard let expanded = read(element, labels: &labels, context: context) else {
                failed = true
                continue
            }
            rounds += expanded
        }
        return failed ? nil : rounds
    }

    /// The values of a round's `grid`; a dimension the grid does not vary is nil.
    private struct Grid {
        var networks: [String]?
        var transactions: [Int]?
        var accounts: [Int]?
    }

    /// Reads one round, or the rounds its `grid` expands to; `labels` holds the labels seen so far.
    private static func read(_ value: ConfigurationValue, labels: inout Set<String>, context: RoundReadingContext) -> [Round]? {
        // Older Caliper files give the workload as a round's `callback` and `arguments`.
        guard let mapping = value.mapping(allowedKeys: context.caliper ? keys + ["callback", "arguments"] : keys) else { return nil }
        let label = mapping.read("label") { value -> String? in
            guard let label = value.string() else { return nil }
            guard !label.trimmingWhitespace.isEmpty else {
                value.report("the label must not be empty")
                return nil
            }
            return label
        }
        let description = mapping.read("description", default: String?.none) { $0.string().map(Optional.some) }
        // Older Caliper's lists of several values: one round per value, in sequence.
        guard let sequence = caliperSequenceCount(mapping, context: context) else { return nil }
        if sequence > 1 {
            if let label {
                mapping.optional("label")?.note("older Caliper's lists of \(sequence) values run as \(sequence) rounds in sequence, "
                                                 + "\"\(label) 1\" to \"\(label) \(sequence)\"")
            }
            return readSequence(mapping, label: label, description: description, count: sequence, labels: &labels, context: context)
        }
        let grid = mapping.read("grid", default: Grid?.none) { readGrid($0, context: context).map(Optional.some) }
        // The round's length: txNumber or txDuration, unless the grid gives the transaction counts
        // (`.some(nil)`); nil when invalid. A grid that failed to read reports its own errors.
        let length: RoundLength??
        if let counts = grid??.transactions {
            let conflicting = ["txNumber", "txDuration"].compactMap { key in mapping.optional(key).map { (key, $0) } }
            for (key, value) in conflicting {
                value.report("the grid's transactions give the round's lengths: leave out \(key)")
            }
            length = conflicting.isEmpty && !counts.isEmpty ? .some(nil) : nil
        } else if grid == nil {
            length = nil
        } else {
            length = readLengths(mapping, count: 1, context: context).map { Optional.some($0[0]) }
        }
        let shortest = grid??.transactions?.min().map(RoundLength.transactions)
        let trim = readTrim(mapping, length: shortest ?? (length ?? nil))
        let rateControl = mapping.read("rateControl") { value in
            readCaliperValues(value, count: 1, context: context) {
                RateControl.read($0, nested: false, caliper: context.caliper, roundIndex: context.roundIndex)
            }?[0]
        }
        let workload = readWorkload(mapping, context: context)
        let accounts = mapping.read("accounts", default: Int?.none) { value -> Int?? in
            if grid??.accounts != nil {
                value.report("the grid's accounts give the round's accounts: leave out accounts")
                return nil
            }
            return readAccounts(value, context: context).map(Optional.some)
        }
        let network = mapping.read("network", default: String?.none) { value -> String?? in
            if grid??.networks != nil {
                value.report("the grid's network list gives the round's network: leave out network")
                return nil
            }
            return readNetworkName(value, context: context).map(Optional.some)
        }
        let faults = mapping.read("faults", default: [Fault]()) { value -> [Fault]? in
            if grid != nil, grid! != nil {
                value.report("faults and a grid cannot be combined: give the faulty round on its own")
                return nil
            }
            // The round's network: the one it names, else the file's only (or first) one.
            let name = (network ?? nil) ?? context.networkNames?.first ?? ""
            return Fault.readAll(value, length: length ?? nil, network: context.networks[name])
        }
        guard let label, let description, let grid, let length, let trim, let rateControl, let workload,
              let accounts, let network, let faults else { return nil }
        guard let grid else {
            guard let length else { return nil }
            guard labels.insert(label).inserted else {
                mapping.optional("label")?.report("duplicate round label \"\(label)\"")
                return nil
            }
            var round = Round(label: label, description: description, length: length, trim: trim, rateControl: rateControl,
                              workload: workload, accounts: accounts, network: network)
            round.faults = faults.sorted { $0.at < $1.at }
            return [round]
        }
        var rounds: [Round] = []
        for cellNetwork in grid.networks.map({ $0.map(Optional.some) }) ?? [network] {
            for transactions in grid.transactions.map({ $0.map(Optional.some) }) ?? [nil] {
                for cellAccounts in grid.accounts.map({ $0.map(Optional.some) }) ?? [accounts] {
                    let cell = GridCell(grid: label, network: grid.networks == nil ? nil : cellNetwork,
                                        transactions: transactions, accounts: grid.accounts == nil ? nil : cellAccounts)
                    guard labels.insert(cell.label).inserted else {
                        mapping.optional("grid")?.report("duplicate round label \"\(cell.label)\" (expanded from the grid)")
                        return nil
                    }
                    guard let cellLength = transactions.map(RoundLength.transactions) ?? length else { return nil }
                    rounds.append(Round(label: cell.label, description: description, length: cellLength, trim: trim,
                                        rateControl: rateControl, workload: workload, accounts: cellAccounts,
                                        network: cellNetwork, cell: cell))
                }
            }
        }
        return rounds
    }

    /// Reads `grid`: at least one of `network`, `transactions` and `accounts`, each a non-empty
    /// list of distinct values.
    private static func readGrid(_ value: ConfigurationValue, context: RoundReadingContext) -> Grid? {
        guard let mapping = value.mapping(allowedKeys: gridKeys) else { return nil }
        guard !mapping.entries.isEmpty else {
            value.report("a grid varies at least one of \(gridKeys.joined(separator: ", "))")
            return nil
        }
        let networks = mapping.read("network", default: [String]?.none) { list in
            readList(list) { readNetworkName($0, context: context) }.map(Optional.some)
        }
        let transactions = mapping.read("transactions", default: [Int]?.none) { list in
            readList(list) { $0.integer(atLeast: 1) }.map(Optional.some)
        }
        let accounts = mapping.read("accounts", default: [Int]?.none) { list in
            readList(list) { readAccounts($0, context: context) }.map(Optional.some)
        }
        guard let networks, let transactions, let accounts else { return nil }
        return Grid(networks: networks, transactions: transactions, accounts: accounts)
    }

    /// Reads a non-empty list of distinct values.
    private static func readList<T: Hashable>(_ value: ConfigurationValue, _ element: (ConfigurationValue) -> T?) -> [T]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one value is required")
            return nil
        }
        var seen: Set<T> = []
        var values: [T] = []
        var failed = false
        for item in elements {
            guard let read = element(item) else {
                failed = true
                continue
            }
            guard seen.insert(read).inserted else {
                item.report("duplicate value \(item.text)")
                failed = true
                continue
            }
            values.append(read)
        }
        return failed ? nil : values
    }

    /// Reads a round's account count: from 1 to the pool's size.
    private static func readAccounts(_ value: ConfigurationValue, context: RoundReadingContext) -> Int? {
        guard let pool = context.poolAccounts else { return value.integer(atLeast: 1) }
        guard let count = value.integer() else { return nil }
        guard (1...pool).contains(count) else {
            value.report("out of range: must be between 1 and the pool's \(pool) accounts, found \(value.text)")
            return nil
        }
        return count
    }

    /// Reads the name of a network the round runs on: one of those named under `networks`.
    private static func readNetworkName(_ value: ConfigurationValue, context: RoundReadingContext) -> String? {
        guard context.namesNetworks else {
            value.report("a round chooses its network only when the file names several under networks")
            return nil
        }
        guard let names = context.networkNames else { return value.string() }
        return value.choice(among: names)
    }

    /// Reads the workload: `workload`, or older Caliper's round-level `callback` and `arguments`.
    private static func readWorkload(_ mapping: ConfigurationMapping, context: RoundReadingContext) -> Workload? {
        if context.caliper, let callback = mapping.optional("callback") {
            if let both = mapping.optional("workload") {
                both.report("give the workload once: workload, or older Caliper's callback and arguments")
                return nil
            }
            callback.note("older Caliper's callback and round arguments are read as workload {module, arguments}")
            return Workload.read(module: callback, arguments: mapping.optional("arguments"), owner: mapping.value)
        }
        if context.caliper, let stray = mapping.optional("arguments") {
            stray.report("round-level arguments go with older Caliper's callback; with workload, put them in workload.arguments")
        }
        return mapping.read("workload", Workload.read)
    }

    /// The keys older Caliper may give as lists of one value per round in sequence.
    private static let sequenceKeys = ["txNumber", "txDuration", "rateControl"]

    /// How many rounds a Caliper round stands for: the length of its lists of several values
    /// (which must agree), 1 without them and outside Caliper's layout; nil when they disagree.
    private static func caliperSequenceCount(_ mapping: ConfigurationMapping, context: RoundReadingContext) -> Int? {
        guard context.caliper else { return 1 }
        var count = 1
        var first: String?
        for key in sequenceKeys {
            guard let value = mapping.optional(key), case .sequence = value.node, let elements = value.sequence(),
                  elements.count > 1 else { continue }
            if count > 1, elements.count != count {
                value.report("a list of \(elements.count) values where \(first ?? "") has \(count): older Caliper's "
                             + "lists give one value per round in sequence, so their lengths must agree")
                return nil
            }
            count = elements.count
            first = first ?? key
        }
        if count > 1, let grid = mapping.optional("grid") {
            grid.report("a grid and older Caliper's lists of several values cannot be combined: use one or the other")
            return nil
        }
        return count
    }

    /// Reads older Caliper's round whose lists give `count` rounds in sequence: round `i` takes
    /// each list's value `i` (a single value serves every round), labelled "label i".
    private static func readSequence(_ mapping: ConfigurationMapping, label: String?, description: String??, count: Int,
                                     labels: inout Set<String>, context: RoundReadingContext) -> [Round]? {
        let lengths = readLengths(mapping, count: count, context: context)
        // All lengths are counts or all are durations; a trim must be shorter than the shortest.
        let shortest = lengths?.min { first, second in
            switch (first, second) {
            case (.transactions(let first), .transactions(let second)): first < second
            case (.duration(let first), .duration(let second)): first < second
            default: false
            }
        }
        let trim = readTrim(mapping, length: shortest)
        let rateControls = mapping.read("rateControl") { value in
            readCaliperValues(value, count: count, context: context) { RateControl.read($0, nested: false, caliper: true, roundIndex: context.roundIndex) }
        }
        let workload = readWorkload(mapping, context: context)
        let accounts = mapping.read("accounts", default: Int?.none) { readAccounts($0, context: context).map(Optional.some) }
        for key in ["network", "grid"] { mapping.optional(key)?.report("not available in older Caliper's rounds in sequence") }
        guard let label, let description, let lengths, let trim, let rateControls, let workload, let accounts,
              mapping.optional("network") == nil else { return nil }
        var rounds: [Round] = []
        for index in 0..<count {
            let sequenceLabel = "\(label) \(index + 1)"
            guard labels.insert(sequenceLabel).inserted else {
                mapping.optional("label")?.report("duplicate round label \"\(sequenceLabel)\" (expanded from older Caliper's lists)")
                return nil
            }
            rounds.append(Round(label: sequenceLabel, description: description, length: lengths[index], trim: trim,
                                rateControl: rateControls[index], workload: workload, accounts: accounts, network: nil))
        }
        return rounds
    }

    /// Reads exactly one of `txNumber` (>= 1) and `txDuration` (> 0), `count` times over for older
    /// Caliper's rounds in sequence.
    private static func readLengths(_ mapping: ConfigurationMapping, count: Int, context: RoundReadingContext) -> [RoundLength]? {
        let number = mapping.optional("txNumber")
        let duration = mapping.optional("txDuration")
        switch (number, duration) {
        case (let number?, nil):
            return readCaliperValues(number, count: count, context: context) { $0.integer(atLeast: 1).map(RoundLength.transactions) }
        case (nil, let duration?):
            return readCaliperValues(duration, count: count, context: context) { duration in
                // Caliper gives txDuration in seconds, as a bare number.
                if context.caliper, duration.tagName == .int || duration.tagName == .float {
                    guard let seconds = duration.number(), seconds > 0, seconds <= 31_536_000 else {
                        duration.report("txDuration in seconds must be above 0 and at most a year")
                        return nil
                    }
                    duration.note("Caliper's txDuration is in seconds: \(duration.text) s")
                    return .duration(.milliseconds(Int64((seconds * 1000).rounded())))
                }
                return duration.positiveDuration().map(RoundLength.duration)
            }
        case (_?, let duration?):
            duration.report("txNumber and txDuration are exclusive: give only one")
            return nil
        case (nil, nil):
            mapping.value.report("a round needs exactly one of txNumber or txDuration (or a grid of transactions)")
            return nil
        }
    }

    /// Reads a value `count` times over. In Caliper's layout, a list of `count` values gives one
    /// per round and a one-element list (`txNumber: [1000]`) stands for its element; a single value
    /// serves every round.
    private static func readCaliperValues<T>(_ value: ConfigurationValue, count: Int, context: RoundReadingContext,
                                             _ read: (ConfigurationValue) -> T?) -> [T]? {
        guard context.caliper, case .sequence = value.node, let elements = value.sequence() else {
            return read(value).map { Array(repeating: $0, count: count) }
        }
        if count > 1, elements.count == count {
            let values = elements.compactMap(read)
            return values.count == count ? values : nil
        }
        guard elements.count == 1 else {
            value.report("a list of \(elements.count) values: older Caliper's lists give one value per round in sequence")
            return nil
        }
        value.note("Caliper's one-element list is read as its element")
        return read(ConfigurationValue(node: elements[0].node, path: value.path, diagnostics: value.diagnostics))
            .map { Array(repeating: $0, count: count) }
    }

    /// Reads `trim`: a count below `txNumber`, or a duration below `txDuration`.
    ///
    /// Returns `.some(nil)` when there is no trim, nil when it is invalid.
    private static func readTrim(_ mapping: ConfigurationMapping, length: RoundLength?) -> RoundLength?? {
        guard let value = mapping.optional("trim") else { return .some(nil) }
        let trim: RoundLength
        switch value.tagName {
        case .int:
            guard let count = value.integer(atLeast: 0) else { return nil }
            trim = .transactions(count)
        case .str:
            guard let duration = value.duration() else { return nil }
            trim = .duration(duration)
        default:
            value.reportExpected("a transaction count or a duration")
            return nil
        }
        switch (trim, length) {
        case (.transactions(let count), .transactions(let total)?) where count >= total:
            value.report("out of range: trim must be less than txNumber (\(total)), found \(count)")
            return nil
        case (.duration(let duration), .duration(let total)?) where duration >= total:
            value.report("out of range: trim must be shorter than txDuration (\(total.benchmarkText)), "
                + "found \(duration.benchmarkText)")
            return nil
        default:
            return .some(trim)
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    fileprivate var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : ""
    }
}
