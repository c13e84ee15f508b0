extension Round {
    /// The keys allowed in a round.
    static let keys = ["label", "description", "txNumber", "txDuration", "trim", "rateControl", "workload"]

    /// Reads `rounds`: at least one round, labels unique.
    static func readAll(_ value: ConfigurationValue) -> [Round]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one round is required")
            return nil
        }
        var labels: Set<String> = []
        var rounds: [Round] = []
        var failed = false
        for element in elements {
            guard let round = read(element, labels: &labels) else {
                failed = true
                continue
            }
            rounds.append(round)
        }
        return failed ? nil : rounds
    }

    /// Reads one round; `labels` holds the labels seen so far.
    private static func read(_ value: ConfigurationValue, labels: inout Set<String>) -> Round? {
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let label = mapping.read("label") { value -> String? in
            guard let label = value.string() else { return nil }
            guard !label.trimmingWhitespace.isEmpty else {
                value.report("the label must not be empty")
                return nil
            }
            guard labels.insert(label).inserted else {
                value.report("duplicate round label \"\(label)\"")
                return nil
            }
            return label
        }
        let description = mapping.read("description", default: String?.none) { $0.string().map(Optional.some) }
        let length = readLength(mapping)
        let trim = readTrim(mapping, length: length)
        let rateControl = mapping.read("rateControl") { RateControl.read($0, nested: false) }
        let workload = mapping.read("workload", Workload.read)
        guard let label, let description, let length, let trim, let rateControl, let workload else { return nil }
        return Round(
            label: label, description: description, length: length, trim: trim,
            rateControl: rateControl, workload: workload
        )
    }

    /// Reads exactly one of `txNumber` (>= 1) and `txDuration` (> 0).
    private static func readLength(_ mapping: ConfigurationMapping) -> RoundLength? {
        let number = mapping.optional("txNumber")
        let duration = mapping.optional("txDuration")
        switch (number, duration) {
        case (let number?, nil):
            return number.integer(atLeast: 1).map(RoundLength.transactions)
        case (nil, let duration?):
            return duration.positiveDuration().map(RoundLength.duration)
        case (_?, let duration?):
            duration.report("txNumber and txDuration are exclusive: give only one")
            return nil
        case (nil, nil):
            mapping.value.report("a round needs exactly one of txNumber or txDuration")
            return nil
        }
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
